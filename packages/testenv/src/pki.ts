/**
 * A throw-away PKI made with the openssl CLI: a CA, RSA and EC leaf certificates it signed, and
 * their keys in every PEM form nodes use; and files written beside it with mode 0600.
 */
import { execFileSync } from 'node:child_process';
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

/** Writes `text` to `name` in the test PKI's directory with mode 0600; returns the path. */
export function testFile(name: string, text: string): string {
  const path = join(testPki().dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

/**
 * A fresh self-signed CA (EC P-256, 30 days) made by openssl, as a cluster's CA would be; with
 * `keyUsage: 'no-cert-sign'` or `'none'`, a CA:TRUE certificate that IAM Roles Anywhere refuses
 * as a trust anchor (keyUsage without keyCertSign, or no keyUsage at all).
 */
export function makeCaCertificate(
  name: string,
  options: { readonly keyUsage?: 'cert-sign' | 'no-cert-sign' | 'none' } = {},
): string {
  const usage = options.keyUsage ?? 'cert-sign';
  return execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      '/dev/null',
      '-subj',
      `/CN=${name}`,
      '-days',
      '30',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      ...(usage === 'none'
        ? []
        : [
            '-addext',
            `keyUsage=critical,${usage === 'cert-sign' ? 'keyCertSign,cRLSign' : 'digitalSignature'}`,
          ]),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
}
