// Cold exec of the kubelet credential provider, request on stdin to response on stdout, against
// moto ECR and the Roles Anywhere emulator on loopback (scripts/testenv up; scripts/bootstrap
// builds packages/aws/dist): our Bun executable and our node bundle against the Go
// ecr-credential-provider (static keys), and ours natively against ecr-credential-provider +
// aws_signing_helper (IAM Roles Anywhere). Bare `node -e 0`, an empty Bun executable (compiled
// here with the same pinned Bun) and the Bun executable printing --help are measured too: the
// floors the runtimes start from. Peak memory from
// /usr/bin/time. Interleaved runs, medians.
//   node bench/provider.ts
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { awsTestEnv, createAnchorAndProfile, testPki } from '@eksa-credprov/testenv';

const ROOT = resolve(import.meta.dirname, '..');
const UPSTREAM = resolve(ROOT, '.testenv/bin/ecr-credential-provider');
const BUNDLE = resolve(ROOT, 'packages/aws/dist/eksa-ecr-credential-provider.cjs');
const BUN = resolve(ROOT, 'packages/aws/dist/eksa-ecr-credential-provider-bun');
const REQUEST = `${JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion: 'credentialprovider.kubelet.k8s.io/v1', image: '123456789012.dkr.ecr.us-west-2.amazonaws.com/app' })}\n`;
const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const dir = mkdtempSync(join(tmpdir(), 'bench-provider-'));
const env = awsTestEnv();
const keys = join(dir, 'keys');
writeFileSync(
  keys,
  '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nregion = us-west-2\n',
  { mode: 0o600 },
);
const role = 'arn:aws:iam::123456789012:role/bench-provider';
const { anchorArn, profileArn } = await createAnchorAndProfile(role);
const kubelet = join(dir, 'kubelet.pem');
writeFileSync(kubelet, testPki().rsaCert + testPki().rsaKeyPkcs1, { mode: 0o600 });
const bin = join(dir, 'bin');
mkdirSync(bin);
symlinkSync(env.signingHelper, join(bin, 'aws_signing_helper'));
const credfile = join(dir, 'ra');
writeFileSync(
  credfile,
  `[default]\nregion = us-west-2\ncredential_process = aws_signing_helper credential-process --certificate ${kubelet} --private-key ${kubelet} --profile-arn ${profileArn} --role-arn ${role} --trust-anchor-arn ${anchorArn} --endpoint ${env.rolesanywhere}\n`,
  { mode: 0o600 },
);

/** Starts bench/delay-proxy.ts in front of `target`; resolves with its URL. */
function delayProxy(target: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [resolve(import.meta.dirname, 'delay-proxy.ts'), new URL(target).host, '20'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((ok) => {
    child.stdout.once('data', (b: Buffer) => {
      ok({ url: b.toString().trim(), child });
    });
  });
}
// An empty program compiled as the provider is: what Bun costs before any of our code runs.
const bunBin = resolve(
  dirname(
    createRequire(resolve(ROOT, 'packages/aws/package.json')).resolve(
      '@oven/bun-linux-x64/package.json',
    ),
  ),
  'bin/bun',
);
const emptyBun = join(dir, 'empty-bun');
writeFileSync(join(dir, 'empty.js'), '');
spawnSync(
  bunBin,
  [
    'build',
    '--compile',
    '--minify',
    '--bytecode',
    '--no-compile-autoload-dotenv',
    '--no-compile-autoload-bunfig',
    join(dir, 'empty.js'),
    '--outfile',
    emptyBun,
  ],
  { stdio: 'ignore' },
);

const slowMoto = await delayProxy(env.moto);
const slowRa = await delayProxy(env.rolesanywhere);
const slowCredfile = join(dir, 'ra-slow');
writeFileSync(
  slowCredfile,
  `[default]\nregion = us-west-2\ncredential_process = aws_signing_helper credential-process --certificate ${kubelet} --private-key ${kubelet} --profile-arn ${profileArn} --role-arn ${role} --trust-anchor-arn ${anchorArn} --endpoint ${slowRa.url}\n`,
  { mode: 0o600 },
);

function run(
  command: string[],
  configFile: string,
  ecr: string = env.moto,
): { ms: number; kb: number } {
  const start = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...command], {
    input: REQUEST,
    encoding: 'utf8',
    env: {
      HOME: dir,
      PATH: `${bin}:/usr/bin:/bin`,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_ECR: ecr,
      AWS_CONFIG_FILE: configFile,
      AWS_PROFILE: 'default',
    },
  });
  const ms = performance.now() - start;
  const answers = !command.includes('--help') && !command.includes('-e') && command[0] !== emptyBun;
  if (r.status !== 0 || (answers && !r.stdout.includes('"auth"')))
    throw new Error(`${command.join(' ')} failed: ${r.stderr}`);
  return { ms, kb: Number(r.stderr.trim().split('\n').at(-1)) };
}

const RUNS = 15;
const cases = {
  bunKeys: () => run([BUN], keys),
  bunRa: () => run([BUN], credfile),
  bunHelp: () => run([BUN, '--help'], keys),
  bundleKeys: () => run([process.execPath, BUNDLE], keys),
  // The same through the delay proxies: 20 ms each way, as a real region's round trips cost.
  bunKeysSlow: () => run([BUN], keys, slowMoto.url),
  goKeysSlow: () => run([UPSTREAM, 'get-credentials'], keys, slowMoto.url),
  bunRaSlow: () => run([BUN], slowCredfile, slowMoto.url),
  goRaSlow: () => run([UPSTREAM, 'get-credentials'], slowCredfile, slowMoto.url),
  goKeys: () => run([UPSTREAM, 'get-credentials'], keys),
  bundleRa: () => run([process.execPath, BUNDLE], credfile),
  goRa: () => run([UPSTREAM, 'get-credentials'], credfile),
  nodeFloor: () => run([process.execPath, '-e', '0'], keys),
  bunFloor: () => run([emptyBun], keys),
};
const results: Record<string, { ms: number[]; kb: number[] }> = {};
for (const name of Object.keys(cases)) results[name] = { ms: [], kb: [] };
for (const f of Object.values(cases)) f(); // warm the file cache
for (let i = 0; i < RUNS; i++) {
  for (const [name, f] of Object.entries(cases)) {
    const r = f();
    results[name]?.ms.push(r.ms);
    results[name]?.kb.push(r.kb);
  }
}
const ms = (n: string): number => median(results[n]?.ms ?? []);
const mb = (n: string): string => (Math.max(...(results[n]?.kb ?? [])) / 1024).toFixed(0);
const row = (label: string, ours: string, go: string, goal: string): string =>
  `| ${label} | ${ms(ours).toFixed(0)} ms | ${ms(go).toFixed(0)} ms | **${(ms(ours) / ms(go)).toFixed(2)}** | ${goal} | ${mb(ours)} MB / ${mb(go)} MB |`;
console.log(`## eksa-ecr-credential-provider cold exec (${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, moto and the emulator on 127.0.0.1)

| median of ${RUNS}, request on stdin to response on stdout | ours | Go | ours / Go | goal | peak RSS ours / Go |
| --- | --- | --- | --- | --- | --- |
${row('static keys: Bun executable vs ecr-credential-provider v1.37.1', 'bunKeys', 'goKeys', '≤ 1.0')}
${row('IAM Roles Anywhere: Bun executable (native) vs ecr-credential-provider + aws_signing_helper', 'bunRa', 'goRa', '≤ 0.7')}
${row('static keys: node bundle vs ecr-credential-provider', 'bundleKeys', 'goKeys', '≤ 1.0')}
${row('static keys, 20 ms each way to ECR: Bun executable vs ecr-credential-provider', 'bunKeysSlow', 'goKeysSlow', '≤ 1.0')}
${row('IAM Roles Anywhere, 20 ms each way to both services: Bun executable vs the Go pair', 'bunRaSlow', 'goRaSlow', '≤ 0.7')}
${row('IAM Roles Anywhere: node bundle (native) vs the Go pair', 'bundleRa', 'goRa', '≤ 0.7')}

Floors: \`node -e 0\` ${ms('nodeFloor').toFixed(0)} ms (${mb('nodeFloor')} MB); an empty Bun executable ${ms('bunFloor').toFixed(0)} ms (${mb('bunFloor')} MB); the Bun executable printing --help ${ms('bunHelp').toFixed(0)} ms (${mb('bunHelp')} MB).
Peak RSS goal ≤ 40 MB. Sizes: Bun executable ${(statSync(BUN).size / 1024 / 1024).toFixed(1)} MB; node bundle ${(statSync(BUNDLE).size / 1024).toFixed(0)} KB.
`);
slowMoto.child.kill();
slowRa.child.kill();
process.exit(0);
