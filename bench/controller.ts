// The fleet controller (examples/controller) against the plain script (examples/automation's
// configureClusters), side by side in one run on the local API server: time to converge 100, 500
// and 1,000 opted-in `secret:` clusters and 100 `roles-anywhere` ones, API requests per cluster
// (the API server's own count), the controller's peak RSS, and requests per minute in steady
// state. Both do the same work per cluster (a Secret on the workload cluster, a Package on the
// management cluster) at the same concurrency; the controller also watches, claims each Cluster
// (finalizer and record) and writes an event.
//   scripts/testenv up && node --conditions=@eksa-credprov/source bench/controller.ts [sizes...]
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { kubeConfigFor, kubeRequest, until } from '../packages/testenv/src/index.ts';
import { configureClusters } from '../examples/automation/src/configure-clusters.ts';
import {
  TEST_KEYS,
  apiRequests,
  createClusters,
  fleetOf,
  installController,
  metricValue,
  spawnController,
  writesBetween,
  type ControllerProcess,
} from '../examples/controller/src/test-fleet.ts';

const CONCURRENCY = 16;
const admin = kubeConfigFor('admin');
const run = randomBytes(3).toString('hex');
const ns = `ctl-bench-${run}`;
const kubeconfig = await installController(ns);

function peakRssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function stop(p: ControllerProcess): Promise<void> {
  p.child.kill('SIGTERM');
  await p.exited;
}

/** Removes a bench fleet's Clusters without a teardown (the finalizers stripped). */
async function discard(fleetNamespace: string): Promise<void> {
  const base = `/apis/anywhere.eks.amazonaws.com/v1alpha1/namespaces/${fleetNamespace}/clusters`;
  const list = (await kubeRequest({ method: 'GET', path: base })).json as {
    items: { metadata: { name: string } }[];
  };
  for (const c of list.items) {
    await kubeRequest({
      method: 'PATCH',
      path: `${base}/${c.metadata.name}`,
      contentType: 'application/merge-patch+json',
      body: { metadata: { finalizers: null } },
    });
    await kubeRequest({ method: 'DELETE', path: `${base}/${c.metadata.name}` });
  }
}

interface Row {
  readonly what: string;
  readonly n: number;
  readonly controllerS: number;
  readonly scriptS: number | undefined;
  readonly perCluster: number;
  readonly scriptPerCluster: number | undefined;
  readonly rssMb: number;
}

async function measure(n: number, mode: 'secret' | 'roles-anywhere'): Promise<Row> {
  const tag = `${mode === 'secret' ? 's' : 'r'}${String(n)}-${run}`;
  const fleet = fleetOf(n, {
    prefix: 'b',
    suffix: tag,
    namespace: `fleet-${tag}`,
    rolesAnywhere: () => mode === 'roles-anywhere',
  });
  process.stderr.write(`bench: creating ${String(n)} ${mode} Clusters\n`);
  await createClusters(fleet);

  // The controller: from its start to the last cluster configured.
  const before = await apiRequests();
  const started = performance.now();
  const p = spawnController({
    kubeconfig,
    namespace: ns,
    id: `bench-${tag}`,
    args: [`--cluster-namespace=fleet-${tag}`, `--concurrency=${String(CONCURRENCY)}`],
  });
  const configured = async (): Promise<number> =>
    metricValue(
      await p.metrics(),
      'eksa_credprov_controller_reconciles_total',
      'result="configured"',
    );
  await until(async () => (await configured()) >= n, `${String(n)} configured`, 600_000);
  const controllerS = (performance.now() - started) / 1000;
  const after = await apiRequests();
  const rssMb = peakRssMb(p.child.pid);
  const errors = metricValue(await p.metrics(), 'eksa_credprov_controller_reconcile_errors_total');
  await stop(p);
  if (errors > 0) process.stderr.write(`bench: ${String(errors)} reconcile errors (retried)\n`);

  // The script, for `secret:` only (it has no Roles Anywhere set-up): other clusters, same work.
  let scriptS: number | undefined;
  let scriptPerCluster: number | undefined;
  if (mode === 'secret') {
    const others = fleet.map((c) => ({
      name: `${c.name}x`,
      namespace: `other-${tag}`,
      kubeconfig: true,
    }));
    await createClusters(others);
    const sBefore = await apiRequests();
    const sStart = performance.now();
    const outcomes = await configureClusters({
      management: admin,
      clusters: others.map((c) => c.name),
      credentials: { ...TEST_KEYS, region: 'us-west-2' },
      targetNamespace: (c) => `t-${c}`,
      concurrency: CONCURRENCY,
      timeoutMs: 120_000,
    });
    scriptS = (performance.now() - sStart) / 1000;
    scriptPerCluster = ((await apiRequests()).all - sBefore.all) / n;
    const failed = outcomes.filter((o) => !o.ok).length;
    if (failed > 0) throw new Error(`the script failed for ${String(failed)} clusters`);
    await discard(`other-${tag}`);
  }
  await discard(`fleet-${tag}`);
  return {
    what: mode,
    n,
    controllerS,
    scriptS,
    perCluster: (after.all - before.all) / n,
    scriptPerCluster,
    rssMb,
  };
}

/** Requests per minute with nothing changing: default resync (10 min), then a 30 s resync. */
async function steadyState(n: number): Promise<string[]> {
  const tag = `q${String(n)}-${run}`;
  const fleet = fleetOf(n, { prefix: 'q', suffix: tag, namespace: `fleet-${tag}` });
  await createClusters(fleet);
  const lines: string[] = [];
  for (const resync of ['10m', '30s']) {
    const p = spawnController({
      kubeconfig,
      namespace: ns,
      id: `steady-${tag}-${resync}`,
      args: [`--cluster-namespace=fleet-${tag}`, `--resync=${resync}`],
    });
    const reconciled = async (): Promise<number> =>
      metricValue(await p.metrics(), 'eksa_credprov_controller_reconciles_total');
    await until(async () => (await reconciled()) >= n, 'converged', 600_000);
    // Quiet: no reconcile for 5 s (the watch events of its own first writes are worked off).
    for (let last = -1, now = await reconciled(); now !== last; now = await reconciled()) {
      last = now;
      await new Promise((r) => setTimeout(r, 5000));
    }
    const before = await apiRequests();
    const t0 = performance.now();
    const r0 = await reconciled();
    await new Promise((r) => setTimeout(r, 65_000));
    const after = await apiRequests();
    const minutes = (performance.now() - t0) / 60_000;
    lines.push(
      `| ${String(n)} clusters, resync ${resync} | ${((after.all - before.all) / minutes).toFixed(0)} | ${String(Object.values(writesBetween(before, after)).reduce((a, b) => a + b, 0))} | ${String((await reconciled()) - r0)} |`,
    );
    await stop(p);
  }
  await discard(`fleet-${tag}`);
  return lines;
}

// Arguments: the `secret:` fleet sizes (default 100 500 1000); BENCH_RA=0 or BENCH_STEADY=0 skip
// the roles-anywhere row or the steady-state rows.
const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((x) => x > 0);
const rows: Row[] = [];
for (const n of sizes.length > 0 ? sizes : [100, 500, 1000]) rows.push(await measure(n, 'secret'));
if (process.env['BENCH_RA'] !== '0') rows.push(await measure(100, 'roles-anywhere'));
const steady = process.env['BENCH_STEADY'] === '0' ? [] : await steadyState(1000);

const fmt = (x: number | undefined, digits = 1): string =>
  x === undefined ? '–' : x.toFixed(digits);
process.stdout.write(
  [
    `eksa-credprov-controller vs configureClusters (examples/automation), concurrency ${String(CONCURRENCY)}, ${new Date().toISOString().slice(0, 10)}`,
    '',
    '| clusters | controller converge | script | controller / script | API requests per cluster (controller / script) | controller peak RSS |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${String(r.n)} ${r.what} | ${fmt(r.controllerS)} s | ${r.scriptS === undefined ? '–' : `${fmt(r.scriptS)} s`} | ${r.scriptS === undefined ? '–' : `${(r.controllerS / r.scriptS).toFixed(2)}×`} | ${fmt(r.perCluster)} / ${fmt(r.scriptPerCluster)} | ${r.rssMb.toFixed(0)} MB |`,
    ),
    '',
    'Steady state (nothing changing, 65 s window; Leases aside):',
    '',
    '| fleet | API requests per minute | writes | reconciles in the window |',
    '| --- | --- | --- | --- |',
    ...steady,
    '',
  ].join('\n'),
);
