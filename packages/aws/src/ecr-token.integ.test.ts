import { isCredprovError } from '@eksa-credprov/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { getEcrAuthorizationToken } from './ecr-token.ts';
import { fromRolesAnywhere } from './from-roles-anywhere.ts';
import { parseEcrHost } from './ecr-host.ts';
import { awsTestEnv, createAnchorAndProfile, testPki } from '@eksa-credprov/testenv';

const static_ = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

beforeAll(async () => {
  await fetch(`${awsTestEnv().moto}/moto-api/reset`, { method: 'POST' });
});

describe('getEcrAuthorizationToken against moto', () => {
  it('returns the AWS login for a private registry', async () => {
    const token = await getEcrAuthorizationToken({
      region: 'us-west-2',
      credentials: static_,
      endpoint: awsTestEnv().moto,
    });
    expect(token.username).toBe('AWS');
    expect(token.password.length).toBeGreaterThan(10);
    // moto 5.2.1 answers with a fixed expiresAt (2015-01-01T00:00:00Z), not now + 12h.
    expect(token.expiresAt?.toISOString()).toBe('2015-01-01T00:00:00.000Z');
    const host = new URL(token.proxyEndpoint).host;
    expect(parseEcrHost(host)).toMatchObject({ region: 'us-west-2', public: false });
  });

  it('works with credentials from IAM Roles Anywhere, end to end (emulator -> moto STS -> moto ECR)', async () => {
    const role = 'arn:aws:iam::123456789012:role/ecr-pull';
    const { anchorArn, profileArn } = await createAnchorAndProfile(role);
    const credentials = fromRolesAnywhere({
      certificate: testPki().ecCert,
      privateKey: testPki().ecKeySec1,
      trustAnchorArn: anchorArn,
      profileArn,
      roleArn: role,
      endpoint: awsTestEnv().rolesanywhere,
    });
    const token = await getEcrAuthorizationToken({
      region: 'eu-west-1',
      credentials,
      endpoint: awsTestEnv().moto,
    });
    expect(token.username).toBe('AWS');
    expect(new URL(token.proxyEndpoint).host).toMatch(/\.dkr\.ecr\.eu-west-1\.amazonaws\.com$/);
  });

  it('says what failed when ECR cannot be reached, without the credentials', async () => {
    const e = await getEcrAuthorizationToken({
      region: 'us-west-2',
      credentials: static_,
      endpoint: 'http://127.0.0.1:9',
    }).catch((x: unknown) => x);
    expect(isCredprovError(e) && e.code).toBe('AWS_API_ERROR');
    expect(String(e)).toMatch(/^AwsApiError: ECR GetAuthorizationToken failed: /);
    expect(String(e)).not.toContain(static_.secretAccessKey);
  });
});
