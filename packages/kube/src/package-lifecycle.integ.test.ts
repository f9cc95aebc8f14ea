/**
 * The Package lifecycle driven by the real EKS Anywhere package controller (package-manager
 * v0.4.17 from the Go module proxy), with the upstream credential-provider-package chart and a
 * bundle listing it in a local TLS OCI registry: what the SDK reads and waits for is what the
 * controller writes, and the chart's objects are what Helm installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCredentialProviderPackage,
  isCredprovError,
  type CredentialProviderPackageInit,
  type PackageState,
} from '@eksa-credprov/core';
import {
  CHART_VERSIONS,
  kubeConfigFor,
  kubeRequest,
  rejectionOf,
  startPackageStack,
  testKeysSecret,
  uniqueName,
  until,
  type PackageStack,
} from '@eksa-credprov/testenv';
import { installCredentialProvider } from './install.ts';
import { formatPackageTable, humanDuration, tabulate } from './package-table.ts';
import { isPackageFailed, waitForPackage } from './package-wait.ts';
import {
  HELM_RELEASE_NAMESPACE,
  deletePackage,
  getPackage,
  listPackages,
  type PackageInfo,
} from './packages.ts';

const admin = kubeConfigFor('admin');
const cluster = uniqueName('life');
const [LATEST, OLDER] = CHART_VERSIONS;
let stack: PackageStack;

const secret = testKeysSecret();

/** A Package of this file's cluster, with a name of its own (its Helm release's name). */
function pkgOf(name: string, extra: Partial<CredentialProviderPackageInit> = {}) {
  return createCredentialProviderPackage({ clusterName: cluster, name, ...extra });
}

async function install(pkg: ReturnType<typeof pkgOf>): Promise<void> {
  await installCredentialProvider({ management: admin, package: pkg, secret });
}

/** Waits as a user would, recording every state the watch saw; failing, the controller's log. */
async function waitRecording(name: string, timeoutMs = 90_000) {
  const states: (PackageState | undefined)[] = [];
  const info = await waitForPackage(name, {
    kubeConfig: admin,
    clusterName: cluster,
    timeoutMs,
    onProgress: (p) => {
      if (states.at(-1) !== p.state) states.push(p.state);
    },
  }).catch((e: unknown) => {
    throw new Error(`${String(e)}\n${stack.log()}`);
  });
  return { info, states };
}

interface DaemonSet {
  metadata: { name: string };
  spec: {
    template: {
      spec: {
        containers: { image: string; env: { name: string; value?: string }[] }[];
        volumes: { name: string; secret?: { secretName: string } }[];
        serviceAccountName: string;
      };
    };
  };
}

/** The DaemonSet of release `name`, found by the chart's instance label. */
async function daemonSet(name: string): Promise<DaemonSet | undefined> {
  const res = await kubeRequest({
    method: 'GET',
    path: `/apis/apps/v1/namespaces/eksa-packages/daemonsets?labelSelector=app.kubernetes.io%2Finstance%3D${name}`,
  });
  const { items } = res.json as { items: DaemonSet[] };
  expect(items.length).toBeLessThanOrEqual(1);
  return items[0];
}

function envOf(ds: DaemonSet | undefined): Record<string, string | undefined> {
  const container = ds?.spec.template.spec.containers[0];
  return Object.fromEntries((container?.env ?? []).map((e) => [e.name, e.value]));
}

/** The Helm release records of `name` (Secrets `sh.helm.release.v1.<name>.v<n>`). */
async function releases(
  name: string,
): Promise<{ metadata: { name: string; labels: Record<string, string> } }[]> {
  const res = await kubeRequest({
    method: 'GET',
    path: `/api/v1/namespaces/${HELM_RELEASE_NAMESPACE}/secrets?labelSelector=owner%3Dhelm%2Cname%3D${name}`,
  });
  return (res.json as { items: { metadata: { name: string; labels: Record<string, string> } }[] })
    .items;
}

/**
 * The release's deployed revision and how many revisions Helm keeps. Not an exact count: the
 * controller may reconcile one state twice (a status write that conflicts is retried), and a
 * second install becomes an upgrade, so one install can leave revision 1 or 2.
 */
async function deployed(name: string): Promise<{ revision: number; kept: number }> {
  const records = await releases(name);
  const deployedOnes = records.filter((r) => r.metadata.labels['status'] === 'deployed');
  expect(deployedOnes).toHaveLength(1);
  return {
    revision: Number(deployedOnes[0]?.metadata.labels['version']),
    kept: records.length,
  };
}

beforeAll(async () => {
  stack = await startPackageStack(cluster);
}, 180_000);

afterAll(async () => {
  await stack.stop();
});

describe('the real package controller, with a bundle and the chart', () => {
  it('activates the bundle it pulled from the TLS registry', async () => {
    const pbc = (
      await kubeRequest({
        method: 'GET',
        path: `/apis/packages.eks.amazonaws.com/v1alpha1/namespaces/eksa-packages/packagebundlecontrollers/${cluster}`,
      })
    ).json as { spec: { activeBundle: string }; status: { state: string } };
    expect(pbc.status.state).toBe('active');
    expect(pbc.spec.activeBundle).toBe(stack.bundleName);
    const bundle = (
      await kubeRequest({
        method: 'GET',
        path: `/apis/packages.eks.amazonaws.com/v1alpha1/namespaces/eksa-packages/packagebundles/${stack.bundleName}`,
      })
    ).json as { status?: { state?: string } };
    expect(bundle.status?.state).toBe('available');
  });

  it('installs: waitForPackage reaches installed with currentVersion, and the chart objects carry the config', async () => {
    const name = uniqueName('cpp-install');
    const matchImages = [
      '123456789012.dkr.ecr.us-west-2.amazonaws.com',
      '*.dkr.ecr.*.amazonaws.com',
    ];
    await install(
      pkgOf(name, { config: { credential: [{ matchImages, defaultCacheDuration: '30m' }] } }),
    );
    const { info, states } = await waitRecording(name);
    expect(info.state).toBe('installed');
    expect(info.currentVersion).toBe(LATEST);
    expect(info.targetVersion).toBe(`${LATEST} (latest)`);
    expect(info.detail ?? '').toBe('');
    expect(info.upToDate).toBe(true);
    // Contradicts the state list we had: the controller never writes "initializing" (it is the
    // name of what it does for an empty state, which it leaves for "installing dependencies").
    expect(states).not.toContain('initializing');
    expect(states.at(-1)).toBe('installed');
    for (const s of states)
      expect([undefined, 'installing dependencies', 'installing', 'installed']).toContain(s);
    // The chart's objects, as Helm installed them (the release is named after the Package).
    const ds = await daemonSet(name);
    expect(ds).toBeDefined();
    const env = envOf(ds);
    expect(env['MATCH_IMAGES']).toBe(matchImages.join(','));
    expect(env['DEFAULT_CACHE_DURATION']).toBe('30m');
    expect(env['AWS_PROFILE']).toBe('default');
    expect(
      ds?.spec.template.spec.volumes.find((v) => v.name === 'aws-creds')?.secret?.secretName,
    ).toBe(secret.metadata.name);
    expect(ds?.spec.template.spec.containers[0]?.image).toBe(
      `public.ecr.aws/eks-anywhere/credential-provider-package@${stack.versions[0]?.image ?? ''}`,
    );
    const sa = await kubeRequest({
      method: 'GET',
      path: `/api/v1/namespaces/eksa-packages/serviceaccounts/${ds?.spec.template.spec.serviceAccountName ?? ''}`,
    });
    expect(sa.status).toBe(200);
    expect((await deployed(name)).revision).toBeGreaterThanOrEqual(1);
  });

  it('a config change goes through updating back to installed, and only the new config counts', async () => {
    const name = uniqueName('cpp-config');
    await install(pkgOf(name));
    await waitRecording(name);
    const before = envOf(await daemonSet(name))['MATCH_IMAGES'];
    const revisionBefore = (await deployed(name)).revision;
    await install(
      pkgOf(name, {
        config: { credential: [{ matchImages: ['*.dkr.ecr.eu-west-1.amazonaws.com'] }] },
      }),
    );
    // Right after the change, the status still says installed, for the old config.
    const { info, states } = await waitRecording(name);
    expect(states).toContain('updating');
    expect(info.state).toBe('installed');
    expect(info.upToDate).toBe(true);
    const after = envOf(await daemonSet(name))['MATCH_IMAGES'];
    expect(before).not.toBe(after);
    expect(after).toBe('*.dkr.ecr.eu-west-1.amazonaws.com');
    // Helm upgraded the release (once per change in v0.4.17; v0.4.5 upgraded twice), keeping 2.
    const { revision, kept } = await deployed(name);
    expect(revision).toBeGreaterThan(revisionBefore);
    expect(kept).toBeLessThanOrEqual(2);
  });

  it('a version change goes through updating to the version asked for', async () => {
    const name = uniqueName('cpp-version');
    await install(pkgOf(name));
    await waitRecording(name);
    await install(pkgOf(name, { packageVersion: OLDER }));
    const { info, states } = await waitRecording(name);
    expect(states).toContain('updating');
    expect(info.currentVersion).toBe(OLDER);
    expect(info.targetVersion).toBe(OLDER);
  });

  it('a version not in the bundle: the controller says so, and waitForPackage ends early with it', async () => {
    const name = uniqueName('cpp-bad');
    await install(pkgOf(name, { packageVersion: '9.9.9' }));
    const started = Date.now();
    const e = await rejectionOf(
      waitForPackage(name, { kubeConfig: admin, clusterName: cluster, timeoutMs: 60_000 }),
    );
    expect(isCredprovError(e) && e.code).toBe('PACKAGE_FAILED');
    // The controller's own words, and no state: it leaves the state alone.
    expect(String(e)).toContain(
      `is without state: Package credential-provider-package@9.9.9 is not in the active bundle (${stack.bundleName}).`,
    );
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('an installed Package changed to a version not in the bundle is not reported installed', async () => {
    const name = uniqueName('cpp-bad2');
    await install(pkgOf(name));
    await waitRecording(name);
    await install(pkgOf(name, { packageVersion: '9.9.9' }));
    const e = await rejectionOf(
      waitForPackage(name, { kubeConfig: admin, clusterName: cluster, timeoutMs: 60_000 }),
    );
    expect(isCredprovError(e) && e.code).toBe('PACKAGE_FAILED');
    // The state is still the old installed one; the detail names the version asked for.
    expect(String(e)).toContain(
      `is installed: Package credential-provider-package@9.9.9 is not in the active bundle`,
    );
    // Corrected: the stale detail no longer fails the wait, and it ends installed.
    await install(pkgOf(name, { packageVersion: OLDER }));
    const { info } = await waitRecording(name);
    expect(info.currentVersion).toBe(OLDER);
  });

  it('a Package outside eksa-packages-*: state unknown, which isPackageFailed reports', async () => {
    const namespace = uniqueName('elsewhere');
    const name = uniqueName('cpp-unknown');
    await kubeRequest({
      method: 'POST',
      path: '/api/v1/namespaces',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    });
    const pkg = pkgOf(name);
    const created = await kubeRequest({
      method: 'POST',
      path: `/apis/packages.eks.amazonaws.com/v1alpha1/namespaces/${namespace}/packages`,
      body: { ...pkg, metadata: { ...pkg.metadata, namespace } },
    });
    expect(created.status).toBe(201);
    let info: PackageInfo | undefined;
    await until(
      async () => {
        info = (await listPackages({ kubeConfig: admin })).find((p) => p.name === name);
        return info?.state !== undefined;
      },
      'a state for the Package outside eksa-packages-*',
      60_000,
    );
    expect(info?.state).toBe('unknown');
    expect(info?.detail).toBe('Packages namespaces must start with: eksa-packages');
    expect(info?.clusterName).toBe('');
    expect(info !== undefined && isPackageFailed(info)).toBe(true);
  });

  it('deletePackage --wait returns once the controller has uninstalled the release and its objects', async () => {
    const name = uniqueName('cpp-delete');
    await install(pkgOf(name));
    await waitRecording(name);
    expect((await deployed(name)).revision).toBeGreaterThanOrEqual(1);
    expect(
      await deletePackage(name, {
        kubeConfig: admin,
        clusterName: cluster,
        wait: true,
        timeoutMs: 60_000,
      }),
    ).toEqual({
      deleted: true,
    });
    expect(await releases(name)).toEqual([]);
    expect(await daemonSet(name)).toBeUndefined();
    await expect(
      getPackage(name, { kubeConfig: admin, clusterName: cluster }),
    ).rejects.toMatchObject({
      status: 404,
    });
  });

  it('formatPackageTable prints what kubectl get packages prints: the CRD columns as the API server renders them', async () => {
    const now = new Date();
    const table = (
      await kubeRequest({
        method: 'GET',
        path: `/apis/packages.eks.amazonaws.com/v1alpha1/namespaces/eksa-packages-${cluster}/packages`,
        accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
      })
    ).json as {
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[]; object: { metadata: { creationTimestamp: string } } }[];
    };
    expect(table.rows.length).toBeGreaterThanOrEqual(4);
    // The server's cells, headers upper-cased and AGE from the timestamp at `now`, in kubectl's
    // layout (`tabulate`, whose rules packages.test.ts checks against literal tables).
    const cells = [
      table.columnDefinitions.map((c) => c.name.toUpperCase()),
      ...table.rows.map((r) =>
        r.cells.map((c, i) =>
          i === 2
            ? humanDuration(now.getTime() - Date.parse(r.object.metadata.creationTimestamp))
            : // Cells of these columns are strings, or null where the field is missing.
              typeof c === 'string'
              ? c
              : '',
        ),
      ),
    ];
    const ours = formatPackageTable(
      await listPackages({ kubeConfig: admin, clusterName: cluster }),
      {
        now,
      },
    );
    expect(ours).toBe(tabulate(cells));
    expect(ours).toContain(`installed   ${LATEST}`);
  });

  // Last: it stops the controller.
  it('deletePackage --wait with no controller to uninstall: TIMEOUT naming the release still installed', async () => {
    const name = uniqueName('cpp-orphan');
    await install(pkgOf(name));
    await waitRecording(name);
    await stack.controller.stop();
    const e = await rejectionOf(
      deletePackage(name, { kubeConfig: admin, clusterName: cluster, wait: true, timeoutMs: 2000 }),
    );
    expect(isCredprovError(e) && e.code).toBe('TIMEOUT');
    expect(String(e)).toContain(
      `the Helm release eksa-packages/${name} of Package eksa-packages-${cluster}/${name} is still installed: is the package controller running?`,
    );
    expect((await deployed(name)).revision).toBeGreaterThanOrEqual(1);
  });
});
