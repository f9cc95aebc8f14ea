import { createHash, verify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isCredprovError } from '@eksa-credprov/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decimalSerial, readPrivateKey } from './certificates.ts';
import { createSessionRequest, type SessionRequestInit } from './session-request.ts';
import { signX509 } from './sign.ts';
import { testPki } from '@eksa-credprov/testenv';

const ANCHOR =
  'arn:aws:rolesanywhere:us-west-2:123456789012:trust-anchor/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const PROFILE =
  'arn:aws:rolesanywhere:us-west-2:123456789012:profile/1f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const ROLE = 'arn:aws:iam::123456789012:role/eksa-ecr-pull';

function init(overrides: Partial<SessionRequestInit> = {}): SessionRequestInit {
  const pki = testPki();
  return {
    certificate: pki.rsaCert,
    privateKey: pki.rsaKeyPkcs8,
    trustAnchorArn: ANCHOR,
    profileArn: PROFILE,
    roleArn: ROLE,
    date: new Date(),
    ...overrides,
  };
}

function verifies(
  request: ReturnType<typeof createSessionRequest>,
  certificatePem: string,
): boolean {
  const auth = request.headers['Authorization'] ?? '';
  const [, algorithm, scope, signedHeaders, signature] =
    /^(\S+) Credential=\d+\/(\S+), SignedHeaders=(\S+), Signature=([0-9a-f]+)$/.exec(auth) ?? [];
  const url = new URL(request.url);
  const headers = Object.fromEntries(
    Object.entries(request.headers).filter(([k]) => k !== 'Authorization'),
  );
  const canonical = [
    'POST',
    url.pathname,
    [...url.searchParams.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&'),
    `${Object.entries(headers)
      .map(([k, v]) => [k.toLowerCase(), v] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}:${v}`)
      .join('\n')}\n`,
    signedHeaders,
    createHash('sha256').update(request.body).digest('hex'),
  ].join('\n');
  const stringToSign = [
    algorithm,
    request.headers['X-Amz-Date'],
    scope,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  return verify(
    'sha256',
    Buffer.from(stringToSign),
    { key: new X509Certificate(certificatePem).publicKey, dsaEncoding: 'der' },
    Buffer.from(signature ?? '', 'hex'),
  );
}

// The throw-away PKI is made once per process with the openssl CLI: about 3 s here, more on a
// busy CI machine, so it is made before the tests under a limit of its own.
beforeAll(() => {
  testPki();
}, 60_000);

describe('createSessionRequest', () => {
  it('builds the aws_signing_helper request: ARNs in the query, duration in the body, certificate headers', () => {
    testPki(); // certificates first: a new one is valid from this second on
    const date = new Date(Date.now() + 1000);
    const request = createSessionRequest(init({ date }));
    const url = new URL(request.url);
    expect(url.origin + url.pathname).toBe(
      'https://rolesanywhere.us-west-2.amazonaws.com/sessions',
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      profileArn: PROFILE,
      roleArn: ROLE,
      trustAnchorArn: ANCHOR,
    });
    expect(request.body).toBe('{"durationSeconds":3600}');
    expect(request.headers['Host']).toBe('rolesanywhere.us-west-2.amazonaws.com');
    expect(request.headers['X-Amz-X509']).toBe(
      new X509Certificate(testPki().rsaCert).raw.toString('base64'),
    );
    expect(request.headers['Authorization']).toMatch(
      /^AWS4-X509-RSA-SHA256 Credential=\d+\/\d{8}\/us-west-2\/rolesanywhere\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-x509, Signature=[0-9a-f]{512}$/,
    );
    expect(verifies(request, testPki().rsaCert)).toBe(true);
    // Deterministic for a given date (RSA).
    expect(createSessionRequest(init({ date }))).toEqual(request);
  });

  it.each([
    ['PKCS#1', () => testPki().rsaKeyPkcs1, undefined],
    ['encrypted PKCS#8', () => testPki().encryptedKey, 'correct horse'],
    [
      'certificate and key in one file, as the kubelet keeps them',
      () => testPki().rsaCert + testPki().rsaKeyPkcs1,
      undefined,
    ],
  ])('reads a %s key', (_name, key, passphrase) => {
    const request = createSessionRequest(
      init({ privateKey: key(), ...(passphrase === undefined ? {} : { passphrase }) }),
    );
    expect(verifies(request, testPki().rsaCert)).toBe(true);
  });

  it('signs with an EC (SEC1) key as AWS4-X509-ECDSA-SHA256, and sends a chain', () => {
    const request = createSessionRequest(
      init({
        certificate: testPki().ecCert,
        privateKey: testPki().ecKeySec1,
        chain: testPki().caCert,
        durationSeconds: 900,
        roleSessionName: 'node-1',
      }),
    );
    expect(request.headers['Authorization']).toMatch(
      /^AWS4-X509-ECDSA-SHA256 .*SignedHeaders=content-type;host;x-amz-date;x-amz-x509;x-amz-x509-chain,/,
    );
    expect(request.headers['X-Amz-X509-Chain']).toBe(
      new X509Certificate(testPki().caCert).raw.toString('base64'),
    );
    expect(request.body).toBe('{"durationSeconds":900,"roleSessionName":"node-1"}');
    expect(verifies(request, testPki().ecCert)).toBe(true);
  });

  it('takes the region from the trust anchor, the partition suffix, and an endpoint override', () => {
    const cn = createSessionRequest(
      init({
        trustAnchorArn: ANCHOR.replace(
          'aws:rolesanywhere:us-west-2',
          'aws-cn:rolesanywhere:cn-north-1',
        ),
        profileArn: PROFILE.replace(
          'aws:rolesanywhere:us-west-2',
          'aws-cn:rolesanywhere:cn-north-1',
        ),
        roleArn: ROLE.replace('aws:', 'aws-cn:'),
      }),
    );
    expect(new URL(cn.url).host).toBe('rolesanywhere.cn-north-1.amazonaws.com.cn');
    const local = createSessionRequest(init({ endpoint: 'http://127.0.0.1:8443' }));
    expect(local.url.startsWith('http://127.0.0.1:8443/sessions?')).toBe(true);
    expect(local.headers['Host']).toBe('127.0.0.1:8443');
  });

  it.each([
    [
      "a key that is not the certificate's",
      () => init({ privateKey: testPki().otherKey }),
      /private key does not belong to the certificate/,
    ],
    [
      'an expired certificate',
      () => init({ date: new Date('2100-01-01T00:00:00Z') }),
      /has expired .*rotation/,
    ],
    [
      'a certificate not yet valid',
      () => init({ date: new Date('2000-01-01T00:00:00Z') }),
      /is valid from/,
    ],
    [
      'ARNs in different regions',
      () => init({ profileArn: PROFILE.replace('us-west-2', 'eu-west-1') }),
      /profileArn: is in eu-west-1 but the trust anchor is in us-west-2/,
    ],
    [
      'a role ARN as the profile',
      () => init({ profileArn: ROLE }),
      /profileArn: .* is a iam role ARN/,
    ],
    ['a session too long', () => init({ durationSeconds: 50000 }), /900 to 43200/],
    [
      'an encrypted key without its passphrase',
      () => init({ privateKey: testPki().encryptedKey }),
      /is encrypted: pass its passphrase/,
    ],
    [
      'a wrong passphrase',
      () => init({ privateKey: testPki().encryptedKey, passphrase: 'nope' }),
      /could not be decrypted: check the passphrase/,
    ],
    [
      'a certificate that is not PEM',
      () => init({ certificate: 'not a certificate' }),
      /no PEM CERTIFICATE block/,
    ],
    [
      'a chain with a key in it',
      () => init({ chain: testPki().caCert + testPki().rsaKeyPkcs8 }),
      /PEM CERTIFICATE blocks only/,
    ],
  ])('refuses %s, without the key in the message', (_name, make, message) => {
    let error: unknown;
    try {
      createSessionRequest(make());
    } catch (e) {
      error = e;
    }
    expect(isCredprovError(error)).toBe(true);
    expect(String(error)).toMatch(message);
    for (const secret of [testPki().rsaKeyPkcs8, testPki().otherKey, testPki().encryptedKey]) {
      const body = secret.split('\n')[1] ?? '';
      expect(String(error)).not.toContain(body);
    }
  });
});

describe('the Go helper style, against its own canonicalisation', () => {
  it('hashes the canonical request as aws_signing_helper does (reference vector)', () => {
    const VECTORS = resolve(
      import.meta.dirname,
      '../../../testdata/upstream/roles-anywhere-vectors',
    );
    const cert = new X509Certificate(readFileSync(resolve(VECTORS, 'envoy-rsa-cert.pem'), 'utf8'));
    const key = readPrivateKey(readFileSync(resolve(VECTORS, 'envoy-rsa-key.pem'), 'utf8'));
    const signed = signX509({
      method: 'POST',
      path: '/sessions',
      query: {
        profileArn:
          'arn:aws:rolesanywhere:us-east-1:123456789012:profile/41cl0bae-6783-40d4-ab20-65dc5d922e45',
        roleArn: 'arn:aws:iam::123456789012:role/ExampleS3WriteRole',
        trustAnchorArn:
          'arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/41cl0bae-6783-40d4-ab20-65dc5d922e45',
      },
      headers: {
        'Content-Type': 'application/json',
        Host: 'rolesanywhere.us-east-1.amazonaws.com',
        'X-Amz-Date': '20180102T030405Z',
        'X-Amz-X509': cert.raw.toString('base64'),
      },
      body: '{"durationSeconds":3600}',
      amzDate: '20180102T030405Z',
      region: 'us-east-1',
      serialNumber: decimalSerial(cert),
      privateKey: key,
    });
    expect(createHash('sha256').update(signed.canonicalRequest).digest('hex')).toBe(
      '786dee7b0469312479b6bf324db68e8623d9c24bbfcc752f917c3eb315fd7119',
    );
    expect(signed.authorization).toMatch(
      /SignedHeaders=content-type;host;x-amz-date;x-amz-x509, Signature=854e1ed085ced29f/,
    );
  });
});
