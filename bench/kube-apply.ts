// Applies the credential-provider set-up (one Secret + one Package) for 100 workload clusters,
// 200 objects, to the local API server: @eksa-credprov/kube against one
// `kubectl apply --server-side -f` of the same 200 documents, side by side, interleaved, then the
// re-apply of unchanged objects. Needs `scripts/testenv up` and kubectl on PATH.
//   node bench/kube-apply.ts
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as CoreApi from '../packages/core/src/index.ts';
import type * as KubeApi from '../packages/kube/src/index.ts';

const ROOT = resolve(import.meta.dirname, '..');
const KUBECONFIG = resolve(ROOT, '.testenv/kubeconfig');
if (!existsSync(KUBECONFIG))
  throw new Error('.testenv/kubeconfig is missing: run scripts/testenv up first');
const core = (await import(
  pathToFileURL(resolve(ROOT, 'packages/core/dist/index.js')).href
)) as typeof CoreApi;
const kube = (await import(
  pathToFileURL(resolve(ROOT, 'packages/kube/dist/index.js')).href
)) as typeof KubeApi;

const CLUSTERS = 100;
const ROUNDS = 3;
const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const admin = kube.loadKubeConfig({ kubeconfigPath: KUBECONFIG });
const clusters = Array.from({ length: CLUSTERS }, (_, i) => `bench-w${String(i).padStart(3, '0')}`);
for (const c of clusters)
  await kube.ensureNamespace(core.packageNamespace(c), { kubeConfig: admin });
await kube.ensureNamespace('eksa-packages', { kubeConfig: admin });

/** The 200 objects of one set: names carry the set so every round creates fresh objects. */
function objects(set: string): (CoreApi.Secret | CoreApi.Package)[] {
  return clusters.flatMap((c) => [
    core.createAwsCredentialsSecret({
      form: 'keys',
      accessKeyId: 'AKIAEXAMPLEEXAMPLE',
      secretAccessKey: `bench/${c}`,
      region: 'us-west-2',
      name: `aws-${set}-${c}`,
    }),
    core.createCredentialProviderPackage({ clusterName: c, name: `cred-${set}` }),
  ]);
}

const dir = mkdtempSync(join(tmpdir(), 'bench-kube-'));
function kubectl(file: string): number {
  const start = performance.now();
  const r = spawnSync(
    'kubectl',
    [
      'apply',
      '--server-side',
      '--field-manager=bench-kubectl',
      '-f',
      file,
      '--kubeconfig',
      KUBECONFIG,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`kubectl failed: ${r.stderr}`);
  return performance.now() - start;
}
async function sdk(
  objs: readonly (CoreApi.Secret | CoreApi.Package)[],
): Promise<{ ms: number; actions: string[] }> {
  const start = performance.now();
  // A fresh KubeConfig: a new connection pool, as a new program would have.
  const results = await kube.applyObjects(objs, {
    kubeConfig: kube.loadKubeConfig({ kubeconfigPath: KUBECONFIG }),
    fieldManager: 'bench-sdk',
  });
  return { ms: performance.now() - start, actions: [...new Set(results.map((r) => r.action))] };
}

const times = {
  sdkCreate: [] as number[],
  kubectlCreate: [] as number[],
  sdkReapply: [] as number[],
  kubectlReapply: [] as number[],
};
const run = Date.now().toString(36);
for (let round = 0; round < ROUNDS; round++) {
  const mine = objects(`s${run}${round}`);
  const theirs = objects(`k${run}${round}`);
  const file = join(dir, `k${round}.yaml`);
  writeFileSync(file, core.toYaml(theirs), { mode: 0o600 });
  const a = await sdk(mine);
  if (a.actions.join() !== 'created')
    throw new Error(`expected only creations, got ${a.actions.join()}`);
  times.sdkCreate.push(a.ms);
  times.kubectlCreate.push(kubectl(file));
  const b = await sdk(mine);
  if (b.actions.join() !== 'unchanged')
    throw new Error(`expected no changes, got ${b.actions.join()}`);
  times.sdkReapply.push(b.ms);
  times.kubectlReapply.push(kubectl(file));
}
const kubectlVersion = spawnSync('kubectl', ['version', '--client', '-o', 'json'], {
  encoding: 'utf8',
});
const clientVersion =
  (JSON.parse(kubectlVersion.stdout || '{}') as { clientVersion?: { gitVersion?: string } })
    .clientVersion?.gitVersion ?? '?';
const fmt = (ms: number): string => `${ms.toFixed(0)} ms`;
const ratio = (theirs: number[], mine: number[]): string =>
  (median(theirs) / median(mine)).toFixed(2);
console.log(`## @eksa-credprov/kube apply (${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, kubectl ${clientVersion}, kube-apiserver v1.37.2 on 127.0.0.1)

| 200 objects (100 Secrets + 100 Packages) | SDK (\`applyObjects\`, concurrency 8) | \`kubectl apply --server-side -f\` | kubectl / SDK | goal |
| --- | --- | --- | --- | --- |
| create (median of ${ROUNDS}) | ${fmt(median(times.sdkCreate))} | ${fmt(median(times.kubectlCreate))} | **${ratio(times.kubectlCreate, times.sdkCreate)}×** | ≥ 2× |
| re-apply, nothing changes (median of ${ROUNDS}) | ${fmt(median(times.sdkReapply))} | ${fmt(median(times.kubectlReapply))} | **${ratio(times.kubectlReapply, times.sdkReapply)}×** | ≥ 2× |
`);
process.exit(0);
