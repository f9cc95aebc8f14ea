// Benchmarks for @eksa-credprov/core, run on the built package (what users import):
//   node bench/core.ts        (after scripts/bootstrap and scripts/build-go-tools)
// Prints a Markdown report. Figures are medians of interleaved runs, so background load hits
// both sides alike; nothing here asserts a timing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type * as CoreApi from '../packages/core/src/index.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DIST = resolve(ROOT, 'packages/core/dist/index.js');
const GOREF = resolve(ROOT, '.testenv/bin/goref');
if (!existsSync(DIST))
  throw new Error('packages/core/dist is missing: run scripts/bootstrap first');
if (!existsSync(GOREF))
  throw new Error('.testenv/bin/goref is missing: run scripts/build-go-tools first');

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const fmt = (n: number, digits = 1): string => n.toFixed(digits);

function timeNode(args: string[]): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: dirname(DIST), stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed`);
  return performance.now() - start;
}

// 1. Import cost: `node -e 0` against importing the package, interleaved.
const RUNS = 40;
const url = pathToFileURL(DIST).href;
const coreDir = resolve(ROOT, 'packages/core');
const cases = {
  bare: ['-e', '0'],
  core: ['--input-type=module', '-e', `await import(${JSON.stringify(url)})`],
  // yaml is loaded on first use; this is what a program that renders YAML pays in total.
  coreAndYaml: [
    '--input-type=module',
    '-e',
    `const c = await import(${JSON.stringify(url)}); c.toYaml({})`,
  ],
};
const times: Record<keyof typeof cases, number[]> = { bare: [], core: [], coreAndYaml: [] };
for (let i = 0; i < 3; i++) for (const args of Object.values(cases)) timeNode(args); // warm the file cache
for (let i = 0; i < RUNS; i++) {
  for (const [name, args] of Object.entries(cases))
    times[name as keyof typeof cases].push(timeNode(args));
}
const bare = median(times.bare);
const core = median(times.core);
const withYaml = median(times.coreAndYaml);

// 2. Bundle size: the package's own code minified (yaml external), and with it.
async function bundled(external: string[]): Promise<Buffer> {
  const out = await build({
    entryPoints: [DIST],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    external,
    write: false,
    logLevel: 'silent',
  });
  return Buffer.from(out.outputFiles[0]!.contents);
}
const own = await bundled(['yaml']);
const runtimeDeps = Object.keys(
  (
    JSON.parse(readFileSync(resolve(coreDir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    }
  ).dependencies ?? {},
);

// 3. matchImage: 10,000 images x 50 patterns, the TypeScript port against Go's URLsMatchStr.
let seed = 20261129;
const rand = (n: number): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};
const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;
const regions = [
  'us-west-2',
  'us-east-1',
  'eu-central-1',
  'ap-south-1',
  'cn-north-1',
  'us-gov-west-1',
];
const accounts = ['783794618700', '346438352937', '123456789012', '210987654321'];
const repos = [
  'app',
  'team/api',
  'eks-anywhere/credential-provider-package',
  'library/nginx',
  'x/y/z',
];
const imageMakers: (() => string)[] = [
  () =>
    `${pick(accounts)}.dkr.ecr.${pick(regions)}.amazonaws.com${pick(regions).startsWith('cn') ? '.cn' : ''}/${pick(repos)}`,
  () => `public.ecr.aws/${pick(repos)}`,
  () => `docker.io/library/${pick(['nginx', 'redis', 'busybox'])}`,
  () => `${pick(['quay.io', 'ghcr.io', 'gcr.io', 'registry.k8s.io'])}/${pick(repos)}`,
  () => `registry.example.com:${pick(['5000', '443'])}/${pick(repos)}`,
  () => `${pick(accounts)}.dkr-ecr.${pick(regions)}.on.aws/${pick(repos)}`,
];
const images = Array.from({ length: 10_000 }, () => pick(imageMakers)());
const patterns = [
  '*.dkr.ecr.*.amazonaws.com',
  '*.dkr-ecr.*.on.aws',
  '*.dkr.ecr.*.amazonaws.com.cn',
  '*.dkr-ecr.*.on.amazonwebservices.com.cn',
  '*.dkr.ecr-fips.*.amazonaws.com',
  '*.dkr-ecr-fips.*.on.aws',
  '*.dkr.ecr.*.c2s.ic.gov',
  '*.dkr.ecr.*.sc2s.sgov.gov',
  '*.dkr.ecr.*.cloud.adc-e.uk',
  '*.dkr.ecr.*.csp.hci.ic.gov',
  '*.dkr.ecr.*.amazonaws.eu',
  'public.ecr.aws',
  ...regions.flatMap((r) => accounts.map((a) => `${a}.dkr.ecr.${r}.amazonaws.com`)),
  'registry.example.com:5000',
  'registry.example.com:5000/team',
  'docker.io',
  'quay.io/team',
  'ghcr.io',
  '*.gcr.io',
  'gcr.io',
  'registry.k8s.io',
  'public.ecr.aws/eks-anywhere',
  'localhost:5000',
  '*.example.com',
  'registry.example.com:443/app',
  'mcr.microsoft.com',
  '*.azurecr.io',
].slice(0, 50);
if (patterns.length !== 50) throw new Error(`expected 50 patterns, have ${patterns.length}`);

const { matchImage } = (await import(url)) as typeof CoreApi;
const ROUNDS = 3;
const runTs = (): { matches: number; ms: number } => {
  const start = performance.now();
  let matches = 0;
  for (const image of images)
    for (const pattern of patterns) if (matchImage(pattern, image)) matches++;
  return { matches, ms: performance.now() - start };
};
runTs(); // warm-up (JIT, parse caches)
const tsRuns = Array.from({ length: ROUNDS }, runTs);

const goRuns = await new Promise<{ matches: number; nanos: number }[]>((ok, fail) => {
  const child = spawn(GOREF, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.on('error', fail);
  child.on('close', () => {
    ok(
      out
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => JSON.parse(l) as { matches: number; nanos: number }),
    );
  });
  const request = JSON.stringify({ op: 'bench-match', patterns, images, rounds: 1 });
  for (let i = 0; i <= ROUNDS; i++) child.stdin.write(`${request}\n`); // first one is the warm-up
  child.stdin.end();
});
const pairs = images.length * patterns.length;
const tsRate = pairs / (median(tsRuns.map((r) => r.ms)) / 1000);
const goRate = pairs / (median(goRuns.map((r) => r.nanos)) / 1e9);
if (tsRuns[0]!.matches !== goRuns[0]!.matches)
  throw new Error(`TypeScript found ${tsRuns[0]!.matches} matches, Go ${goRuns[0]!.matches}`);

const goVersion = spawnSync('go', ['version'], { encoding: 'utf8' }).stdout.trim();
console.log(`## @eksa-credprov/core (${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${goVersion})

| measure | result | goal |
| --- | --- | --- |
| \`node -e 0\` (median of ${RUNS}) | ${fmt(bare)} ms | |
| import \`@eksa-credprov/core\` (median of ${RUNS}) | ${fmt(core)} ms | |
| import cost on top of \`node -e 0\` | **${fmt(core - bare)} ms** | < 25 ms |
| import and first YAML use (\`toYaml\` loads \`yaml\`), on top of \`node -e 0\` | ${fmt(withYaml - bare)} ms | |
| ESM bundle, minified, \`yaml\` external | **${fmt(own.length / 1024)} KB** (${fmt(gzipSync(own).length / 1024)} KB gzip) | < 60 KB |
| runtime dependencies | ${runtimeDeps.join(', ')} | yaml only |
| \`matchImage\`, 10,000 images × 50 patterns, TypeScript | **${fmt(tsRate / 1e6, 2)} M matches/s** (${tsRuns[0]!.matches} hits; median of ${ROUNDS}) | report |
| same data, Go \`URLsMatchStr\` (goref) | ${fmt(goRate / 1e6, 2)} M matches/s | |
| ratio TypeScript / Go throughput | **${fmt(tsRate / goRate, 2)}** | |
`);
