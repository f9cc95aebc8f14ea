/**
 * Ours against the upstream Go ecr-credential-provider (k8s.io/cloud-provider-aws v1.37.1, built
 * from the Go module proxy into testenv/), same requests, same moto ECR: static keys, and IAM
 * Roles Anywhere (upstream + aws_signing_helper via credential_process, ours natively).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCredentialProviderResponse } from '@eksa-credprov/core';
import { describe, expect, it } from 'vitest';
import { awsTestEnv, createAnchorAndProfile, testPki } from './test-support.ts';

const UPSTREAM = resolve(import.meta.dirname, '../../../.testenv/bin/ecr-credential-provider');
const OURS = resolve(import.meta.dirname, 'bin/provider.ts');
const REQUEST = `${JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion: 'credentialprovider.kubelet.k8s.io/v1', image: '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app' })}\n`;

function exec(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    const child = execFile(command, args, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      ok({ code: error === null ? 0 : ((error as { code?: number }).code ?? 1), stdout, stderr });
    });
    child.stdin?.end(REQUEST);
  });
}

async function both(
  env: Record<string, string>,
): Promise<
  [
    ReturnType<typeof parseCredentialProviderResponse>,
    ReturnType<typeof parseCredentialProviderResponse>,
  ]
> {
  const base = {
    HOME: testPki().dir,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_ECR: awsTestEnv().moto,
    ...env,
  };
  const upstream = await exec(UPSTREAM, ['get-credentials'], base);
  const ours = await exec(
    process.execPath,
    ['--conditions=@eksa-credprov/source', OURS, 'get-credentials'],
    base,
  );
  expect(upstream.code, upstream.stderr).toBe(0);
  expect(ours.code, ours.stderr).toBe(0);
  return [
    parseCredentialProviderResponse(upstream.stdout),
    parseCredentialProviderResponse(ours.stdout),
  ];
}

describe('ours and the Go ecr-credential-provider, side by side', () => {
  it('static keys: the same auth key, username, password, cacheKeyType and cacheDuration', async () => {
    const dir = mkdtempSync(join(testPki().dir, 'sbs-'));
    const config = join(dir, 'aws-creds');
    writeFileSync(
      config,
      '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nregion = us-west-2\n',
      { mode: 0o600 },
    );
    const [upstream, ours] = await both({
      AWS_CONFIG_FILE: config,
      AWS_PROFILE: 'default',
      PATH: '/usr/bin:/bin',
    });
    expect(ours.auth).toEqual(upstream.auth);
    expect(ours.cacheKeyType).toBe(upstream.cacheKeyType);
    // moto's token carries a fixed past expiry: both omit cacheDuration.
    expect(ours.cacheDuration).toEqual(upstream.cacheDuration);
    expect(ours.apiVersion).toBe(upstream.apiVersion);
  });

  it('IAM Roles Anywhere: upstream + aws_signing_helper via credential_process, ours natively, same answer', async () => {
    const role = 'arn:aws:iam::123456789012:role/sbs';
    const { anchorArn, profileArn } = await createAnchorAndProfile(role);
    const dir = mkdtempSync(join(testPki().dir, 'sbs-ra-'));
    const kubelet = join(dir, 'kubelet-client-current.pem');
    writeFileSync(kubelet, testPki().ecCert + testPki().ecKeySec1, { mode: 0o600 });
    // The upstream pair finds aws_signing_helper on PATH, as the chart's /eksa-packages does.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    symlinkSync(awsTestEnv().signingHelper, join(bin, 'aws_signing_helper'));
    const credfile = join(dir, 'aws-creds');
    writeFileSync(
      credfile,
      `[default]\nregion = us-west-2\ncredential_process = aws_signing_helper credential-process --certificate ${kubelet} --private-key ${kubelet} --profile-arn ${profileArn} --role-arn ${role} --trust-anchor-arn ${anchorArn} --endpoint ${awsTestEnv().rolesanywhere}\n`,
      { mode: 0o600 },
    );
    const [upstream, ours] = await both({
      AWS_CONFIG_FILE: credfile,
      AWS_PROFILE: 'default',
      PATH: `${bin}:/usr/bin:/bin`,
    });
    expect(ours.auth).toEqual(upstream.auth);
    expect(ours.cacheKeyType).toBe(upstream.cacheKeyType);
    expect(ours.cacheDuration).toEqual(upstream.cacheDuration);
  });
});
