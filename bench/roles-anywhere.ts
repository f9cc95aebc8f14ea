// IAM Roles Anywhere credentials, side by side against the local emulator (scripts/testenv up):
// @eksa-credprov/aws fromRolesAnywhere fetching fresh credentials in process, against running
// `aws_signing_helper credential-process` (v1.4.0, the reference client) for the same profile;
// then X.509 SigV4 signatures per second for RSA-2048 and P-256.
//   node bench/roles-anywhere.ts
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type * as AwsApi from '../packages/aws/src/index.ts';
import { signX509 } from '../packages/aws/src/sign.ts';
import { awsTestEnv, createAnchorAndProfile, testPki } from '@eksa-credprov/testenv';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '..');
const aws = (await import(
  pathToFileURL(resolve(ROOT, 'packages/aws/dist/index.js')).href
)) as typeof AwsApi;
const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const ROLE = 'arn:aws:iam::123456789012:role/bench';
const { anchorArn, profileArn } = await createAnchorAndProfile(ROLE);
const pki = testPki();
const file = join(pki.dir, 'bench-kubelet.pem');
writeFileSync(file, pki.rsaCert + pki.rsaKeyPkcs1, { mode: 0o600 });
const env = awsTestEnv();

async function ours(): Promise<number> {
  const start = performance.now();
  // A new provider each time: fresh credentials, no cache, as a new process would need.
  const creds = await aws.fromRolesAnywhere({
    certificateFile: file,
    trustAnchorArn: anchorArn,
    profileArn,
    roleArn: ROLE,
    endpoint: env.rolesanywhere,
  })();
  if (!creds.accessKeyId.startsWith('ASIA')) throw new Error('no credentials');
  return performance.now() - start;
}
async function theirs(): Promise<number> {
  const start = performance.now();
  const { stdout } = await run(env.signingHelper, [
    'credential-process',
    '--certificate',
    file,
    '--private-key',
    file,
    '--trust-anchor-arn',
    anchorArn,
    '--profile-arn',
    profileArn,
    '--role-arn',
    ROLE,
    '--endpoint',
    env.rolesanywhere,
  ]);
  if (!stdout.includes('AccessKeyId')) throw new Error('no credentials');
  return performance.now() - start;
}

const RUNS = 30;
const a: number[] = [];
const b: number[] = [];
for (let i = 0; i < 3; i++) {
  await ours();
  await theirs();
}
for (let i = 0; i < RUNS; i++) {
  a.push(await ours());
  b.push(await theirs());
}

function signaturesPerSecond(type: 'rsa' | 'ec'): number {
  const { privateKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const input = {
    method: 'POST',
    path: '/sessions',
    query: { profileArn, roleArn: ROLE, trustAnchorArn: anchorArn },
    headers: {
      'content-type': 'application/json',
      host: 'h',
      'x-amz-date': '20260101T000000Z',
      'x-amz-x509': 'x'.repeat(1400),
    },
    body: '{"durationSeconds":3600}',
    amzDate: '20260101T000000Z',
    region: 'us-west-2',
    serialNumber: '1',
    privateKey,
  };
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < 2000) {
    signX509(input);
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}
const rsa = signaturesPerSecond('rsa');
const ec = signaturesPerSecond('ec');

console.log(`## @eksa-credprov/aws IAM Roles Anywhere (${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, emulator on 127.0.0.1 with moto STS)

| fresh credentials, RSA-2048 kubelet-style identity | median of ${RUNS} |
| --- | --- |
| \`fromRolesAnywhere\` in process (new provider each time) | ${median(a).toFixed(1)} ms |
| \`aws_signing_helper credential-process\` v1.4.0 (a process each time) | ${median(b).toFixed(1)} ms |
| ratio SDK / helper | **${(median(a) / median(b)).toFixed(2)}** (below 1: the SDK is faster) |

| X.509 SigV4 signatures (\`signX509\`, 2 s each) | per second |
| --- | --- |
| RSA-2048 (PKCS#1 v1.5, SHA-256) | ${rsa.toFixed(0)} |
| P-256 (ECDSA, SHA-256, DER) | ${ec.toFixed(0)} |
`);
process.exit(0);
