/**
 * The IAM Roles Anywhere emulator held honest by the reference client (aws_signing_helper v1.4.0,
 * built from the Go module proxy), and the SDK's CreateSession request checked against both.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSessionRequest } from './session-request.ts';
import { awsTestEnv, control, lastSession, sessions, testPki } from '@eksa-credprov/testenv';

const run = promisify(execFile);
const ROLE = 'arn:aws:iam::123456789012:role/eksa-ecr-pull';

let anchorArn = '';
let anchorId = '';
let profileArn = '';
let profileId = '';

async function helper(
  cert: string,
  key: string,
  extra: string[] = [],
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const dir = testPki().dir;
  const certFile = join(dir, `h-${Math.random().toString(36).slice(2)}.pem`);
  const keyFile = `${certFile}.key`;
  writeFileSync(certFile, cert, { mode: 0o600 });
  writeFileSync(keyFile, key, { mode: 0o600 });
  try {
    const { stdout, stderr } = await run(
      awsTestEnv().signingHelper,
      [
        'credential-process',
        '--certificate',
        certFile,
        '--private-key',
        keyFile,
        '--trust-anchor-arn',
        anchorArn,
        '--profile-arn',
        profileArn,
        '--role-arn',
        ROLE,
        '--endpoint',
        awsTestEnv().rolesanywhere,
        ...extra,
      ],
      { timeout: 60_000 },
    );
    return { ok: true, stdout, stderr };
  } catch (e) {
    const { stdout = '', stderr = '' } = e as { stdout?: string; stderr?: string };
    return { ok: false, stdout, stderr };
  }
}

beforeAll(async () => {
  await control('POST', '/_emulator/reset');
  const anchor = await control<{ trustAnchor: { trustAnchorArn: string; trustAnchorId: string } }>(
    'POST',
    '/trustanchors',
    {
      name: 'eksa mgmt',
      source: {
        sourceType: 'CERTIFICATE_BUNDLE',
        sourceData: { x509CertificateData: testPki().caCert },
      },
      enabled: true,
    },
  );
  anchorArn = anchor.trustAnchor.trustAnchorArn;
  anchorId = anchor.trustAnchor.trustAnchorId;
  const profile = await control<{ profile: { profileArn: string; profileId: string } }>(
    'POST',
    '/profiles',
    {
      name: 'eksa-ecr',
      roleArns: [ROLE],
      enabled: true,
    },
  );
  profileArn = profile.profile.profileArn;
  profileId = profile.profile.profileId;
});

describe('the reference client against the emulator', () => {
  it.each([
    ['an RSA certificate (PKCS#1 key)', () => [testPki().rsaCert, testPki().rsaKeyPkcs1] as const],
    ['an EC certificate (SEC1 key)', () => [testPki().ecCert, testPki().ecKeySec1] as const],
    [
      'certificate and key in one file, as the kubelet keeps them',
      () =>
        [
          testPki().rsaCert + testPki().rsaKeyPkcs1,
          testPki().rsaCert + testPki().rsaKeyPkcs1,
        ] as const,
    ],
  ])('gets credentials with %s', async (_name, files) => {
    const [cert, key] = files();
    const result = await helper(cert, key);
    expect(result.stderr).toBe('');
    const creds = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(creds['Version']).toBe(1);
    expect(creds['AccessKeyId']).toMatch(/^ASIA/);
    expect(typeof creds['SecretAccessKey']).toBe('string');
    expect(typeof creds['SessionToken']).toBe('string');
    expect((await lastSession()).status).toBe(201);
  });

  it.each([
    [
      'a certificate from another CA',
      () => [testPki().foreignCert, testPki().foreignKey] as const,
      /Untrusted signing certificate/,
    ],
    [
      'an expired certificate',
      () => [testPki().expiredCert, testPki().expiredKey] as const,
      /Untrusted signing certificate: x509: certificate has expired/,
    ],
  ])('is refused with %s', async (_name, files, message) => {
    const [cert, key] = files();
    const result = await helper(cert, key);
    expect(result.ok).toBe(false);
    const session = await lastSession();
    expect(session.status).toBe(403);
    expect(session.error).toMatch(message);
  });

  it('is refused while the profile or the trust anchor is disabled', async () => {
    await control('POST', `/profile/${profileId}/disable`);
    expect((await helper(testPki().rsaCert, testPki().rsaKeyPkcs1)).ok).toBe(false);
    expect((await lastSession()).error).toBe('Profile is disabled');
    await control('POST', `/profile/${profileId}/enable`);
    await control('POST', `/trustanchor/${anchorId}/disable`);
    expect((await helper(testPki().rsaCert, testPki().rsaKeyPkcs1)).ok).toBe(false);
    expect((await lastSession()).error).toBe('Trust anchor is disabled');
    await control('POST', `/trustanchor/${anchorId}/enable`);
    expect((await helper(testPki().rsaCert, testPki().rsaKeyPkcs1)).ok).toBe(true);
  });

  it('retries through injected throttling and 5xx, as the AWS SDK inside it does', async () => {
    await control('POST', '/_emulator/faults', { statuses: [429, 500] });
    const result = await helper(testPki().rsaCert, testPki().rsaKeyPkcs1);
    expect(result.ok).toBe(true);
    expect((await sessions()).slice(-3).map((s) => s.status)).toEqual([429, 500, 201]);
  });
});

describe('createSessionRequest against the emulator and the reference client', () => {
  it('signs exactly what aws_signing_helper signs: same canonical request, same Authorization', async () => {
    expect((await helper(testPki().rsaCert, testPki().rsaKeyPkcs1)).ok).toBe(true);
    const theirs = await lastSession();
    const date = new Date(
      theirs.headers['x-amz-date']?.replace(
        /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
        '$1-$2-$3T$4:$5:$6Z',
      ) ?? '',
    );
    const ours = createSessionRequest({
      certificate: testPki().rsaCert,
      privateKey: testPki().rsaKeyPkcs1,
      trustAnchorArn: anchorArn,
      profileArn,
      roleArn: ROLE,
      endpoint: awsTestEnv().rolesanywhere,
      date,
    });
    expect(ours.headers['Authorization']).toBe(theirs.headers['authorization']);
    expect(new URL(ours.url).search.slice(1)).toBe(theirs.rawQuery);
    expect(ours.body).toBe(theirs.body);
  });

  it.each([
    ['RSA', () => [testPki().rsaCert, testPki().rsaKeyPkcs8] as const],
    ['EC', () => [testPki().ecCert, testPki().ecKeySec1] as const],
  ])('is accepted natively (%s), and a tampered signature is not', async (_name, files) => {
    const [certificate, privateKey] = files();
    const request = createSessionRequest({
      certificate,
      privateKey,
      trustAnchorArn: anchorArn,
      profileArn,
      roleArn: ROLE,
      endpoint: awsTestEnv().rolesanywhere,
      date: new Date(),
    });
    const ok = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
    });
    expect(ok.status).toBe(201);
    const body = (await ok.json()) as {
      credentialSet: { credentials: { accessKeyId: string; expiration: string } }[];
    };
    expect(body.credentialSet[0]?.credentials.accessKeyId).toMatch(/^ASIA/);

    const auth = request.headers['Authorization'] ?? '';
    const tampered = auth.slice(0, -2) + (auth.endsWith('00') ? '11' : '00');
    const bad = await fetch(request.url, {
      method: 'POST',
      headers: { ...request.headers, Authorization: tampered },
      body: request.body,
    });
    expect(bad.status).toBe(403);
    expect(await bad.json()).toEqual({ message: 'Invalid signature' });
  });

  it('a request from a skewed clock is refused, and the emulator says so', async () => {
    const request = createSessionRequest({
      certificate: testPki().rsaCert,
      privateKey: testPki().rsaKeyPkcs8,
      trustAnchorArn: anchorArn,
      profileArn,
      roleArn: ROLE,
      endpoint: awsTestEnv().rolesanywhere,
      date: new Date(Date.now() + 10 * 60_000),
    });
    const res = await fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { message: string }).message).toMatch(
      /more than 5 minutes\); check the client's clock/,
    );
  });
});

describe('the emulator control plane validates as the service does', () => {
  it.each([
    [
      '/trustanchors',
      {
        name: 'bad.name',
        source: { sourceType: 'CERTIFICATE_BUNDLE', sourceData: { x509CertificateData: 'x' } },
      },
      /failed to satisfy constraint/,
    ],
    [
      '/trustanchors',
      {
        name: 'ok',
        source: {
          sourceType: 'CERTIFICATE_BUNDLE',
          sourceData: { x509CertificateData: 'not pem' },
        },
      },
      /no PEM certificate/,
    ],
    ['/profiles', { name: 'p', roleArns: [ROLE], durationSeconds: 60 }, /between 900 and 43200/],
    ['/profiles', { name: 'p', roleArns: [] }, /1 to 250 role ARNs/],
  ])('POST %s %j', async (path, body, message) => {
    await expect(control('POST', path, body)).rejects.toThrow(message);
  });
});
