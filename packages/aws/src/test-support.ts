/**
 * A throw-away PKI made with the openssl CLI, for this package's tests: a CA, RSA and EC leaf
 * certificates it signed, and their keys in every PEM form nodes use. Not exported.
 *
 * @internal
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  readonly caCert: string;
  readonly rsaCert: string;
  readonly rsaKeyPkcs8: string;
  readonly rsaKeyPkcs1: string;
  readonly ecCert: string;
  readonly ecKeySec1: string;
  readonly encryptedKey: string;
  readonly passphrase: string;
  /** An RSA key that belongs to no certificate here. */
  readonly otherKey: string;
  /** A certificate from another CA. */
  readonly foreignCert: string;
  readonly foreignKey: string;
  /** An intermediate CA signed by caCert, and a leaf it issued (needs the chain to verify). */
  readonly intermediateCert: string;
  readonly chainedCert: string;
  readonly chainedKey: string;
  /** The other CA (issuer of foreignCert). */
  readonly otherCaCert: string;
  /** A leaf from the CA that expired in 2020. */
  readonly expiredCert: string;
  readonly expiredKey: string;
  /** Where the files are (for command-line clients). */
  readonly dir: string;
}

let cached: TestPki | undefined;

export function testPki(): TestPki {
  if (cached !== undefined) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'pki-'));
  const at = (f: string): string => join(dir, f);
  const ssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'ignore' });
  };
  writeFileSync(
    at('leaf.ext'),
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
  );
  const ca = (name: string): void => {
    ssl('genrsa', '-out', at(`${name}.key`), '2048');
    ssl(
      'req',
      '-x509',
      '-new',
      '-key',
      at(`${name}.key`),
      '-subj',
      `/CN=${name}`,
      '-days',
      '30',
      '-sha256',
      '-out',
      at(`${name}.crt`),
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
  };
  const leaf = (name: string, key: string, issuer: string): void => {
    ssl(
      'req',
      '-new',
      '-key',
      at(key),
      '-subj',
      `/O=system:nodes/CN=system:node:${name}`,
      '-out',
      at(`${name}.csr`),
    );
    ssl(
      'x509',
      '-req',
      '-in',
      at(`${name}.csr`),
      '-CA',
      at(`${issuer}.crt`),
      '-CAkey',
      at(`${issuer}.key`),
      '-CAcreateserial',
      '-days',
      '7',
      '-sha256',
      '-extfile',
      at('leaf.ext'),
      '-out',
      at(`${name}.crt`),
    );
  };
  ca('ca');
  ca('other-ca');
  ssl('genrsa', '-traditional', '-out', at('rsa-pkcs1.key'), '2048');
  ssl('pkcs8', '-topk8', '-nocrypt', '-in', at('rsa-pkcs1.key'), '-out', at('rsa-pkcs8.key'));
  ssl(
    'pkcs8',
    '-topk8',
    '-v2',
    'aes-256-cbc',
    '-passout',
    'pass:correct horse',
    '-in',
    at('rsa-pkcs1.key'),
    '-out',
    at('rsa-enc.key'),
  );
  leaf('rsa-node', 'rsa-pkcs1.key', 'ca');
  ssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', at('ec.key'));
  leaf('ec-node', 'ec.key', 'ca');
  ssl('genrsa', '-out', at('other.key'), '2048');
  ssl('genrsa', '-out', at('foreign.key'), '2048');
  leaf('foreign-node', 'foreign.key', 'other-ca');
  writeFileSync(
    at('ca.ext'),
    'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n',
  );
  ssl('genrsa', '-out', at('intermediate.key'), '2048');
  ssl(
    'req',
    '-new',
    '-key',
    at('intermediate.key'),
    '-subj',
    '/CN=intermediate',
    '-out',
    at('intermediate.csr'),
  );
  ssl(
    'x509',
    '-req',
    '-in',
    at('intermediate.csr'),
    '-CA',
    at('ca.crt'),
    '-CAkey',
    at('ca.key'),
    '-CAcreateserial',
    '-days',
    '7',
    '-sha256',
    '-extfile',
    at('ca.ext'),
    '-out',
    at('intermediate.crt'),
  );
  ssl('genrsa', '-out', at('chained.key'), '2048');
  leaf('chained', 'chained.key', 'intermediate');
  // An already-expired leaf needs explicit dates, which only `openssl ca` takes (not x509 -days).
  writeFileSync(at('index.txt'), '');
  writeFileSync(at('serial'), '1000\n');
  writeFileSync(
    at('ca.cnf'),
    `[ca]\ndefault_ca=ca\n[ca]\ndatabase=${at('index.txt')}\nnew_certs_dir=${dir}\nserial=${at('serial')}\npolicy=any\ndefault_md=sha256\nunique_subject=no\n[any]\ncommonName=supplied\norganizationName=optional\n`,
  );
  ssl('genrsa', '-out', at('expired.key'), '2048');
  ssl(
    'req',
    '-new',
    '-key',
    at('expired.key'),
    '-subj',
    '/O=system:nodes/CN=system:node:expired',
    '-out',
    at('expired.csr'),
  );
  ssl(
    'ca',
    '-batch',
    '-config',
    at('ca.cnf'),
    '-cert',
    at('ca.crt'),
    '-keyfile',
    at('ca.key'),
    '-in',
    at('expired.csr'),
    '-out',
    at('expired.crt'),
    '-notext',
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200201000000Z',
    '-extfile',
    at('leaf.ext'),
  );
  const read = (f: string): string => readFileSync(at(f), 'utf8');
  cached = {
    caCert: read('ca.crt'),
    rsaCert: read('rsa-node.crt'),
    rsaKeyPkcs8: read('rsa-pkcs8.key'),
    rsaKeyPkcs1: read('rsa-pkcs1.key'),
    ecCert: read('ec-node.crt'),
    ecKeySec1: read('ec.key'),
    encryptedKey: read('rsa-enc.key'),
    passphrase: 'correct horse',
    otherKey: read('other.key'),
    foreignCert: read('foreign-node.crt'),
    foreignKey: read('foreign.key'),
    otherCaCert: read('other-ca.crt'),
    intermediateCert: read('intermediate.crt'),
    chainedCert: read('chained.crt'),
    chainedKey: read('chained.key'),
    expiredCert: read('expired.crt'),
    expiredKey: read('expired.key'),
    dir,
  };
  return cached;
}

/** The moto, Roles Anywhere emulator and reference client that `scripts/testenv up` started. */
export function awsTestEnv(): {
  readonly moto: string;
  readonly rolesanywhere: string;
  readonly signingHelper: string;
} {
  const file = join(import.meta.dirname, '../../../.testenv/run/env.json');
  let env: { moto?: string; rolesanywhere?: string; signingHelper?: string };
  try {
    env = JSON.parse(readFileSync(file, 'utf8')) as typeof env;
  } catch {
    throw new Error(
      `${file} is missing: start the components with scripts/testenv up (scripts/test does)`,
    );
  }
  if (
    env.moto === undefined ||
    env.rolesanywhere === undefined ||
    env.signingHelper === undefined
  ) {
    throw new Error(
      `${file} names no moto, emulator or signing helper: restart with scripts/testenv down && scripts/testenv up`,
    );
  }
  return { moto: env.moto, rolesanywhere: env.rolesanywhere, signingHelper: env.signingHelper };
}

const REGION = 'us-west-2';

/** A control-plane call, signed the way an SDK would say which region it means. */
export async function control<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${awsTestEnv().rolesanywhere}${path}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      Authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/${REGION}/rolesanywhere/aws4_request, SignedHeaders=host, Signature=0`,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export interface Session {
  status: number;
  error?: string;
  headers: Record<string, string>;
  canonicalRequest: string;
  rawQuery: string;
  body: string;
}

export async function sessions(): Promise<Session[]> {
  return (await control<{ sessions: Session[] }>('GET', '/_emulator/sessions')).sessions;
}

export async function lastSession(): Promise<Session> {
  const last = (await sessions()).at(-1);
  if (last === undefined) throw new Error('the emulator received no CreateSession');
  return last;
}

/** A trust anchor for the test CA and a profile for `roleArn`, both enabled. */
export async function createAnchorAndProfile(
  roleArn: string,
): Promise<{ anchorArn: string; anchorId: string; profileArn: string; profileId: string }> {
  const anchor = await control<{ trustAnchor: { trustAnchorArn: string; trustAnchorId: string } }>(
    'POST',
    '/trustanchors',
    {
      name: `anchor-${Math.random().toString(36).slice(2)}`,
      source: {
        sourceType: 'CERTIFICATE_BUNDLE',
        sourceData: { x509CertificateData: testPki().caCert },
      },
      enabled: true,
    },
  );
  const profile = await control<{ profile: { profileArn: string; profileId: string } }>(
    'POST',
    '/profiles',
    {
      name: `profile-${Math.random().toString(36).slice(2)}`,
      roleArns: [roleArn],
      enabled: true,
    },
  );
  return {
    anchorArn: anchor.trustAnchor.trustAnchorArn,
    anchorId: anchor.trustAnchor.trustAnchorId,
    profileArn: profile.profile.profileArn,
    profileId: profile.profile.profileId,
  };
}

/** What one run of the provider's bin printed, and its exit code. */
export interface ProviderRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The three ways the provider runs: from source, the one-file bundle, the single executable. */
export const PROVIDER_FORMS = {
  source: [
    process.execPath,
    '--conditions=@eksa-credprov/source',
    join(import.meta.dirname, 'bin/provider.ts'),
  ],
  bundle: [process.execPath, join(import.meta.dirname, '../dist/eksa-ecr-credential-provider.cjs')],
  sea: [join(import.meta.dirname, '../dist/eksa-ecr-credential-provider')],
} as const;

/**
 * Runs eksa-ecr-credential-provider as the kubelet runs it: a process with a request on stdin and
 * only the chart's environment (plus the local ECR endpoint, unless `env` overrides it, and
 * whatever `env` adds). From source unless `form` says otherwise (scripts/bootstrap builds the
 * other two).
 */
export function execProvider(
  stdin: string,
  env: Readonly<Record<string, string>>,
  options: { readonly args?: readonly string[]; readonly form?: keyof typeof PROVIDER_FORMS } = {},
): Promise<ProviderRun> {
  const [command, ...commandArgs] = PROVIDER_FORMS[options.form ?? 'source'];
  const args = options.args ?? [];
  return new Promise((ok) => {
    const child = execFile(
      command,
      [...commandArgs, ...args],
      {
        env: {
          PATH: '/usr/bin:/bin',
          HOME: testPki().dir,
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_ENDPOINT_URL_ECR: awsTestEnv().moto,
          ...env,
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        ok({ code: error === null ? 0 : ((error as { code?: number }).code ?? 1), stdout, stderr });
      },
    );
    child.stdin?.end(stdin);
  });
}

/** A `CredentialProviderRequest` line for `image`. */
export const providerRequest = (
  image: string,
  apiVersion = 'credentialprovider.kubelet.k8s.io/v1',
): string => `${JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion, image })}\n`;

/** Writes `text` to `name` in the test PKI's directory with mode 0600; returns the path. */
export function testFile(name: string, text: string): string {
  const path = join(testPki().dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}
