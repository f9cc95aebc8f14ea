import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  verify,
  X509Certificate,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isValidationError } from '@eksa-credprov/core';
import { describe, expect, it } from 'vitest';
import { decimalSerial, readPrivateKey } from './certificates.ts';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { canonicalQuery, rfc3986, signHmac, signX509, toAmzDate } from './sign.ts';

const VECTORS = resolve(import.meta.dirname, '../../../testdata/upstream/roles-anywhere-vectors');
const read = (name: string): string => readFileSync(resolve(VECTORS, name), 'utf8');
const expected = JSON.parse(read('expected.json')) as Record<string, string>;
const cert = new X509Certificate(read('envoy-rsa-cert.pem'));
const chain = new X509Certificate(read('envoy-rsa-chain.pem'));
const key = readPrivateKey(read('envoy-rsa-key.pem'));

const body = (session: string | undefined, duration = '3600.0'): string =>
  `{"durationSeconds":${duration},"profileArn":"arn:profile-arn","roleArn":"arn:role-arn",${session === undefined ? '' : `"roleSessionName":"${session}",`}"trustAnchorArn":"arn:trust-anchor-arn"}`;

// Envoy's IAM Roles Anywhere provider tests (generated with awslabs/iam-roles-anywhere-session):
// JSON-body style, x-amz-content-sha256 signed, region ap-southeast-2.
const ENVOY: readonly (readonly [string, string, string, boolean])[] = [
  ['nochain', '20180102T030405Z', body('session'), false],
  ['chain', '20180102T030405Z', body('session'), true],
  ['chainFastForward', '20180102T050405Z', body('session'), true],
  ['customSession', '20180102T030405Z', body('mysession'), false],
  ['blankSession', '20180102T030405Z', body(undefined), false],
  ['customDuration', '20180102T030405Z', body('mysession', '123.0'), false],
];

describe('X.509 SigV4 signing: the Envoy vectors, bit for bit', () => {
  it.each(ENVOY)('%s', (name, amzDate, payload, withChain) => {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      host: 'rolesanywhere.ap-southeast-2.amazonaws.com',
      'x-amz-content-sha256': createHash('sha256').update(payload).digest('hex'),
      'x-amz-date': amzDate,
      'x-amz-x509': cert.raw.toString('base64'),
      ...(withChain ? { 'x-amz-x509-chain': chain.raw.toString('base64') } : {}),
    };
    const signed = signX509({
      method: 'POST',
      path: '/sessions',
      query: {},
      headers,
      body: payload,
      amzDate,
      region: 'ap-southeast-2',
      serialNumber: decimalSerial(cert),
      privateKey: key,
    });
    expect(signed.authorization).toBe(
      `AWS4-X509-RSA-SHA256 Credential=131827979019394590882466519576505238184/${amzDate.slice(0, 8)}/ap-southeast-2/rolesanywhere/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-x509${withChain ? ';x-amz-x509-chain' : ''}, Signature=${expected[name] ?? 'missing'}`,
    );
  });

  it('builds the documented string to sign for the no-chain case', () => {
    const payload = body('session');
    const signed = signX509({
      method: 'POST',
      path: '/sessions',
      query: {},
      headers: {
        'content-type': 'application/json',
        host: 'rolesanywhere.ap-southeast-2.amazonaws.com',
        'x-amz-content-sha256': createHash('sha256').update(payload).digest('hex'),
        'x-amz-date': '20180102T030405Z',
        'x-amz-x509': cert.raw.toString('base64'),
      },
      body: payload,
      amzDate: '20180102T030405Z',
      region: 'ap-southeast-2',
      serialNumber: decimalSerial(cert),
      privateKey: key,
    });
    expect(signed.stringToSign).toBe(
      'AWS4-X509-RSA-SHA256\n20180102T030405Z\n20180102/ap-southeast-2/rolesanywhere/aws4_request\n584a6a0680d5843aae4168c72c160cbb4cf011e97af416412bf3469e7d46de58',
    );
  });

  it('signs ECDSA keys with SHA-256 and a DER signature that verifies', () => {
    for (const namedCurve of ['prime256v1', 'secp384r1']) {
      const pair = generateKeyPairSync('ec', { namedCurve });
      const signed = signX509({
        method: 'POST',
        path: '/sessions',
        query: { a: 'b' },
        headers: { host: 'h', 'x-amz-date': '20260101T000000Z' },
        body: '{}',
        amzDate: '20260101T000000Z',
        region: 'us-west-2',
        serialNumber: '1',
        privateKey: pair.privateKey,
      });
      expect(signed.authorization).toMatch(
        /^AWS4-X509-ECDSA-SHA256 Credential=1\/20260101\/us-west-2\/rolesanywhere\/aws4_request, SignedHeaders=host;x-amz-date, Signature=30[0-9a-f]+$/,
      );
      const signature = Buffer.from(signed.authorization.split('Signature=')[1] ?? '', 'hex');
      expect(
        verify(
          'sha256',
          Buffer.from(signed.stringToSign),
          { key: createPublicKey(pair.privateKey), dsaEncoding: 'der' },
          signature,
        ),
      ).toBe(true);
    }
  });

  it('refuses other key types', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    expect(() =>
      signX509({
        method: 'POST',
        path: '/',
        query: {},
        headers: {},
        body: '',
        amzDate: '20260101T000000Z',
        region: 'r',
        serialNumber: '1',
        privateKey,
      }),
    ).toThrow(/RSA or EC keys; this key is ed25519/);
  });
});

describe('SigV4 encoding', () => {
  it.each([
    ['arn:aws:iam::123456789012:role/x', 'arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fx'],
    ["a b!'()*~-_.", 'a%20b%21%27%28%29%2A~-_.'],
  ])('rfc3986(%j)', (input, output) => {
    expect(rfc3986(input)).toBe(output);
  });
  it('sorts the canonical query by encoded key', () => {
    expect(canonicalQuery({ trustAnchorArn: 't', profileArn: 'p:1', roleArn: 'r' })).toBe(
      'profileArn=p%3A1&roleArn=r&trustAnchorArn=t',
    );
  });
  it('gives serial numbers in decimal', () => {
    expect(decimalSerial(cert)).toBe('131827979019394590882466519576505238184');
  });
});

// Classic SigV4 against the AWS SDK's own signer, for the requests the provider sends and the
// edges of the canonical form (query encoding, header case and spacing, session tokens).
describe('HMAC SigV4 signing agrees with @smithy/signature-v4', () => {
  const credentials = {
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  };
  const ROWS: readonly {
    name: string;
    method: string;
    path: string;
    query: Record<string, string>;
    headers: Record<string, string>;
    body: string;
    region: string;
    service: string;
    sessionToken?: string;
  }[] = [
    {
      name: 'ECR GetAuthorizationToken',
      method: 'POST',
      path: '/',
      query: {},
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken',
      },
      body: '{}',
      region: 'us-west-2',
      service: 'ecr',
    },
    {
      name: 'with a session token',
      method: 'POST',
      path: '/',
      query: {},
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: '{"registryIds":["123456789012"]}',
      region: 'eu-central-1',
      service: 'ecr',
      sessionToken: 'FwoGZXIvYXdzEXAMPLE//token+with/slashes==',
    },
    {
      name: 'query needing RFC 3986 encoding, mixed-case headers with runs of spaces',
      method: 'GET',
      path: '/path/to',
      query: { b: 'x y', a: "it's*", 'key~name': 'v/1' },
      headers: { 'X-Custom': '  a   b  ', Accept: 'application/json' },
      body: '',
      region: 'cn-north-1',
      service: 'ecr',
    },
    {
      name: 'Roles Anywhere control plane: CreateTrustAnchor',
      method: 'POST',
      path: '/trustanchors',
      query: {},
      headers: { 'content-type': 'application/json' },
      body: '{"name":"eksa-w01","enabled":true,"source":{"sourceType":"CERTIFICATE_BUNDLE"}}',
      region: 'us-west-2',
      service: 'rolesanywhere',
      sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE',
    },
    {
      name: 'Roles Anywhere control plane: ListTagsForResource (an ARN in the query)',
      method: 'GET',
      path: '/ListTagsForResource',
      query: {
        resourceArn: 'arn:aws:rolesanywhere:us-west-2:123456789012:trust-anchor/0a1b-2c3d',
      },
      headers: {},
      body: '',
      region: 'us-west-2',
      service: 'rolesanywhere',
    },
  ];
  it.each(ROWS)('$name', async (row) => {
    const date = new Date('2026-11-29T10:11:12Z');
    const host = `api.ecr.${row.region}.amazonaws.com`;
    const amzDate = toAmzDate(date);
    const headers: Record<string, string> = {
      ...row.headers,
      host,
      'x-amz-date': amzDate,
      ...(row.sessionToken === undefined ? {} : { 'x-amz-security-token': row.sessionToken }),
    };
    const ours = signHmac({
      method: row.method,
      path: row.path,
      query: row.query,
      headers,
      body: row.body,
      amzDate,
      region: row.region,
      service: row.service,
      ...credentials,
    });
    const smithy = new SignatureV4({
      credentials: {
        ...credentials,
        ...(row.sessionToken === undefined ? {} : { sessionToken: row.sessionToken }),
      },
      region: row.region,
      service: row.service,
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath: true,
      applyChecksum: false,
    });
    const signed = await smithy.sign(
      {
        method: row.method,
        protocol: 'https:',
        hostname: host,
        path: row.path,
        query: row.query,
        headers: { ...row.headers, host },
        body: row.body,
      },
      { signingDate: date },
    );
    expect(ours.authorization).toBe(signed.headers['authorization']);
  });
});

describe('signX509 with a key it cannot sign with', () => {
  const input = {
    method: 'POST',
    path: '/sessions',
    query: {},
    headers: { host: 'rolesanywhere.us-west-2.amazonaws.com' },
    body: '{}',
    amzDate: '20260101T000000Z',
    region: 'us-west-2',
    serialNumber: '1',
  };
  it.each([
    [
      'no key',
      undefined,
      /privateKey: IAM Roles Anywhere signs with RSA or EC keys; this is not a private key/,
    ],
    [
      'an Ed25519 key',
      generateKeyPairSync('ed25519').privateKey,
      /privateKey: .*this key is ed25519/,
    ],
  ])('refuses %s with a ValidationError naming privateKey', (_name, privateKey, message) => {
    let thrown: unknown;
    try {
      signX509({ ...input, privateKey: privateKey as never });
    } catch (e) {
      thrown = e;
    }
    expect(isValidationError(thrown)).toBe(true);
    expect(String(thrown)).toMatch(message);
  });
});
