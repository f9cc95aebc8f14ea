import { describe, expect, it } from 'vitest';
import { AWS_CONFIG_CASES } from './aws-config.fixture.ts';
import {
  formatAwsConfigFile,
  type AwsConfigFileInit,
  type AwsConfigFileKind,
} from './aws-config-write.ts';
import { parseAwsSharedConfig } from './aws-config.ts';
import { ISSUE_CODES } from './errors.ts';
import { issuesOf, jsSdkProfile, nonEmpty } from './test-support.ts';

const profileOf = (c: {
  config?: string;
  credentials?: string;
  profile: string;
}): Record<string, string> | undefined => {
  const { profiles } = parseAwsSharedConfig(c);
  return Object.hasOwn(profiles, c.profile) ? { ...profiles[c.profile] } : undefined;
};

describe('parseAwsSharedConfig reads as the AWS SDK for Go v2 does', () => {
  it.each(AWS_CONFIG_CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    expect(profileOf(c)).toEqual(c.expected);
  });
});

describe('the AWS SDK for JavaScript reads the same table the same, or as each row says', () => {
  it.each(AWS_CONFIG_CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const reads = c.js === undefined ? c.expected : c.js.reads;
    expect(await jsSdkProfile(c)).toEqual(reads === undefined ? undefined : nonEmpty(reads));
  });
});

describe('parseAwsSharedConfig: what is ignored, and why', () => {
  it('lists sections an SDK ignores, naming the file and the fix', () => {
    const { ignored, ssoSessions, services } = parseAwsSharedConfig({
      config:
        '[west]\nregion = a\n[default]\nregion = b\n[profile default]\nregion = c\n[sso-session corp]\nsso_region = us-east-1\n[services local]\necr =\n  endpoint_url = http://127.0.0.1:1\n',
      credentials: '[profile east]\naws_access_key_id = x\n',
    });
    expect(ignored).toEqual([
      {
        file: 'config',
        section: 'west',
        reason:
          'in a config file a named profile is written [profile west] ([west] is credentials-file syntax)',
      },
      { file: 'config', section: 'default', reason: '[profile default] replaces it' },
      {
        file: 'credentials',
        section: 'profile east',
        reason: 'in a credentials file a profile is written [east], without "profile"',
      },
    ]);
    expect(ssoSessions).toEqual({ corp: { sso_region: 'us-east-1' } });
    expect(services).toEqual({ local: { 'ecr.endpoint_url': 'http://127.0.0.1:1' } });
  });

  it('is linear: a 4 MB file of 100,000 profiles is read in one pass', () => {
    const text = Array.from(
      { length: 100_000 },
      (_, i) => `[profile p${i}]\nregion = r${i}\n`,
    ).join('');
    const { profiles } = parseAwsSharedConfig({ config: text });
    expect(Object.keys(profiles)).toHaveLength(100_000);
    expect(profiles['p99999']).toEqual({ region: 'r99999' });
  });
});

const TOKEN = 'FwoGZXIvYXdzEJr//////////wEaDAbc+def/ghi==';
const WRITABLE: readonly [string, AwsConfigFileInit][] = [
  ['one default profile', { profiles: { default: { region: 'us-west-2' } } }],
  [
    'profile names with dots, dashes, @, +, %, : and /',
    {
      profiles: {
        'team.prod': { region: 'us-west-2' },
        'team-prod_2': { region: 'us-west-1' },
        'dev@corp+ci': { region: 'eu-west-1' },
        'a%b:c/d': { region: 'eu-west-2' },
      },
    },
  ],
  [
    'secrets with "=", "+" and "/"',
    {
      profiles: {
        default: {
          aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE',
          aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
          aws_session_token: TOKEN,
        },
      },
    },
  ],
  [
    'a PKCS#11 URI with ";" and "#" and a credential_process with spaces',
    {
      profiles: {
        default: {
          credential_process:
            'aws_signing_helper credential-process --certificate pkcs11:token=kubelet;object=client#x --role-arn arn:aws:iam::123456789012:role/r',
        },
      },
    },
  ],
  [
    'sub-properties, sso-session and services sections',
    {
      profiles: {
        sso: { sso_session: 'corp', services: 'local', 's3.addressing_style': 'path' },
      },
      ssoSessions: { corp: { sso_region: 'us-east-1', sso_start_url: 'https://x/start' } },
      services: {
        local: { 'ecr.endpoint_url': 'http://127.0.0.1:5000', 'sts.endpoint_url': 'http://b' },
      },
    },
  ],
  [
    'values that are left out',
    { profiles: { default: { region: 'us-west-2', output: undefined } } },
  ],
];

describe('formatAwsConfigFile writes what both SDKs read back unchanged', () => {
  it.each(WRITABLE)('%s', async (_, init) => {
    const text = formatAwsConfigFile(init);
    const read = parseAwsSharedConfig({ config: text });
    const defined = (o: Readonly<Record<string, Readonly<Record<string, string | undefined>>>>) =>
      Object.fromEntries(
        Object.entries(o).map(([k, v]) => [
          k,
          Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)),
        ]),
      );
    expect(read.profiles).toEqual(defined(init.profiles ?? {}));
    expect(read.ssoSessions).toEqual(defined(init.ssoSessions ?? {}));
    expect(read.services).toEqual(defined(init.services ?? {}));
    expect(read.ignored).toEqual([]);
    for (const [name, settings] of Object.entries(defined(init.profiles ?? {})))
      expect(await jsSdkProfile({ config: text, profile: name })).toEqual(settings);
    // The credentials-file form of the same profiles reads back the same too.
    if (init.ssoSessions === undefined && init.services === undefined) {
      const credentials = formatAwsConfigFile(init, { kind: 'credentials' });
      expect(parseAwsSharedConfig({ credentials }).profiles).toEqual(defined(init.profiles ?? {}));
    }
  });

  it('writes [default], [profile NAME] and indented sub-properties', () => {
    expect(
      formatAwsConfigFile({
        profiles: { default: { region: 'a' }, 'x.y': { 's3.addressing_style': 'path' } },
      }),
    ).toBe('[default]\nregion = a\n\n[profile x.y]\ns3 =\n  addressing_style = path\n');
    expect(
      formatAwsConfigFile({ profiles: { west: { region: 'a' } } }, { kind: 'credentials' }),
    ).toBe('[west]\nregion = a\n');
    expect(formatAwsConfigFile({})).toBe('');
  });
});

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
describe('formatAwsConfigFile refuses what an SDK would read otherwise, never echoing a value', () => {
  it.each([
    [
      'a profile name with a space',
      { profiles: { 'my team': { region: 'a' } } },
      'profiles.my team',
      ISSUE_CODES.INVALID_NAME,
    ],
    [
      'a profile name with "="',
      { profiles: { 'a=b': { region: 'a' } } },
      'profiles.a=b',
      ISSUE_CODES.INVALID_NAME,
    ],
    [
      'an empty profile name',
      { profiles: { '': { region: 'a' } } },
      'profiles.',
      ISSUE_CODES.INVALID_NAME,
    ],
    [
      'a key in capitals',
      { profiles: { default: { REGION: 'a' } } },
      'profiles.default.REGION',
      ISSUE_CODES.INVALID_NAME,
    ],
    [
      'a key with "="',
      { profiles: { default: { 'a=b': 'a' } } },
      'profiles.default.a=b',
      ISSUE_CODES.INVALID_NAME,
    ],
    [
      'an empty value',
      { profiles: { default: { region: '' } } },
      'profiles.default.region',
      ISSUE_CODES.INVALID_VALUE,
    ],
    [
      'a line break',
      { profiles: { default: { aws_secret_access_key: `${SECRET}\n[x]` } } },
      'profiles.default.aws_secret_access_key',
      ISSUE_CODES.INVALID_VALUE,
    ],
    [
      'a tab',
      { profiles: { default: { aws_secret_access_key: `${SECRET}\tx` } } },
      'profiles.default.aws_secret_access_key',
      ISSUE_CODES.INVALID_VALUE,
    ],
    [
      'white space at the end',
      { profiles: { default: { aws_secret_access_key: `${SECRET} ` } } },
      'profiles.default.aws_secret_access_key',
      ISSUE_CODES.INVALID_VALUE,
    ],
    [
      '" #" (a comment)',
      { profiles: { default: { aws_secret_access_key: `${SECRET} #x` } } },
      'profiles.default.aws_secret_access_key',
      ISSUE_CODES.INVALID_VALUE,
    ],
    [
      '" ;" (a comment)',
      { profiles: { default: { aws_secret_access_key: `${SECRET} ;x` } } },
      'profiles.default.aws_secret_access_key',
      ISSUE_CODES.INVALID_VALUE,
    ],
    [
      'quotes around the value',
      { profiles: { default: { aws_secret_access_key: `"${SECRET}"` } } },
      'profiles.default.aws_secret_access_key',
      ISSUE_CODES.INVALID_VALUE,
    ],
    [
      'a key that is also a parent',
      { profiles: { default: { s3: 'a', 's3.x': 'b' } } },
      'profiles.default.s3.x',
      ISSUE_CODES.DUPLICATE_FIELD,
    ],
    [
      'sso-session in a credentials file',
      { ssoSessions: { a: { sso_region: 'x' } } },
      'ssoSessions',
      ISSUE_CODES.INVALID_VALUE,
      'credentials',
    ],
  ] as const)('%s', (_, init, path, code, kind?: AwsConfigFileKind) => {
    const issues = issuesOf(() => formatAwsConfigFile(init, { kind: kind ?? 'config' }), [SECRET]);
    expect(issues.map((i) => [i.path, i.code])).toEqual([[path, code]]);
  });

  it('leaves such settings out instead, when asked to', () => {
    expect(
      formatAwsConfigFile(
        { profiles: { default: { region: 'a', output: '"json"' }, 'my team': { region: 'b' } } },
        { skipUnwritable: true },
      ),
    ).toBe('[default]\nregion = a\n');
  });
});
