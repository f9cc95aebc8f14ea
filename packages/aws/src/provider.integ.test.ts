/**
 * eksa-ecr-credential-provider run as the kubelet runs it: a process, a request on stdin, the
 * credential package's environment; against moto ECR and the IAM Roles Anywhere emulator.
 */
import { createRolesAnywhereCredfile, parseCredentialProviderResponse } from '@eksa-credprov/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  awsTestEnv,
  createAnchorAndProfile,
  execProvider,
  providerRequest,
  sessions,
  testFile,
  testPki,
  ECR_IMAGE as IMAGE,
  TEST_SECRET_ACCESS_KEY as SECRET,
  TEST_KEYS_PROFILE,
  PROVIDER_FORMS,
} from '@eksa-credprov/testenv';

/** Every delivered form runs every test here (scripts/bootstrap builds all but the source). */
const FORMS = Object.keys(PROVIDER_FORMS) as (keyof typeof PROVIDER_FORMS)[];

let keysConfig = '';
let noRegionConfig = '';
beforeAll(() => {
  noRegionConfig = testFile(
    'provider-keys-no-region.ini',
    `[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = ${SECRET}\n`,
  );
  keysConfig = testFile('provider-keys.ini', `[default]\n${TEST_KEYS_PROFILE}`);
});

describe.each(FORMS)('eksa-ecr-credential-provider (%s)', (form) => {
  it.each([
    'credentialprovider.kubelet.k8s.io/v1',
    'credentialprovider.kubelet.k8s.io/v1beta1',
    'credentialprovider.kubelet.k8s.io/v1alpha1',
  ] as const)(
    'answers a %s request with static keys, as the Go provider does',
    async (apiVersion) => {
      const out = await execProvider(
        providerRequest(IMAGE, apiVersion),
        {
          AWS_CONFIG_FILE: keysConfig,
          AWS_PROFILE: 'default',
        },
        { form },
      );
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
    const kubelet = testFile(
      'kubelet-client-current.pem',
      testPki().rsaCert + testPki().rsaKeyPkcs1,
    );
    const credfile = testFile(
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
    const out = await execProvider(
      providerRequest(IMAGE),
      {
        AWS_CONFIG_FILE: credfile,
        AWS_PROFILE: 'default',
        AWS_ENDPOINT_URL_ROLESANYWHERE: awsTestEnv().rolesanywhere,
      },
      { form },
    );
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
      providerRequest(IMAGE),
      { AWS_CONFIG_FILE: '/nonexistent/aws-creds' },
      /no AWS credentials found; tried, in order: 1\. the environment \(AWS_ACCESS_KEY_ID .*: not set; 2\. profile "default" in \/nonexistent\/aws-creds \(missing\) and .*credentials \(missing\): no such profile; 3\. web identity .*; 4\. container credentials .*; 5\. EC2 instance metadata \(AWS_EC2_METADATA_DISABLED\)/,
    ],
    [
      'an ECR endpoint that is not a URL',
      providerRequest(IMAGE),
      { AWS_ENDPOINT_URL_ECR: 'ecr.internal:8443' },
      /the ECR endpoint "ecr\.internal:8443" \(AWS_ENDPOINT_URL_ECR\) is not an http or https URL/,
    ],
    [
      'an image that is not a URL to Go',
      providerRequest('registry.example.com/%zz'),
      {},
      /the request's image is not a valid image reference: parse "https:\/\/registry\.example\.com\/%zz": invalid URL escape "%zz"/,
    ],
    [
      'a CA bundle with no certificate',
      providerRequest(IMAGE),
      { AWS_CA_BUNDLE: 'NO_CERTIFICATE' },
      /the CA bundle .*no-certificate\.pem \(AWS_CA_BUNDLE or ca_bundle\) holds no PEM certificate/,
    ],
    [
      'a non-ECR host with no region',
      providerRequest('registry.example.com/app'),
      { AWS_CONFIG_FILE: 'NO_REGION' },
      /registry\.example\.com is not an ECR host and no region is configured/,
    ],
  ])(
    'fails cleanly on %s: exit 1, one line on stderr, nothing on stdout, no secret',
    async (_name, stdin, rowEnv, message) => {
      const env: Record<string, string> = { AWS_CONFIG_FILE: keysConfig, ...rowEnv };
      if (env['AWS_CONFIG_FILE'] === 'NO_REGION') env['AWS_CONFIG_FILE'] = noRegionConfig;
      if (env['AWS_CA_BUNDLE'] === 'NO_CERTIFICATE')
        env['AWS_CA_BUNDLE'] = testFile(
          'no-certificate.pem',
          '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n',
        );
      const out = await execProvider(stdin, env, { form });
      expect(out.code).toBe(1);
      expect(out.stdout).toBe('');
      expect(out.stderr.split('\n').filter((l) => l !== '')).toHaveLength(1);
      expect(out.stderr).toMatch(message);
      expect(out.stderr).not.toContain(SECRET);
    },
  );
});
