// The worst inputs of issue 11 at growing sizes, so that growth shows: linear, not quadratic.
// Each row runs in a fresh process (wall time and peak RSS from /usr/bin/time -f '%e %M'):
// core's parsers from the built packages (packages/core/dist), and the node-side provider's
// Bun executable. Goal: no input of 10 MB or less costs more than 1 s or 256 MB.
//   node bench/hostile-input.ts
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const CORE = resolve(ROOT, 'packages/core/dist/index.js');
const PROVIDER = resolve(ROOT, 'packages/aws/dist/eksa-ecr-credential-provider-bun');
const dir = mkdtempSync(join(tmpdir(), 'bench-hostile-'));

interface Measure {
  readonly seconds: number;
  readonly mb: number;
  readonly outcome: string;
}

/** One process under /usr/bin/time, with `input` on stdin. */
function measure(command: string, args: readonly string[], input: string, env = {}): Measure {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', command, ...args], {
    input,
    env: { PATH: '/usr/bin:/bin', HOME: dir, AWS_EC2_METADATA_DISABLED: 'true', ...env },
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'utf8',
  });
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  const [seconds = Number.NaN, kb = Number.NaN] = last.split(' ').map(Number);
  const said = (r.stdout.trim() || (r.stderr.trim().split('\n')[0] ?? '')).slice(0, 90);
  return { seconds, mb: kb / 1024, outcome: said };
}

/** Runs `call` (a core function on the text in the file named by argv[1]) in a fresh node. */
function parser(call: string, text: string): Measure {
  writeFileSync(join(dir, 'text'), text);
  const script = `import * as core from ${JSON.stringify(CORE)};
import { readFileSync } from 'node:fs';
const text = readFileSync(${JSON.stringify(join(dir, 'text'))}, 'utf8');
try { ${call}; console.log('accepted'); }
catch (e) { console.log(core.isValidationError(e) ? 'ValidationError ' + e.issues[0].code : 'THREW ' + e.name); }`;
  return measure(process.execPath, ['--input-type=module', '-e', script], '');
}

const rows: string[] = [];
const row = (what: string, bytes: number, m: Measure): void => {
  rows.push(
    `| ${what} | ${(bytes / 1e6).toFixed(2)} MB | ${m.seconds.toFixed(2)} s | ${m.mb.toFixed(0)} MB | ${m.outcome} |`,
  );
  process.stderr.write(`${rows.at(-1) ?? ''}\n`);
};

const node0 = measure(process.execPath, ['-e', 'console.log("-")'], '');
row('`node -e 0` (the floor of every parser row)', 0, node0);

for (const n of [10_000, 40_000, 49_000, 160_000]) {
  const text = `a: &x v\nb: [${Array.from({ length: n }, () => '*x').join(', ')}]\n`;
  row(
    `parseYaml: ${n.toLocaleString('en')} aliases of one anchor`,
    text.length,
    parser('core.parseYaml(text)', text),
  );
}
for (const n of [10_000, 40_000, 49_000, 160_000]) {
  const text = Array.from({ length: n }, () => 'k: v').join('\n');
  row(
    `parseYaml: ${n.toLocaleString('en')} duplicate keys`,
    text.length,
    parser('core.parseYaml(text)', text),
  );
}
for (const n of [12_000, 25_000, 49_000, 200_000]) {
  const text = Array.from({ length: n }, (_, i) => `key${i}: value${i}`).join('\n');
  row(
    `parseYaml: ${n.toLocaleString('en')} distinct keys`,
    text.length,
    parser('core.parseYaml(text)', text),
  );
}
{
  const levels = ['a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]'];
  for (let i = 1; i < 10; i++)
    levels.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array.from({ length: 9 }, () => `*${String.fromCharCode(96 + i)}`).join(',')}]`,
    );
  const text = levels.join('\n');
  row('parseYaml: a billion laughs', text.length, parser('core.parseYaml(text)', text));
}
for (const [what, length] of [
  ['1 MiB', 1024 * 1024],
  ['just under 3 MiB (the cap)', 3 * 1024 * 1024 - 10],
  ['10 MiB', 10 * 1024 * 1024],
] as const) {
  const text = `a: "${'x'.repeat(length)}"`;
  row(`parseYaml: one ${what} string`, text.length, parser('core.parseYaml(text)', text));
}
{
  const text = '['.repeat(10 * 1024 * 1024);
  row('parseYaml: 10 MiB of "["', text.length, parser('core.parseYaml(text)', text));
}
for (const n of [100_000, 400_000]) {
  const text = `{"kind":"CredentialProviderRequest",${Array.from({ length: n }, () => '"a":1').join(',')}}`;
  row(
    `parseCredentialProviderRequest: ${n.toLocaleString('en')} duplicate keys`,
    text.length,
    parser('core.parseCredentialProviderRequest(text)', text),
  );
}
{
  const text = '['.repeat(10 * 1024 * 1024);
  row(
    'parseCredentialProviderRequest: 10 MiB of "["',
    text.length,
    parser('core.parseCredentialProviderRequest(text)', text),
  );
}

// The provider (Bun executable): stdin, and files it is pointed at.
const keys = join(dir, 'keys.ini');
writeFileSync(
  keys,
  '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = x/y\nregion = us-west-2\n',
  { mode: 0o600 },
);
const fifo = join(dir, 'fifo');
execFileSync('mkfifo', [fifo]);
const provider = (what: string, stdin: string, env: Record<string, string>): void => {
  row(
    `provider: ${what}`,
    stdin.length,
    measure(PROVIDER, ['get-credentials', '--timeout=5s'], stdin, env),
  );
};
const request = JSON.stringify({
  kind: 'CredentialProviderRequest',
  apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
  image: '123456789012.dkr.ecr.us-west-2.amazonaws.com/app',
});
provider('AWS_CONFIG_FILE=/dev/urandom', request, { AWS_CONFIG_FILE: '/dev/urandom' });
provider('AWS_CONFIG_FILE is a FIFO with no writer', request, { AWS_CONFIG_FILE: fifo });
provider(
  'a 1 MB request of duplicate keys (under the 1 MiB cap)',
  `{${'"image":"x",'.repeat(80_000)}"kind":"x"}`,
  {
    AWS_CONFIG_FILE: keys,
  },
);
provider('10 MiB request of duplicate keys', `{${'"image":"x",'.repeat(900_000)}"kind":"x"}`, {
  AWS_CONFIG_FILE: keys,
});
provider('10 MiB request of "["', '['.repeat(10 * 1024 * 1024), { AWS_CONFIG_FILE: keys });
for (const n of [10_000, 40_000]) {
  const pem = join(dir, `begin-${n}.pem`);
  writeFileSync(pem, '-----BEGIN CERTIFICATE-----\n'.repeat(n));
  const credfile = join(dir, `ra-${n}`);
  writeFileSync(
    credfile,
    `[default]\nregion = us-west-2\ncredential_process = aws_signing_helper credential-process --certificate ${pem} --profile-arn arn:aws:rolesanywhere:us-west-2:123456789012:profile/p --role-arn arn:aws:iam::123456789012:role/r --trust-anchor-arn arn:aws:rolesanywhere:us-west-2:123456789012:trust-anchor/t\n`,
  );
  provider(`a certificate of ${n.toLocaleString('en')} BEGIN lines and no END`, request, {
    AWS_CONFIG_FILE: credfile,
  });
}

console.log(`## Hostile input (${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version})

Each row is a fresh process: wall time and peak RSS (\`/usr/bin/time\`), including Node's own start-up.

| input | size | wall | peak RSS | outcome |
| --- | --- | --- | --- | --- |
${rows.join('\n')}
`);
