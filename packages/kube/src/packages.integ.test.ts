import { createCredentialProviderPackage, isCredprovError } from '@eksa-credprov/core';
import { describe, expect, it } from 'vitest';
import { applyObjects } from './apply.ts';
import { getClusterCaCertificate, getWorkloadClusterKubeConfig } from './cluster-secrets.ts';
import { isKubeApiError } from './errors.ts';
import { ensureNamespace } from './install.ts';
import { formatPackageTable } from './package-table.ts';
import { waitForPackage } from './package-wait.ts';
import { deletePackage, getPackage, listPackages, type PackageInfo } from './packages.ts';
import { kubeConfigFor, setPackageStatus, testEnv, uniqueName } from '@eksa-credprov/testenv';
import { readFileSync } from 'node:fs';

const admin = kubeConfigFor('admin');
const fieldManager = 'eksa-credprov-test';

async function newPackage(): Promise<{ cluster: string; name: string }> {
  const cluster = uniqueName('p');
  await ensureNamespace(`eksa-packages-${cluster}`, { kubeConfig: admin });
  const pkg = createCredentialProviderPackage({ clusterName: cluster });
  await applyObjects([pkg], { kubeConfig: admin, fieldManager });
  return { cluster, name: pkg.metadata.name };
}

describe('Packages on a real kube-apiserver', () => {
  it('lists and reads Packages with their typed status, and formats the kubectl table', async () => {
    const { cluster, name } = await newPackage();
    await setPackageStatus(cluster, name, {
      state: 'installed',
      currentVersion: '0.4.15',
      targetVersion: '0.4.15 (latest)',
    });
    const info = await getPackage(name, { kubeConfig: admin, clusterName: cluster });
    expect(info).toMatchObject({
      name,
      namespace: `eksa-packages-${cluster}`,
      clusterName: cluster,
      packageName: 'credential-provider-package',
      state: 'installed',
      currentVersion: '0.4.15',
      targetVersion: '0.4.15 (latest)',
    });
    const listed = await listPackages({ kubeConfig: admin, clusterName: cluster });
    expect(listed.map((p) => p.name)).toEqual([name]);
    expect(
      (await listPackages({ kubeConfig: admin })).some(
        (p) => p.namespace === `eksa-packages-${cluster}`,
      ),
    ).toBe(true);
    const table = formatPackageTable(listed);
    expect(table.split('\n')[0]).toMatch(
      /^NAME\s+PACKAGE\s+AGE\s+STATE\s+CURRENTVERSION\s+TARGETVERSION\s+DETAIL$/,
    );
    expect(table).toMatch(
      new RegExp(
        `^${name}\\s+credential-provider-package\\s+\\d+s\\s+installed\\s+0\\.4\\.15\\s+0\\.4\\.15 \\(latest\\)`,
        'm',
      ),
    );
  });

  it('waitForPackage follows the state through a watch until installed', async () => {
    const { cluster, name } = await newPackage();
    const seen: (string | undefined)[] = [];
    const waiting = waitForPackage(name, {
      kubeConfig: admin,
      clusterName: cluster,
      timeoutMs: 20_000,
      onProgress: (p: PackageInfo) => seen.push(p.state),
    });
    await new Promise((r) => setTimeout(r, 300));
    await setPackageStatus(cluster, name, { state: 'installing' });
    await new Promise((r) => setTimeout(r, 300));
    await setPackageStatus(cluster, name, { state: 'installed' });
    expect((await waiting).state).toBe('installed');
    expect(seen).toEqual([undefined, 'installing', 'installed']);
  });

  it('waitForPackage ends early with the controller detail', async () => {
    const { cluster, name } = await newPackage();
    const outcome = waitForPackage(name, {
      kubeConfig: admin,
      clusterName: cluster,
      timeoutMs: 20_000,
    }).catch((e: unknown) => e);
    await setPackageStatus(cluster, name, {
      state: 'unknown',
      detail: 'Packages namespaces must start with: eksa-packages',
    });
    expect(String(await outcome)).toMatch(
      /is unknown: Packages namespaces must start with: eksa-packages/,
    );
  });

  it('waitForPackage times out with the last state seen, and honours an abort signal', async () => {
    const { cluster, name } = await newPackage();
    await setPackageStatus(cluster, name, {
      state: 'installing',
      detail: 'Waiting for dependencies',
    });
    const e = await waitForPackage(name, {
      kubeConfig: admin,
      clusterName: cluster,
      timeoutMs: 1500,
    }).catch((x: unknown) => x);
    expect(isCredprovError(e) && e.code).toBe('TIMEOUT');
    expect(String(e)).toMatch(
      /did not become installed within 1500 ms; last seen: installing \(Waiting for dependencies\)/,
    );
    const abort = new AbortController();
    const aborted = waitForPackage(name, {
      kubeConfig: admin,
      clusterName: cluster,
      timeoutMs: 20_000,
      signal: abort.signal,
    }).catch((x: unknown) => x);
    abort.abort();
    expect(String(await aborted)).toMatch(/before the wait was aborted/);
  });

  it('deletePackage removes it, waits, and says when there was nothing', async () => {
    const { cluster, name } = await newPackage();
    expect(
      await deletePackage(name, { kubeConfig: admin, clusterName: cluster, wait: true }),
    ).toEqual({ deleted: true });
    await expect(getPackage(name, { kubeConfig: admin, clusterName: cluster })).rejects.toSatisfy(
      (e) => isKubeApiError(e) && e.status === 404,
    );
    expect(await deletePackage(name, { kubeConfig: admin, clusterName: cluster })).toEqual({
      deleted: false,
    });
  });
});

describe('cluster Secrets in eksa-system', () => {
  it('reads the cluster CA and the workload kubeconfig, and says what to check when absent', async () => {
    await ensureNamespace('eksa-system', { kubeConfig: admin });
    const cluster = uniqueName('mgmt');
    const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const kubeconfigText = readFileSync(testEnv().kubeconfig, 'utf8');
    await applyObjects(
      [
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: `${cluster}-ca`, namespace: 'eksa-system' },
          stringData: { 'tls.crt': ca, 'tls.key': 'k' },
        },
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: `${cluster}-kubeconfig`, namespace: 'eksa-system' },
          stringData: { value: kubeconfigText },
        },
      ],
      { kubeConfig: admin, fieldManager },
    );
    expect(await getClusterCaCertificate(cluster, { kubeConfig: admin })).toBe(ca);
    const workload = await getWorkloadClusterKubeConfig(cluster, { kubeConfig: admin });
    expect(Array.isArray(await listPackages({ kubeConfig: workload }))).toBe(true);
    const e = await getClusterCaCertificate('no-such-cluster', { kubeConfig: admin }).catch(
      (x: unknown) => x,
    );
    expect(isKubeApiError(e) && e.status).toBe(404);
    expect(String(e)).toMatch(
      /no Secret eksa-system\/no-such-cluster-ca: check the cluster name, and that the kubeconfig is the management cluster's/,
    );
  });
});
