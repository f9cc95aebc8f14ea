// Cold exec of the kubelet credential provider, request on stdin to response on stdout, against
// moto ECR and the Roles Anywhere emulator on loopback (scripts/testenv up; scripts/bootstrap
// builds packages/aws/dist): our node bundle against the Go ecr-credential-provider (static keys),
// and ours natively against ecr-credential-provider + aws_signing_helper (IAM Roles Anywhere).
// Peak memory from /usr/bin/time. Interleaved runs, medians.
//   node bench/provider.ts
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { awsTestEnv, createAnchorAndProfile, testPki } from '../packages/aws/src/test-support.ts';

const ROOT = resolve(import.meta.dirname, '..');
const UPSTREAM = resolve(ROOT, '.testenv/bin/ecr-credential-provider');
const OURS = resolve(ROOT, 'packages/aws/dist/bin/provider.js');
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

function run(command: string[], configFile: string): { ms: number; kb: number } {
  const start = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...command], {
    input: REQUEST,
    encoding: 'utf8',
    env: {
      HOME: dir,
      PATH: `${bin}:/usr/bin:/bin`,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_ECR: env.moto,
      AWS_CONFIG_FILE: configFile,
      AWS_PROFILE: 'default',
    },
  });
  const ms = performance.now() - start;
  if (r.status !== 0 || !r.stdout.includes('"auth"'))
    throw new Error(`${command.join(' ')} failed: ${r.stderr}`);
  return { ms, kb: Number(r.stderr.trim().split('\n').at(-1)) };
}

const RUNS = 15;
const cases = {
  oursKeys: () => run([process.execPath, OURS], keys),
  goKeys: () => run([UPSTREAM, 'get-credentials'], keys),
  oursRa: () => run([process.execPath, OURS], credfile),
  goRa: () => run([UPSTREAM, 'get-credentials'], credfile),
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
console.log(`## eksa-ecr-credential-provider cold exec (${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, moto and the emulator on 127.0.0.1)

| median of ${RUNS}, request on stdin to response on stdout | ours (node bundle) | Go | ours / Go | goal | peak RSS ours / Go |
| --- | --- | --- | --- | --- | --- |
| static keys (vs ecr-credential-provider v1.37.1) | ${ms('oursKeys').toFixed(0)} ms | ${ms('goKeys').toFixed(0)} ms | **${(ms('oursKeys') / ms('goKeys')).toFixed(2)}** | ≤ 1.5 | ${mb('oursKeys')} MB / ${mb('goKeys')} MB |
| IAM Roles Anywhere (ours native vs ecr-credential-provider + aws_signing_helper) | ${ms('oursRa').toFixed(0)} ms | ${ms('goRa').toFixed(0)} ms | **${(ms('oursRa') / ms('goRa')).toFixed(2)}** | < 1.0 | ${mb('oursRa')} MB / ${mb('goRa')} MB |
`);
process.exit(0);
