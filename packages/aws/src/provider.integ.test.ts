/**
 * eksa-ecr-credential-provider run as the kubelet runs it: a process, a request on stdin, the
 * credential package's environment; against moto ECR and the IAM Roles Anywhere emulator.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  createRolesAnywhereCredfile,
  parseCredentialProviderResponse,
  type CredentialProviderApiVersion,
} from '@eksa-credprov/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { awsTestEnv, createAnchorAndProfile, sessions, testPki } from './test-support.ts';

const BIN = resolve(import.meta.dirname, 'bin/provider.ts');
const IMAGE = '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function provide(
  stdin: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    // Only what the chart puts in the provider's environment, plus the endpoints of the fakes.
    const child = execFile(
      process.execPath,
      ['--conditions=@eksa-credprov/source', BIN],
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

const request = (
  image: string,
  apiVersion: CredentialProviderApiVersion = 'credentialprovider.kubelet.k8s.io/v1',
): string => `${JSON.stringify({ kind: 'CredentialProviderRequest', apiVersion, image })}\n`;

function file(name: string, text: string): string {
  const path = join(testPki().dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

let keysConfig = '';
beforeAll(() => {
  keysConfig = file(
    'provider-keys.ini',
    `[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = ${SECRET}\nregion = us-west-2\n`,
  );
});

describe('eksa-ecr-credential-provider', () => {
  it.each([
    'credentialprovider.kubelet.k8s.io/v1',
    'credentialprovider.kubelet.k8s.io/v1beta1',
    'credentialprovider.kubelet.k8s.io/v1alpha1',
  ] as const)(
    'answers a %s request with static keys, as the Go provider does',
    async (apiVersion) => {
      const out = await provide(request(IMAGE, apiVersion), {
        AWS_CONFIG_FILE: keysConfig,
        AWS_PROFILE: 'default',
      });
      expect(out.stderr).toBe('');
      expect(out.code).toBe(0);
      const response = parseCredentialProviderResponse(out.stdout, { apiVersion });
      expect(response.cacheKeyType).toBe('Registry');
      expect(Object.keys(response.auth ?? {})).toEqual([
        '123456789012.dkr.ecr.us-west-2.amazonaws.com',
      ]);
      expect(response.auth?.['123456789012.dkr.ecr.us-west-2.amazonaws.com']?.username).toBe('AWS');
      // moto's token "expires" in 2015: half of a negative lifetime is omitted, as upstream does.
      expect(response.cacheDuration).toBeUndefined();
      expect(out.stdout.endsWith('\n')).toBe(true);
    },
  );

  it('gets Roles Anywhere credentials natively from the docs credfile, without aws_signing_helper on PATH', async () => {
    const role = 'arn:aws:iam::123456789012:role/node';
    const { anchorArn, profileArn } = await createAnchorAndProfile(role);
    const kubelet = file('kubelet-client-current.pem', testPki().rsaCert + testPki().rsaKeyPkcs1);
    const credfile = file(
      'aws-creds',
      createRolesAnywhereCredfile({
        region: 'us-west-2',
        roleArn: role,
        profileArn,
        trustAnchorArn: anchorArn,
        certificatePath: kubelet,
      }),
    );
    const before = (await sessions()).length;
    const out = await provide(request(IMAGE), {
      AWS_CONFIG_FILE: credfile,
      AWS_PROFILE: 'default',
      AWS_ENDPOINT_URL_ROLESANYWHERE: awsTestEnv().rolesanywhere,
    });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(
      parseCredentialProviderResponse(out.stdout).auth?.[
        '123456789012.dkr.ecr.us-west-2.amazonaws.com'
      ]?.username,
    ).toBe('AWS');
    const after = await sessions();
    expect(after.length).toBe(before + 1);
    expect(after.at(-1)?.headers['authorization']).toMatch(/^AWS4-X509-RSA-SHA256 /);
  });

  it.each([
    [
      'empty stdin',
      '',
      {},
      /invalid CredentialProviderRequest: expected a CredentialProviderRequest as JSON, found empty input/,
    ],
    ['malformed JSON', '{"kind":', {}, /is not valid JSON/],
    [
      'a wrong kind',
      '{"kind":"CredentialProviderResponse","apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"a"}',
      {},
      /kind: must be "CredentialProviderRequest"/,
    ],
    [
      'an unknown field',
      '{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"a","extra":1}',
      {},
      /extra: is not a field of this version/,
    ],
    [
      'a missing config file',
      request(IMAGE),
      { AWS_CONFIG_FILE: '/nonexistent/aws-creds' },
      /cannot read AWS_CONFIG_FILE \/nonexistent\/aws-creds: ENOENT/,
    ],
    [
      'a non-ECR host with no region',
      request('registry.example.com/app'),
      {},
      /registry\.example\.com is not an ECR host and no region is configured/,
    ],
  ])(
    'fails cleanly on %s: exit 1, one line on stderr, nothing on stdout, no secret',
    async (_name, stdin, env, message) => {
      const out = await provide(stdin, { AWS_CONFIG_FILE: keysConfig, ...env });
      expect(out.code).toBe(1);
      expect(out.stdout).toBe('');
      expect(out.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
      expect(out.stderr).toMatch(message);
      expect(out.stderr).not.toContain(SECRET);
    },
  );
});
