import { copyFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { isCredprovError } from '@eksa-credprov/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromRolesAnywhere, type RolesAnywhereInit } from './from-roles-anywhere.ts';
import {
  awsTestEnv,
  control,
  createAnchorAndProfile,
  sessions,
  testPki,
} from '@eksa-credprov/testenv';

const ROLE = 'arn:aws:iam::123456789012:role/eksa-node';
let arns: { trustAnchorArn: string; profileArn: string; roleArn: string };
let closedPort = 0;

beforeAll(async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closedPort = (server.address() as { port: number }).port;
  await new Promise<void>((r) =>
    server.close(() => {
      r();
    }),
  );
  const created = await createAnchorAndProfile(ROLE);
  arns = { trustAnchorArn: created.anchorArn, profileArn: created.profileArn, roleArn: ROLE };
});

/** A kubelet-style cert+key file of its own, so a test can rotate it. */
function kubeletFile(cert: string, key: string): string {
  const file = join(testPki().dir, `kubelet-${Math.random().toString(36).slice(2)}.pem`);
  writeFileSync(file, cert + key, { mode: 0o600 });
  return file;
}

function provider(extra: Partial<RolesAnywhereInit> = {}): ReturnType<typeof fromRolesAnywhere> {
  return fromRolesAnywhere({
    ...arns,
    certificateFile: kubeletFile(testPki().rsaCert, testPki().rsaKeyPkcs1),
    endpoint: awsTestEnv().rolesanywhere,
    ...extra,
  });
}

const count = async (): Promise<number> => (await sessions()).length;

async function failure(promise: Promise<unknown>): Promise<Error & { code: string }> {
  try {
    await promise;
  } catch (e) {
    if (isCredprovError(e)) return e;
    throw e;
  }
  throw new Error('expected a failure');
}

describe('fromRolesAnywhere against the emulator', () => {
  it('gets moto credentials natively, and keeps them until they near expiry', async () => {
    const get = provider();
    const before = await count();
    const creds = await get();
    expect(creds.accessKeyId).toMatch(/^ASIA/);
    expect(creds.sessionToken).toBeTruthy();
    expect((creds.expiration?.getTime() ?? 0) - Date.now()).toBeGreaterThan(50 * 60_000);
    expect(await get()).toBe(creds);
    expect((await count()) - before).toBe(1);
  });

  it('shares one CreateSession between concurrent callers', async () => {
    const get = provider();
    const before = await count();
    const all = await Promise.all(Array.from({ length: 5 }, () => get()));
    expect(new Set(all).size).toBe(1);
    expect((await count()) - before).toBe(1);
  });

  it('refreshes when credentials are within refreshBeforeExpiryMs, re-reading a rotated certificate', async () => {
    const file = kubeletFile(testPki().rsaCert, testPki().rsaKeyPkcs1);
    const get = fromRolesAnywhere({
      ...arns,
      certificateFile: file,
      endpoint: awsTestEnv().rolesanywhere,
      durationSeconds: 900,
      refreshBeforeExpiryMs: 3_600_000,
    });
    const first = await get();
    // The kubelet rotates kubelet-client-current.pem: here to the EC identity.
    const rotated = kubeletFile(testPki().ecCert, testPki().ecKeySec1);
    copyFileSync(rotated, file);
    const second = await get();
    expect(second).not.toBe(first);
    const [a, b] = (await sessions()).slice(-2);
    expect(a?.headers['x-amz-x509']).toBe(
      new X509Certificate(testPki().rsaCert).raw.toString('base64'),
    );
    expect(b?.headers['x-amz-x509']).toBe(
      new X509Certificate(testPki().ecCert).raw.toString('base64'),
    );
    expect(b?.headers['authorization']).toMatch(/^AWS4-X509-ECDSA-SHA256 /);
  });

  it('sends the intermediate chain, which the service needs to reach the trust anchor', async () => {
    const chainFile = join(testPki().dir, 'intermediate-chain.pem');
    writeFileSync(chainFile, testPki().intermediateCert);
    const certificateFile = kubeletFile(testPki().chainedCert, testPki().chainedKey);
    const creds = await fromRolesAnywhere({
      ...arns,
      certificateFile,
      chainFile,
      endpoint: awsTestEnv().rolesanywhere,
    })();
    expect(creds.accessKeyId).toMatch(/^ASIA/);
    expect((await sessions()).at(-1)?.headers['x-amz-x509-chain']).toBe(
      new X509Certificate(testPki().intermediateCert).raw.toString('base64'),
    );
    const e = await failure(
      fromRolesAnywhere({
        ...arns,
        certificateFile,
        endpoint: awsTestEnv().rolesanywhere,
        maxAttempts: 1,
      })(),
    );
    expect(e.message).toMatch(
      /Untrusted signing certificate: x509: certificate signed by unknown authority/,
    );
  });

  it('retries throttling and 5xx with backoff', async () => {
    await control('POST', '/_emulator/faults', { statuses: [429, 503] });
    const before = await count();
    expect((await provider()()).accessKeyId).toMatch(/^ASIA/);
    expect((await sessions()).slice(before).map((s) => s.status)).toEqual([429, 503, 201]);
  });

  it('gives up after maxAttempts with a clear error', async () => {
    await control('POST', '/_emulator/faults', { statuses: [500, 500, 500] });
    const e = await failure(provider({ maxAttempts: 3 })());
    expect(e.code).toBe('AWS_CREDENTIALS_ERROR');
    expect(e.message).toBe(
      'IAM Roles Anywhere CreateSession failed after 3 attempts: 500 InternalServerException: injected fault 500',
    );
  });

  it.each([
    [
      'a certificate from another CA',
      () => ({ certificateFile: kubeletFile(testPki().foreignCert, testPki().foreignKey) }),
      /403 AccessDeniedException: Untrusted signing certificate.*is the trust anchor the CA that issued this certificate/,
    ],
    [
      "a key that is not the certificate's",
      () => ({ certificateFile: kubeletFile(testPki().rsaCert, testPki().otherKey) }),
      /cannot sign the IAM Roles Anywhere request: .*private key does not belong to the certificate/,
    ],
    [
      'a missing certificate file',
      () => ({ certificateFile: '/nonexistent/kubelet-client-current.pem' }),
      /cannot read the certificate file \/nonexistent\/kubelet-client-current\.pem: ENOENT/,
    ],
    [
      'a clock 10 minutes ahead',
      () => ({ now: () => Date.now() + 10 * 60_000 }),
      /refused the request date: .*this clock is about 6\d\d s ahead of the service.*synchronise the node's clock/,
    ],
    [
      'a role not in the profile',
      () => ({ roleArn: 'arn:aws:iam::123456789012:role/other' }),
      /Role .* is not in profile.*add the role to the profile's roleArns/,
    ],
    [
      'nothing listening',
      () => ({ endpoint: `http://127.0.0.1:${closedPort}`, maxAttempts: 2 }),
      /failed after 2 attempts: cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/,
    ],
  ])('refuses %s with what to check, and no key material', async (_name, extra, message) => {
    const e = await failure(provider(extra())());
    expect(e.code).toBe('AWS_CREDENTIALS_ERROR');
    expect(e.message).toMatch(message);
    for (const key of [testPki().rsaKeyPkcs1, testPki().otherKey, testPki().foreignKey])
      expect(e.message).not.toContain(key.split('\n')[1] ?? '');
  });
});
