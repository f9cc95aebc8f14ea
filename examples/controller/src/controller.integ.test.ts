/**
 * The fleet controller as a real process, on the real API server with the real EKS Anywhere
 * Cluster CRD, moto and the Roles Anywhere emulator, running as its own ServiceAccount with only
 * the RBAC `createControllerManifests` renders. Waits are bounded polls, never timing assertions.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import {
  createCredentialProviderPackage,
  createRolesAnywhereSecret,
  parseRolesAnywhereCredfile,
} from '@eksa-credprov/core';
import {
  awsTestEnv,
  killApiServer,
  kubeRequest,
  listAll,
  makeCaCertificate,
  uniqueName,
  until,
} from '@eksa-credprov/testenv';
import {
  APPLIED_ANNOTATION,
  CREDENTIALS_ANNOTATION,
  FINALIZER,
  MATCH_IMAGES_ANNOTATION,
  TARGET_NAMESPACE_ANNOTATION,
} from './intent.ts';
import {
  TEST_KEYS,
  apiRequests,
  createClusters,
  fleetOf,
  get,
  installController,
  metricValue,
  spawnController,
  writesBetween,
  type ControllerProcess,
} from './test-fleet.ts';

const run = uniqueName('f').slice(2);
const NS = `ctl-${run}`;
const FLEET = `fleet-${run}`;
const FAST = ['--lease-duration=3s', '--renew-deadline=2s', '--retry-period=500ms'];

let kubeconfig = '';
const processes: ControllerProcess[] = [];

interface Cluster {
  metadata: {
    name: string;
    finalizers?: string[];
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
  };
}
interface Event {
  reason: string;
  note: string;
  type: string;
  series?: { count: number };
}

const clusterPath = (name: string): string =>
  `/apis/anywhere.eks.amazonaws.com/v1alpha1/namespaces/${FLEET}/clusters/${name}`;
const packagePath = (name: string): string =>
  `/apis/packages.eks.amazonaws.com/v1alpha1/namespaces/eksa-packages-${name}/packages/my-credential-provider-package`;
const secretPath = (ns: string, name: string): string => `/api/v1/namespaces/${ns}/secrets/${name}`;

async function events(cluster: string): Promise<Event[]> {
  const list = await get<{ items: Event[] }>(
    `/apis/events.k8s.io/v1/namespaces/${FLEET}/events?fieldSelector=regarding.name=${cluster}`,
  );
  return list?.items ?? [];
}

async function configured(name: string, targetNamespace: string, secret: string): Promise<boolean> {
  return (
    (await get(packagePath(name))) !== undefined &&
    (await get(secretPath(targetNamespace, secret))) !== undefined
  );
}

function start(id: string, args: readonly string[] = []): ControllerProcess {
  const p = spawnController({
    kubeconfig,
    namespace: NS,
    id,
    args: [...FAST, `--cluster-namespace=${FLEET}`, ...args],
  });
  processes.push(p);
  try {
    onTestFailed(() => {
      process.stderr.write(
        `controller ${id} logs:\n${p.logs.map((l) => JSON.stringify(l)).join('\n')}\n`,
      );
    });
  } catch {
    // Outside a test (the clean-up in afterAll): nothing to report to.
  }
  return p;
}

async function stopAll(): Promise<void> {
  for (const p of processes.splice(0)) {
    if (p.child.exitCode === null) p.child.kill('SIGTERM');
    await p.exited;
  }
}

const trustAnchors = (): Promise<{ name: string }[]> =>
  listAll<{ name: string }>('/trustanchors', 'trustAnchors');
const profiles = (): Promise<{ name: string }[]> =>
  listAll<{ name: string }>('/profiles', 'profiles');

async function roles(prefix: string): Promise<string[]> {
  const { IAMClient, paginateListRoles } = await import('@aws-sdk/client-iam');
  const iam = new IAMClient({
    region: 'us-east-1',
    endpoint: awsTestEnv().moto,
    credentials: TEST_KEYS,
  });
  const names: string[] = [];
  for await (const page of paginateListRoles({ client: iam }, {}))
    for (const r of page.Roles ?? [])
      if (r.RoleName?.startsWith(prefix) === true) names.push(r.RoleName);
  iam.destroy();
  return names;
}

beforeAll(async () => {
  kubeconfig = await installController(NS);
});

// A failed test must not leave its controller holding the Lease.
afterEach(async () => {
  await stopAll();
});

afterAll(async () => {
  await stopAll();
  // Every Cluster of this run deleted while a controller runs, so none is left holding a finalizer.
  const left = await get<{ items: Cluster[] }>(
    `/apis/anywhere.eks.amazonaws.com/v1alpha1/namespaces/${FLEET}/clusters`,
  );
  if ((left?.items.length ?? 0) === 0) return;
  start('cleanup');
  for (const c of left?.items ?? [])
    await kubeRequest({ method: 'DELETE', path: clusterPath(c.metadata.name) });
  await until(
    async () =>
      ((
        await get<{ items: Cluster[] }>(
          `/apis/anywhere.eks.amazonaws.com/v1alpha1/namespaces/${FLEET}/clusters`,
        )
      )?.items.length ?? 0) === 0,
    'every Cluster of this run removed',
    300_000,
  );
  await stopAll();
}, 360_000);

describe('eksa-credprov-controller', () => {
  it('runs with only its rendered RBAC: it cannot read Secrets beyond its own and eksa-system by name', async () => {
    const { loadKubeConfig } = await import('@eksa-credprov/kube');
    const kc = loadKubeConfig({ kubeconfigPath: kubeconfig });
    const token = kc.getCurrentUser()?.token ?? '';
    const server = kc.getCurrentCluster()?.server ?? '';
    const ca = Buffer.from(kc.getCurrentCluster()?.caData ?? '', 'base64');
    const https = await import('node:https');
    const once = (path: string): Promise<number> =>
      new Promise((ok, fail) => {
        https
          .get(`${server}${path}`, { ca, headers: { Authorization: `Bearer ${token}` } }, (res) => {
            res.resume();
            ok(res.statusCode ?? 0);
          })
          .on('error', fail);
      });
    // A 429 is the API server still filling a resource's watch cache after an earlier test
    // restarted it ("storage is (re)initializing"): asked again, as every client does.
    const status = async (path: string): Promise<number> => {
      for (let attempt = 1; ; attempt++) {
        const code = await once(path);
        if (code !== 429 || attempt === 30) return code;
        await new Promise((r) => setTimeout(r, 1000));
      }
    };
    expect(await status('/api/v1/secrets')).toBe(403);
    expect(await status('/api/v1/namespaces/eksa-system/secrets')).toBe(403);
    expect(await status('/api/v1/namespaces/kube-system/secrets')).toBe(403);
    expect(await status(`/api/v1/namespaces/${NS}/secrets`)).toBe(200);
    expect(await status('/apis/anywhere.eks.amazonaws.com/v1alpha1/clusters')).toBe(200);
  });

  it('configures a secret: cluster and a roles-anywhere cluster exactly as the SDK’s functions would', async () => {
    const keys = `k-${run}`;
    const ra = `r-${run}`;
    const ca = makeCaCertificate(ra);
    await createClusters([
      {
        name: keys,
        namespace: FLEET,
        annotations: {
          [CREDENTIALS_ANNOTATION]: 'secret:aws-keys',
          [TARGET_NAMESPACE_ANNOTATION]: `t-${keys}`,
          [MATCH_IMAGES_ANNOTATION]: '111111111111.dkr.ecr.us-west-2.amazonaws.com',
        },
      },
      {
        name: ra,
        namespace: FLEET,
        annotations: {
          [CREDENTIALS_ANNOTATION]: 'roles-anywhere',
          [TARGET_NAMESPACE_ANNOTATION]: `t-${ra}`,
        },
        ca,
      },
    ]);
    const leader = start('one');
    await until(() => configured(keys, `t-${keys}`, 'aws-keys'), 'the secret: cluster configured');
    await until(
      () => configured(ra, `t-${ra}`, 'aws-config'),
      'the roles-anywhere cluster configured',
    );

    // The Package is createCredentialProviderPackage's; the Secret is the source's data.
    const pkg = await get<{ spec: unknown }>(packagePath(keys));
    expect(pkg?.spec).toEqual(
      createCredentialProviderPackage({
        clusterName: keys,
        targetNamespace: `t-${keys}`,
        config: {
          credential: [
            {
              secretName: 'aws-keys',
              matchImages: ['111111111111.dkr.ecr.us-west-2.amazonaws.com'],
            },
          ],
        },
      }).spec,
    );
    const source = await get<{ data: unknown }>(secretPath(NS, 'aws-keys'));
    const copied = await get<{ data: unknown; type: string }>(secretPath(`t-${keys}`, 'aws-keys'));
    expect(copied?.data).toEqual(source?.data);
    expect(copied?.type).toBe('Opaque');

    // Roles Anywhere: one anchor, role and profile, and the credfile names them.
    expect((await trustAnchors()).filter((a) => a.name === `eksa-${ra}`)).toHaveLength(1);
    expect((await profiles()).filter((p) => p.name === `eksa-${ra}`)).toHaveLength(1);
    expect(await roles(`eksa-${ra}-ecr-pull`)).toEqual([`eksa-${ra}-ecr-pull`]);
    const raSecret = await get<{ data: { config: string } }>(secretPath(`t-${ra}`, 'aws-config'));
    const credfile = parseRolesAnywhereCredfile(
      Buffer.from(raSecret?.data.config ?? '', 'base64').toString('utf8'),
    );
    expect(
      createRolesAnywhereSecret({
        region: 'us-west-2',
        roleArn: credfile.roleArn,
        profileArn: credfile.profileArn,
        trustAnchorArn: credfile.trustAnchorArn,
        namespace: `t-${ra}`,
      }).data,
    ).toEqual(raSecret?.data);
    expect((await get<{ spec: unknown }>(packagePath(ra)))?.spec).toEqual(
      createCredentialProviderPackage({
        clusterName: ra,
        targetNamespace: `t-${ra}`,
        config: { credential: [{ secretName: 'aws-config' }] },
      }).spec,
    );

    // The finalizer and the record; an event that says what was done.
    const cluster = await get<Cluster>(clusterPath(keys));
    expect(cluster?.metadata.finalizers).toContain(FINALIZER);
    expect(JSON.parse(cluster?.metadata.annotations?.[APPLIED_ANNOTATION] ?? '{}')).toEqual({
      mode: 'secret',
      targetNamespace: `t-${keys}`,
      secretName: 'aws-keys',
      packageName: 'my-credential-provider-package',
    });
    await until(async () => (await events(ra)).some((e) => e.reason === 'Configured'), 'an event');
    expect((await events(ra)).find((e) => e.reason === 'Configured')?.note).toMatch(
      /Secret t-r-\S+\/aws-config created, Package eksa-packages-r-\S+\/my-credential-provider-package created, trust anchor created, role created, policy created, profile created/,
    );
    expect(metricValue(await leader.metrics(), 'eksa_credprov_controller_leader')).toBe(1);
    for (const path of ['/healthz', '/readyz'])
      expect((await fetch(`${await leader.metricsUrl}${path}`)).status, path).toBe(200);
    expect((await fetch(`${await leader.metricsUrl}/nope`)).status).toBe(404);
    expect(
      metricValue(
        await leader.metrics(),
        'eksa_credprov_controller_reconciles_total',
        'result="configured"',
      ),
    ).toBeGreaterThanOrEqual(2);
    await stopAll();
  });

  it('makes no writes on a resync with nothing changed, and repairs drift on the next one', async () => {
    const name = `d-${run}`;
    await createClusters([
      {
        name,
        namespace: FLEET,
        annotations: {
          [CREDENTIALS_ANNOTATION]: 'secret:aws-keys',
          [TARGET_NAMESPACE_ANNOTATION]: `t-${name}`,
        },
      },
    ]);
    const leader = start('steady', ['--resync=1s']);
    await until(() => configured(name, `t-${name}`, 'aws-keys'), 'configured');
    const unchanged = async (): Promise<number> =>
      metricValue(
        await leader.metrics(),
        'eksa_credprov_controller_reconciles_total',
        'result="unchanged"',
      );
    await until(async () => (await unchanged()) >= 1, 'a first resync');
    const before = await apiRequests();
    const seen = await unchanged();
    await until(async () => (await unchanged()) >= seen + 3 * 3, 'three more resyncs');
    expect(writesBetween(before, await apiRequests())).toEqual({});

    // Drift: the copied Secret deleted by hand comes back on a resync, with an event.
    await kubeRequest({ method: 'DELETE', path: secretPath(`t-${name}`, 'aws-keys') });
    await until(
      async () => (await get(secretPath(`t-${name}`, 'aws-keys'))) !== undefined,
      'repaired',
    );
    await until(
      async () =>
        (await events(name)).some(
          (e) => e.reason === 'Configured' && /Secret .* created$/.test(e.note),
        ),
      'a Configured event for the repair',
    );
    await stopAll();
  });

  it('tears down a deleted cluster and an opted-out one, and releases its finalizer', async () => {
    const deleted = `x-${run}`;
    const optedOut = `o-${run}`;
    await createClusters([
      {
        name: deleted,
        namespace: FLEET,
        annotations: {
          [CREDENTIALS_ANNOTATION]: 'roles-anywhere',
          [TARGET_NAMESPACE_ANNOTATION]: `t-${deleted}`,
        },
        ca: makeCaCertificate(deleted),
      },
      {
        name: optedOut,
        namespace: FLEET,
        annotations: {
          [CREDENTIALS_ANNOTATION]: 'secret:aws-keys',
          [TARGET_NAMESPACE_ANNOTATION]: `t-${optedOut}`,
        },
      },
    ]);
    start('teardown');
    await until(() => configured(deleted, `t-${deleted}`, 'aws-config'), 'configured');
    await until(() => configured(optedOut, `t-${optedOut}`, 'aws-keys'), 'configured');

    await kubeRequest({ method: 'DELETE', path: clusterPath(deleted) });
    await until(async () => (await get(clusterPath(deleted))) === undefined, 'the Cluster gone');
    expect(await get(packagePath(deleted))).toBeUndefined();
    expect(await get(secretPath(`t-${deleted}`, 'aws-config'))).toBeUndefined();
    expect((await trustAnchors()).filter((a) => a.name === `eksa-${deleted}`)).toEqual([]);
    expect((await profiles()).filter((p) => p.name === `eksa-${deleted}`)).toEqual([]);
    expect(await roles(`eksa-${deleted}-`)).toEqual([]);
    expect((await events(deleted)).find((e) => e.reason === 'Removed')?.note).toMatch(
      /^deleted: Package .* deleted, Secret .* deleted, trust anchor deleted, role deleted, profile deleted$/,
    );

    await kubeRequest({
      method: 'PATCH',
      path: clusterPath(optedOut),
      contentType: 'application/merge-patch+json',
      body: { metadata: { annotations: { [CREDENTIALS_ANNOTATION]: null } } },
    });
    await until(async () => {
      const c = await get<Cluster>(clusterPath(optedOut));
      return (
        c?.metadata.finalizers === undefined &&
        c?.metadata.annotations?.[APPLIED_ANNOTATION] === undefined
      );
    }, 'finalizer and record released');
    expect(await get(packagePath(optedOut))).toBeUndefined();
    expect(await get(secretPath(`t-${optedOut}`, 'aws-keys'))).toBeUndefined();
    expect(await get(secretPath(NS, 'aws-keys'))).toBeDefined();
    await until(
      async () => (await events(optedOut)).some((e) => e.reason === 'Removed'),
      'a Removed event',
    );
    await stopAll();
  });

  it('keeps failures local: a missing kubeconfig and a refused CA are retried with backoff, the others converge', async () => {
    const noKubeconfig = `nk-${run}`;
    const badCa = `bc-${run}`;
    const good = `g-${run}`;
    const invalid = `iv-${run}`;
    await createClusters([
      {
        name: noKubeconfig,
        namespace: FLEET,
        kubeconfig: false,
        annotations: { [CREDENTIALS_ANNOTATION]: 'secret:aws-keys' },
      },
      {
        name: badCa,
        namespace: FLEET,
        annotations: {
          [CREDENTIALS_ANNOTATION]: 'roles-anywhere',
          [TARGET_NAMESPACE_ANNOTATION]: `t-${badCa}`,
        },
        ca: makeCaCertificate(badCa, { keyUsage: 'no-cert-sign' }),
      },
      {
        name: invalid,
        namespace: FLEET,
        annotations: { [CREDENTIALS_ANNOTATION]: 'secret:Not_A_Name' },
      },
      {
        name: good,
        namespace: FLEET,
        annotations: {
          [CREDENTIALS_ANNOTATION]: 'secret:aws-keys',
          [TARGET_NAMESPACE_ANNOTATION]: `t-${good}`,
        },
      },
    ]);
    const leader = start('failures');
    await until(() => configured(good, `t-${good}`, 'aws-keys'), 'the good cluster configured');
    const failing = async (name: string): Promise<Event | undefined> =>
      (await events(name)).find((e) => e.reason === 'ReconcileFailed');
    // Retried: the same failure event's series counts the attempts.
    await until(async () => ((await failing(noKubeconfig))?.series?.count ?? 0) >= 3, 'retries');
    await until(async () => ((await failing(badCa))?.series?.count ?? 0) >= 3, 'retries');
    expect((await failing(noKubeconfig))?.note).toMatch(
      /there is no Secret eksa-system\/nk-\S+-kubeconfig: check the cluster name/,
    );
    // The SDK checks the CA as the service does (the emulator's one rule: CA with keyCertSign)
    // before any AWS call.
    expect((await failing(badCa))?.note).toMatch(/is not a CA certificate .* keyCertSign/);
    expect((await failing(badCa))?.type).toBe('Warning');
    expect(
      metricValue(await leader.metrics(), 'eksa_credprov_controller_reconcile_errors_total'),
    ).toBeGreaterThanOrEqual(6);
    // The refused CA left no half-made role or profile behind that a retry would duplicate.
    expect((await trustAnchors()).filter((a) => a.name === `eksa-${badCa}`)).toEqual([]);
    // A malformed annotation is said once and not retried; nothing is claimed.
    const invalidEvents = (await events(invalid)).filter((e) => e.reason === 'InvalidAnnotation');
    expect(invalidEvents).toHaveLength(1);
    expect(invalidEvents[0]?.note).toMatch(
      /eksa-credprov.io\/credentials secret:<name> needs a Secret name/,
    );
    expect((await get<Cluster>(clusterPath(invalid)))?.metadata.finalizers).toBeUndefined();
    // Fixed, the failing cluster converges (the backoff is capped, the next retry picks it up).
    await createClusters([
      {
        name: noKubeconfig,
        namespace: FLEET,
        annotations: { [CREDENTIALS_ANNOTATION]: 'secret:aws-keys' },
      },
    ]);
    await until(
      () => configured(noKubeconfig, 'eksa-packages', 'aws-keys'),
      'fixed and configured',
      180_000,
    );
    // The ones still failing go, so that later tests see a healthy fleet.
    for (const name of [badCa, invalid])
      await kubeRequest({ method: 'DELETE', path: clusterPath(name) });
    await until(
      async () =>
        (await get(clusterPath(badCa))) === undefined &&
        (await get(clusterPath(invalid))) === undefined,
      'the failing clusters deleted',
    );
    await stopAll();
  }, 300_000);

  it('converges 200 opted-in clusters, each AWS resource once, and a resync with nothing changed writes nothing', async () => {
    const fleet = fleetOf(200, {
      prefix: 'n',
      suffix: run,
      namespace: FLEET,
      rolesAnywhere: (i) => i % 2 === 1,
    });
    await createClusters(fleet);
    const leader = start('fleet', ['--resync=5s']);
    const count = async (result: string): Promise<number> =>
      metricValue(
        await leader.metrics(),
        'eksa_credprov_controller_reconciles_total',
        `result="${result}"`,
      );
    await until(async () => (await count('configured')) >= 200, '200 configured', 300_000);
    for (const c of fleet) {
      const secret = c.ca === undefined ? 'aws-keys' : 'aws-config';
      expect(await configured(c.name, `t-${c.name}`, secret), c.name).toBe(true);
    }
    // Each AWS resource exactly once.
    const names = new Set(fleet.filter((c) => c.ca !== undefined).map((c) => `eksa-${c.name}`));
    const anchorNames = (await trustAnchors()).map((a) => a.name).filter((n) => names.has(n));
    const profileNames = (await profiles()).map((p) => p.name).filter((n) => names.has(n));
    const roleNames = (await roles('eksa-n')).filter((n) => n.endsWith(`-${run}-ecr-pull`));
    expect(anchorNames.length).toBe(100);
    expect(new Set(anchorNames).size).toBe(100);
    expect(profileNames.length).toBe(100);
    expect(new Set(profileNames).size).toBe(100);
    expect(roleNames.length).toBe(100);
    // Every Cluster of the namespace that records a set-up (the earlier tests' too) is configured.
    const all = await get<{ items: Cluster[] }>(
      `/apis/anywhere.eks.amazonaws.com/v1alpha1/namespaces/${FLEET}/clusters`,
    );
    const recorded = (all?.items ?? []).filter(
      (c) => c.metadata.annotations?.[APPLIED_ANNOTATION] !== undefined,
    ).length;
    expect(recorded).toBeGreaterThanOrEqual(200);
    expect(
      metricValue(await leader.metrics(), 'eksa_credprov_controller_clusters_configured'),
    ).toBe(recorded);

    // Every reconcile timed; the queue drained once the fleet is quiet.
    expect(
      metricValue(
        await leader.metrics(),
        'eksa_credprov_controller_reconcile_duration_seconds_count',
      ),
    ).toBeGreaterThanOrEqual(200);
    await until(
      async () =>
        metricValue(await leader.metrics(), 'eksa_credprov_controller_workqueue_depth') === 0,
      'an empty queue',
    );

    // A full resync of all 200, nothing changed: the API server sees reads only.
    const before = await apiRequests();
    const unchanged = await count('unchanged');
    await until(
      async () => (await count('unchanged')) >= unchanged + 200,
      'a full resync',
      120_000,
    );
    expect(writesBetween(before, await apiRequests())).toEqual({});
    expect(await count('error')).toBe(0);
    await stopAll();
  }, 600_000);

  it('two replicas: one leads; SIGKILLed, the other takes over and finishes, nothing created twice', async () => {
    const fleet = fleetOf(30, {
      prefix: 'h',
      suffix: run,
      namespace: FLEET,
      rolesAnywhere: () => true,
    });
    const a = start('replica-a');
    const b = start('replica-b');
    const leaderGauge = async (p: ControllerProcess): Promise<number> =>
      metricValue(await p.metrics(), 'eksa_credprov_controller_leader');
    await until(
      async () => (await leaderGauge(a)) + (await leaderGauge(b)) === 1,
      'exactly one leader',
    );
    const [first, second] = (await leaderGauge(a)) === 1 ? [a, b] : [b, a];
    // A standby is ready (its probe passes) while it does nothing.
    expect((await fetch(`${await second.metricsUrl}/readyz`)).status).toBe(200);
    await createClusters(fleet);
    // Killed mid-way: some clusters done, some not.
    await until(
      () => first.logs.filter((l) => l['msg'] === 'configured').length >= 5,
      'the leader at work',
    );
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    await first.exited;
    expect(second.logs.some((l) => l['msg'] === 'leading')).toBe(false);
    await until(
      () => second.logs.some((l) => l['msg'] === 'leading'),
      'the other takes over',
      60_000,
    );
    const takeoverMs = Date.now() - killedAt;
    process.stdout.write(
      `failover: the standby led ${takeoverMs} ms after the leader was killed (lease 3 s)\n`,
    );
    for (const c of fleet)
      await until(() => configured(c.name, `t-${c.name}`, 'aws-config'), `${c.name} configured`);
    const names = new Set(fleet.map((c) => `eksa-${c.name}`));
    const anchorNames = (await trustAnchors()).map((t) => t.name).filter((n) => names.has(n));
    const profileNames = (await profiles()).map((p) => p.name).filter((n) => names.has(n));
    expect(anchorNames.sort()).toEqual([...names].sort());
    expect(profileNames.sort()).toEqual([...names].sort());
    expect((await roles('eksa-h')).filter((n) => n.endsWith(`-${run}-ecr-pull`))).toHaveLength(30);
    // The Lease names the survivor.
    const lease = await get<{ spec: { holderIdentity: string; leaseTransitions: number } }>(
      `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/eksa-credprov-controller`,
    );
    expect(lease?.spec.holderIdentity).toBe(second.id);
    await stopAll();
  }, 300_000);

  it('converges once the API server is back after it was killed mid-reconcile', async () => {
    const fleet = fleetOf(40, {
      prefix: 'a',
      suffix: run,
      namespace: FLEET,
      rolesAnywhere: (i) => i % 4 === 0,
    });
    // A long lease, so that the outage does not also cost the leader its Lease.
    const leader = start('restart', [
      '--lease-duration=60s',
      '--renew-deadline=40s',
      '--retry-period=2s',
    ]);
    await until(
      async () => metricValue(await leader.metrics(), 'eksa_credprov_controller_leader') === 1,
      'leading',
    );
    await createClusters(fleet);
    await until(() => leader.logs.some((l) => l['msg'] === 'configured'), 'reconciling');
    const server = killApiServer();
    await new Promise((r) => setTimeout(r, 1000));
    server.restart();
    for (const c of fleet) {
      const secret = c.ca === undefined ? 'aws-keys' : 'aws-config';
      await until(
        async () => {
          try {
            return await configured(c.name, `t-${c.name}`, secret);
          } catch {
            return false; // the server is still starting
          }
        },
        `${c.name} configured`,
        240_000,
      );
    }
    expect(leader.child.exitCode).toBeNull();
    await stopAll();
  }, 400_000);
});
