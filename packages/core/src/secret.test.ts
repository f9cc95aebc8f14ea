import { describe, expect, it } from 'vitest';
import { issuesOf, jsSdkProfile } from './test-support.ts';
import { type ValidationIssue } from './errors.ts';
import {
  createAwsCredentialsSecret,
  parseAwsCredentialsSecret,
  type AwsCredentialsSecretInit,
} from './secret.ts';
import { toYaml } from './yaml.ts';

const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+token+with+padding==';

// Every error from a Secret builder or parser is checked: no secret value may appear in it.
const checkedIssuesOf = (fn: () => unknown): ValidationIssue[] =>
  issuesOf(fn, [KEY_ID, SECRET_KEY, TOKEN, 'SECRET-VALUE']);

const decode = (b64: string | undefined): string =>
  Buffer.from(b64 ?? '', 'base64').toString('utf8');

describe('createAwsCredentialsSecret', () => {
  it('writes the keys form exactly as the docs, base64 without trailing newlines', () => {
    const secret = createAwsCredentialsSecret({
      form: 'keys',
      accessKeyId: KEY_ID,
      secretAccessKey: SECRET_KEY,
      region: 'us-west-2',
    });
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'aws-secret', namespace: 'eksa-packages' },
      type: 'Opaque',
      data: {
        AWS_ACCESS_KEY_ID: Buffer.from(KEY_ID).toString('base64'),
        AWS_SECRET_ACCESS_KEY: Buffer.from(SECRET_KEY).toString('base64'),
        REGION: 'dXMtd2VzdC0y',
      },
    });
    for (const v of Object.values(secret.data)) expect(decode(v)).not.toMatch(/\n$/);
  });

  it('adds AWS_SESSION_TOKEN for temporary credentials', () => {
    const secret = createAwsCredentialsSecret({
      form: 'keys',
      accessKeyId: KEY_ID,
      secretAccessKey: SECRET_KEY,
      sessionToken: TOKEN,
      region: 'eu-central-1',
    });
    expect(decode(secret.data['AWS_SESSION_TOKEN'])).toBe(TOKEN);
  });

  it.each([
    ['default', '[default]'],
    ['eksa', '[profile eksa]'],
    ['team.prod', '[profile team.prod]'],
  ])('writes the config form with profile %s', async (profile, header) => {
    const secret = createAwsCredentialsSecret({
      form: 'config',
      profile,
      accessKeyId: KEY_ID,
      secretAccessKey: SECRET_KEY,
      sessionToken: TOKEN,
      region: 'us-gov-west-1',
      name: 'aws-config',
      namespace: 'creds',
    });
    expect(Object.keys(secret.data)).toEqual(['config']);
    const text = decode(secret.data['config']);
    expect(text).toBe(
      `${header}\nregion = us-gov-west-1\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET_KEY}\naws_session_token = ${TOKEN}\n`,
    );
    // A session token ending in "=" stays unquoted and whole (ini.encode would quote it).
    const parsed = parseAwsCredentialsSecret(secret);
    expect(parsed.form === 'config' && parsed.settings[profile]?.['aws_session_token']).toBe(TOKEN);
    expect(parsed.profiles).toEqual([profile]);
    expect(secret.metadata).toEqual({ name: 'aws-config', namespace: 'creds' });
    expect(await jsSdkProfile({ config: text, profile })).toEqual(
      parsed.form === 'config' ? parsed.settings[profile] : undefined,
    );
  });

  const base: AwsCredentialsSecretInit = {
    form: 'keys',
    accessKeyId: KEY_ID,
    secretAccessKey: SECRET_KEY,
    region: 'us-west-2',
  };
  it.each([
    [
      'a keys-form secret with a named profile',
      { profile: 'eksa' },
      'profile',
      'profile_not_available',
      /always writes those keys as the \[default\] profile/,
    ],
    [
      'a trailing newline in the secret key',
      { secretAccessKey: `${SECRET_KEY}\n` },
      'secretAccessKey',
      'surrounding_whitespace',
      /leading or trailing white space/,
    ],
    [
      'a space inside the key ID',
      { accessKeyId: 'AKIA SECRET-VALUE' },
      'accessKeyId',
      'invalid_value',
      /white space or quotes/,
    ],
    ['a quoted key', { accessKeyId: "'SECRET-VALUE'" }, 'accessKeyId', 'invalid_value', /quotes/],
    ['an empty secret key', { secretAccessKey: '' }, 'secretAccessKey', 'required', /is required/],
    [
      'a region that is not a region',
      { region: 'us-west' },
      'region',
      'invalid_region',
      /not an AWS region code/,
    ],
    [
      'an availability zone as region',
      { region: 'us-west-2a' },
      'region',
      'invalid_region',
      /"us-west-2"/,
    ],
    ['a bad form', { form: 'env' as never }, 'form', 'invalid_value', /"keys" or "config"/],
    ['a bad name', { name: 'AWS' }, 'name', 'invalid_name', /RFC 1123/],
    ['a bad namespace', { namespace: 'a.b' }, 'namespace', 'invalid_name', /RFC 1123 label/],
  ])('refuses %s', (_name, change, path, code, message) => {
    const issues = checkedIssuesOf(() => createAwsCredentialsSecret({ ...base, ...change }));
    const issue = issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue?.code).toBe(code);
    expect(issue?.message).toMatch(message);
  });
});

describe('parseAwsCredentialsSecret', () => {
  it('round-trips the keys form, from YAML too', () => {
    const secret = createAwsCredentialsSecret({
      ...{ form: 'keys', accessKeyId: KEY_ID, secretAccessKey: SECRET_KEY, region: 'us-west-2' },
      sessionToken: TOKEN,
    });
    expect(parseAwsCredentialsSecret(toYaml(secret))).toEqual({
      form: 'keys',
      name: 'aws-secret',
      namespace: 'eksa-packages',
      region: 'us-west-2',
      accessKeyId: KEY_ID,
      secretAccessKey: SECRET_KEY,
      sessionToken: TOKEN,
      profiles: ['default'],
      warnings: [],
    });
  });

  it('reads stringData as kubectl create secret --from-literal users write it', () => {
    const parsed = parseAwsCredentialsSecret({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'n' },
      stringData: {
        AWS_ACCESS_KEY_ID: KEY_ID,
        AWS_SECRET_ACCESS_KEY: SECRET_KEY,
        REGION: 'us-east-1',
      },
    });
    expect(parsed.form).toBe('keys');
  });

  it.each([
    [
      'a docs-style value with a trailing newline',
      { AWS_ACCESS_KEY_ID: `${KEY_ID}\n`, AWS_SECRET_ACCESS_KEY: SECRET_KEY, REGION: 'us-west-2' },
      'data.AWS_ACCESS_KEY_ID',
      /white space/,
    ],
    [
      'a missing region',
      { AWS_ACCESS_KEY_ID: KEY_ID, AWS_SECRET_ACCESS_KEY: SECRET_KEY },
      'data.REGION',
      /required/,
    ],
    ['neither form', { other: 'x' }, 'data', /neither a "config" key/],
    [
      'credentials-file syntax',
      { config: '[eksa]\nregion = us-west-2\n' },
      'data.config',
      /\[profile eksa\]/,
    ],
    ['an empty config', { config: '# nothing\n' }, 'data.config', /no \[default\]/],
  ])('refuses %s', (_name, values, path, message) => {
    const data = Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    );
    const issues = checkedIssuesOf(() =>
      parseAwsCredentialsSecret({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's', namespace: 'n' },
        data,
      }),
    );
    expect(issues.find((i) => i.path === path)?.message, JSON.stringify(issues)).toMatch(message);
  });

  it('refuses data that is not base64, and objects that are not Secrets', () => {
    expect(
      checkedIssuesOf(() =>
        parseAwsCredentialsSecret({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: {},
          data: { config: 'SECRET-VALUE!!' },
        }),
      )[0]?.message,
    ).toMatch(/not base64/);
    expect(
      checkedIssuesOf(() => parseAwsCredentialsSecret({ apiVersion: 'v1', kind: 'ConfigMap' }))[0]
        ?.code,
    ).toBe('unsupported_kind');
  });

  it('warns when both forms are present (the provider image uses config)', () => {
    const config = Buffer.from(`[default]\naws_access_key_id = ${KEY_ID}\n`).toString('base64');
    const parsed = parseAwsCredentialsSecret({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'n' },
      data: { config, REGION: 'dXMtd2VzdC0y' },
    });
    expect(parsed.form).toBe('config');
    expect(parsed.warnings[0]?.message).toMatch(/uses "config"/);
  });
});
