import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ECRClient } from '@aws-sdk/client-ecr';
import { describe, expect, it } from 'vitest';
import { ecrEndpoint } from './ecr-direct.ts';
import { resolveProviderConfig } from './provider-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'provider-config-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}
const KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const RA_LINE =
  'credential_process = aws_signing_helper credential-process --certificate /var/lib/kubelet/pki/kubelet-client-current.pem --private-key /var/lib/kubelet/pki/kubelet-client-current.pem --profile-arn arn:aws:rolesanywhere:us-west-2:123456789012:profile/p --role-arn arn:aws:iam::123456789012:role/r --trust-anchor-arn arn:aws:rolesanywhere:us-west-2:123456789012:trust-anchor/t';

describe('ecrEndpoint agrees with the AWS SDK endpoint rules', () => {
  const client = new ECRClient({ region: 'us-east-1' });
  it.each([
    'us-west-2',
    'eu-central-1',
    'ap-southeast-4',
    'cn-north-1',
    'cn-northwest-1',
    'us-gov-west-1',
    'us-iso-east-1',
    'us-isob-east-1',
    'us-isof-south-1',
    'eu-isoe-west-1',
  ])('%s', (region) => {
    const sdk = client.config.endpointProvider({
      Region: region,
      UseFIPS: false,
      UseDualStack: false,
    });
    expect(ecrEndpoint(region)).toBe(sdk.url.origin);
  });
});

describe('resolveProviderConfig: what the provider reads, in the SDK chain order', () => {
  const keys = file(
    'keys',
    `[default]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\nregion = us-west-2\n\n[profile west]\naws_access_key_id = AKIAWEST\naws_secret_access_key = west-secret\naws_session_token = west-token\nregion = us-west-1\nendpoint_url = http://127.0.0.1:1\nca_bundle = /etc/ca.pem\n`,
  );
  const ra = file('ra', `[default]\nregion = eu-west-1\n${RA_LINE}\n`);
  const raExtraFlag = file('ra-extra', `[default]\n${RA_LINE} --no-verify-ssl\n`);
  const chained = file(
    'chained',
    `[profile base]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n[profile app]\nrole_arn = arn:aws:iam::123456789012:role/app\nsource_profile = base\n`,
  );
  const other = file('other', `[default]\ncredential_process = /usr/local/bin/get-creds\n`);
  const fips = file(
    'fips',
    `[default]\naws_access_key_id = a\naws_secret_access_key = b\nuse_fips_endpoint = true\n`,
  );
  const credentials = file(
    'credentials',
    `[default]\naws_access_key_id = FROMCREDS\naws_secret_access_key = c\n`,
  );
  const dotted = file(
    'dotted',
    `[profile team.prod]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\nregion = eu-west-1\n`,
  );
  const ssoAndKeys = file(
    'sso-and-keys',
    `[default]\nsso_session = corp\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`,
  );
  const regionOnly = file('region-only', '[default]\nregion = us-west-2\n');
  const partial = file('partial', `[default]\naws_access_key_id = ${KEY}\n`);
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const home = { HOME: dir };

  it.each([
    [
      'static keys in [default]',
      { AWS_CONFIG_FILE: keys },
      { kind: 'keys', region: 'us-west-2', profile: 'default' },
    ],
    [
      'a named profile with token, endpoint_url and ca_bundle',
      { AWS_CONFIG_FILE: keys, AWS_PROFILE: 'west' },
      {
        kind: 'keys',
        region: 'us-west-1',
        endpoint: 'http://127.0.0.1:1',
        caBundleFile: '/etc/ca.pem',
      },
    ],
    [
      'AWS_ENDPOINT_URL_ECR over AWS_ENDPOINT_URL over endpoint_url; AWS_REGION over region',
      {
        AWS_CONFIG_FILE: keys,
        AWS_PROFILE: 'west',
        AWS_ENDPOINT_URL: 'http://g',
        AWS_ENDPOINT_URL_ECR: 'http://e',
        AWS_REGION: 'eu-north-1',
      },
      { endpoint: 'http://e', region: 'eu-north-1' },
    ],
    [
      'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
      { AWS_CONFIG_FILE: keys, AWS_PROFILE: 'west', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' },
      { endpoint: undefined },
    ],
    [
      'keys in the environment come first',
      { AWS_CONFIG_FILE: ra, AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'env' },
      { kind: 'keys', source: 'the environment (AWS_ACCESS_KEY_ID)' },
    ],
    [
      'the docs credfile: native Roles Anywhere',
      { AWS_CONFIG_FILE: ra },
      { kind: 'roles-anywhere', region: 'eu-west-1' },
    ],
    [
      'an aws_signing_helper flag not read natively',
      { AWS_CONFIG_FILE: raExtraFlag },
      {
        kind: 'sdk',
        reason:
          'credential_process uses flags this provider does not read natively (--no-verify-ssl)',
      },
    ],
    [
      'an assume-role profile',
      { AWS_CONFIG_FILE: chained, AWS_PROFILE: 'app' },
      { kind: 'sdk', reason: 'the profile sets role_arn' },
    ],
    [
      'another credential_process',
      { AWS_CONFIG_FILE: other },
      { kind: 'sdk', reason: 'its credential_process is not aws_signing_helper' },
    ],
    ['FIPS', { AWS_CONFIG_FILE: fips }, { kind: 'keys', needsSdk: 'a FIPS endpoint is asked for' }],
    [
      'the shared credentials file over the config file',
      { AWS_CONFIG_FILE: keys, AWS_SHARED_CREDENTIALS_FILE: credentials },
      { kind: 'keys', region: 'us-west-2' },
    ],
    ['nothing configured', {}, { kind: 'sdk', reason: 'no profile is configured' }],
    [
      'a missing AWS_CONFIG_FILE is no file, as in the AWS SDKs',
      { AWS_CONFIG_FILE: join(dir, 'none') },
      { kind: 'sdk', reason: 'no profile is configured' },
    ],
    [
      'a missing AWS_SHARED_CREDENTIALS_FILE is no file, as in the AWS SDKs',
      { AWS_CONFIG_FILE: keys, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') },
      { kind: 'keys', region: 'us-west-2' },
    ],
    [
      'empty variables are unset, as in the AWS SDKs',
      { AWS_CONFIG_FILE: keys, AWS_PROFILE: '', AWS_REGION: '', AWS_ACCESS_KEY_ID: '' },
      { kind: 'keys', profile: 'default', region: 'us-west-2' },
    ],
    [
      'AWS_DEFAULT_PROFILE and AWS_DEFAULT_REGION, as in the AWS SDK for Go',
      { AWS_CONFIG_FILE: keys, AWS_DEFAULT_PROFILE: 'west', AWS_DEFAULT_REGION: 'ap-south-1' },
      { kind: 'keys', profile: 'west', region: 'ap-south-1' },
    ],
    [
      'AWS_ACCESS_KEY and AWS_SECRET_KEY, as in the AWS SDK for Go',
      { AWS_CONFIG_FILE: ra, AWS_ACCESS_KEY: 'AKIAENV', AWS_SECRET_KEY: 'env' },
      { kind: 'keys', source: 'the environment (AWS_ACCESS_KEY_ID)' },
    ],
    [
      'a dotted profile name',
      { AWS_CONFIG_FILE: dotted, AWS_PROFILE: 'team.prod' },
      { kind: 'keys', profile: 'team.prod', region: 'eu-west-1' },
    ],
    [
      'keys before sso_session, as both SDKs order them',
      { AWS_CONFIG_FILE: ssoAndKeys },
      { kind: 'keys' },
    ],
    [
      'a profile with no credentials: the rest of the default chain',
      { AWS_CONFIG_FILE: regionOnly },
      { kind: 'sdk', reason: 'the profile holds no credentials' },
    ],
  ] as const)('%s', async (_name, env, expected) => {
    const config = await resolveProviderConfig({ ...home, ...env });
    expect(config).toMatchObject(expected);
  });

  it('reads the chosen profile (a --profile-for rule) instead of AWS_PROFILE', async () => {
    const config = await resolveProviderConfig(
      { ...home, AWS_CONFIG_FILE: keys, AWS_PROFILE: 'default' },
      'west',
    );
    expect(config).toMatchObject({ kind: 'keys', profile: 'west', region: 'us-west-1' });
  });

  it('takes keys from the credentials file before the config file', async () => {
    const config = await resolveProviderConfig({
      ...home,
      AWS_CONFIG_FILE: keys,
      AWS_SHARED_CREDENTIALS_FILE: credentials,
    });
    expect(config.kind === 'keys' ? config.credentials.accessKeyId : undefined).toBe('FROMCREDS');
  });

  it.each([
    [
      'a directory as AWS_CONFIG_FILE',
      { AWS_CONFIG_FILE: dir },
      undefined,
      /cannot read the AWS config file .* \(AWS_CONFIG_FILE\): it is a directory/,
    ],
    [
      'a FIFO as AWS_SHARED_CREDENTIALS_FILE (never opened)',
      { AWS_SHARED_CREDENTIALS_FILE: fifo },
      undefined,
      /cannot read the AWS shared credentials file .*fifo \(AWS_SHARED_CREDENTIALS_FILE\): it is not a regular file/,
    ],
    [
      'no such AWS_PROFILE',
      { AWS_CONFIG_FILE: keys, AWS_PROFILE: 'nope' },
      undefined,
      /AWS profile "nope" \(AWS_PROFILE\) is in neither .*keys and .*credentials \(missing\); in the config file a named profile is written \[profile NAME\], in the credentials file \[NAME\]/,
    ],
    [
      'no such AWS_PROFILE, even with keys in the environment (as the AWS SDK for Go)',
      {
        AWS_CONFIG_FILE: keys,
        AWS_PROFILE: 'nope',
        AWS_ACCESS_KEY_ID: KEY,
        AWS_SECRET_ACCESS_KEY: SECRET,
      },
      undefined,
      /AWS profile "nope" \(AWS_PROFILE\) is in neither/,
    ],
    [
      'a profile written in credentials-file syntax in the config file',
      { AWS_CONFIG_FILE: file('plain', `[team]\nregion = a\n`), AWS_PROFILE: 'team' },
      undefined,
      /the config file has \[team\], which is ignored \(in a config file a named profile is written \[profile team\]/,
    ],
    ['no such rule profile', { AWS_CONFIG_FILE: keys }, 'nope', /AWS profile "nope" is in neither/],
    [
      'half an access key (as the AWS SDK for Go)',
      { AWS_CONFIG_FILE: partial },
      undefined,
      /AWS profile "default" in .* cannot be used: its section in the config file has aws_access_key_id without aws_secret_access_key/,
    ],
  ] as const)(
    'refuses %s, naming the file and what to check',
    async (_name, env, profile, message) => {
      const result = resolveProviderConfig({ ...home, ...env }, profile);
      await expect(result).rejects.toThrow(message);
      await result.catch((e: unknown) => {
        expect(String(e)).not.toContain(SECRET);
      });
    },
  );
});
