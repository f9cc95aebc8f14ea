import { describe, expect, it } from 'vitest';
import { issuesOf } from './test-support.ts';
import {
  createRolesAnywhereCredfile,
  createRolesAnywhereSecret,
  parseRolesAnywhereCredfile,
  type RolesAnywhereCredfileInit,
} from './credfile.ts';
import { parseAwsCredentialsSecret } from './secret.ts';

const PROFILE =
  'arn:aws:rolesanywhere:us-west-2:123456789012:profile/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const ANCHOR =
  'arn:aws:rolesanywhere:us-west-2:123456789012:trust-anchor/1f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const ROLE = 'arn:aws:iam::123456789012:role/eksa-ecr-pull';
const init: RolesAnywhereCredfileInit = {
  region: 'us-west-2',
  profileArn: PROFILE,
  roleArn: ROLE,
  trustAnchorArn: ANCHOR,
};

describe('createRolesAnywhereCredfile', () => {
  it('writes the credfile of the EKS Anywhere docs', () => {
    expect(createRolesAnywhereCredfile(init)).toBe(
      '[default]\nregion = us-west-2\ncredential_process = aws_signing_helper credential-process ' +
        '--certificate /var/lib/kubelet/pki/kubelet-client-current.pem --private-key /var/lib/kubelet/pki/kubelet-client-current.pem ' +
        `--profile-arn ${PROFILE} --role-arn ${ROLE} --trust-anchor-arn ${ANCHOR}\n`,
    );
  });

  it('writes any profile name, paths and session duration', () => {
    const text = createRolesAnywhereCredfile({
      ...init,
      profile: 'ra',
      certificatePath: '/etc/pki/node.crt',
      privateKeyPath: '/etc/pki/node.key',
      sessionDurationSeconds: 900,
    });
    expect(text.split('\n')[0]).toBe('[profile ra]');
    expect(text).toContain('--certificate /etc/pki/node.crt --private-key /etc/pki/node.key');
    expect(text).toContain('--session-duration 900');
    expect(text.split('\n').filter((l) => l.startsWith('credential_process'))).toHaveLength(1);
  });

  it('keeps an IAM role name with "=" unquoted (ini.encode would quote the whole command)', () => {
    const role = 'arn:aws:iam::123456789012:role/team/pull=ecr,prod@x';
    const text = createRolesAnywhereCredfile({ ...init, roleArn: role });
    expect(text).toContain(`--role-arn ${role} `);
    expect(parseRolesAnywhereCredfile(text).roleArn).toBe(role);
  });

  it.each([
    [
      'a role ARN in the profile field',
      { profileArn: ROLE },
      'profileArn',
      'invalid_arn',
      /is a iam role ARN; expected an IAM Roles Anywhere profile ARN/,
    ],
    [
      'a trust anchor ARN as the role',
      { roleArn: ANCHOR },
      'roleArn',
      'invalid_arn',
      /expected an IAM role ARN/,
    ],
    [
      'a malformed ARN',
      { trustAnchorArn: 'trust-anchor/abc' },
      'trustAnchorArn',
      'invalid_arn',
      /is not an ARN/,
    ],
    [
      'a short account ID',
      { roleArn: 'arn:aws:iam::1234:role/x' },
      'roleArn',
      'invalid_arn',
      /not 12 digits/,
    ],
    [
      'an unknown partition',
      { roleArn: 'arn:azure:iam::123456789012:role/x' },
      'roleArn',
      'invalid_arn',
      /unknown partition/,
    ],
    [
      'ARNs in different regions',
      { trustAnchorArn: ANCHOR.replace('us-west-2', 'us-east-1') },
      'profileArn',
      'mismatch',
      /aws_signing_helper refuses that/,
    ],
    [
      'ARNs in different accounts',
      { trustAnchorArn: ANCHOR.replace('123456789012', '210987654321') },
      'profileArn',
      'mismatch',
      /one account/,
    ],
    [
      'a region that is not a region',
      { region: 'oregon' },
      'region',
      'invalid_region',
      /not an AWS region code/,
    ],
    [
      'a path with a space',
      { certificatePath: '/var/lib/my certs/x.pem' },
      'certificatePath',
      'invalid_value',
      /run by a shell/,
    ],
    [
      'a relative key path',
      { privateKeyPath: 'key.pem' },
      'privateKeyPath',
      'invalid_value',
      /absolute path/,
    ],
    [
      'a session too long',
      { sessionDurationSeconds: 86400 },
      'sessionDurationSeconds',
      'invalid_value',
      /900 to 43200/,
    ],
  ])('refuses %s', (_name, change, path, code, message) => {
    const issues = issuesOf(() => createRolesAnywhereCredfile({ ...init, ...change }));
    const issue = issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue?.code).toBe(code);
    expect(issue?.message).toMatch(message);
  });
});

describe('createRolesAnywhereSecret', () => {
  it('wraps the credfile in the config-form Secret "aws-config"', () => {
    const secret = createRolesAnywhereSecret(init);
    expect(secret.metadata).toEqual({ name: 'aws-config', namespace: 'eksa-packages' });
    expect(Object.keys(secret.data)).toEqual(['config']);
    expect(Buffer.from(secret.data['config'] ?? '', 'base64').toString()).toBe(
      createRolesAnywhereCredfile(init),
    );
    const parsed = parseAwsCredentialsSecret(secret);
    expect(parsed.form).toBe('config');
    expect(parsed.profiles).toEqual(['default']);
  });

  it('checks metadata as well', () => {
    expect(issuesOf(() => createRolesAnywhereSecret({ ...init, name: 'Bad' }))[0]?.path).toBe(
      'name',
    );
  });
});

describe('parseRolesAnywhereCredfile', () => {
  it('round-trips', () => {
    const parsed = parseRolesAnywhereCredfile(
      createRolesAnywhereCredfile({ ...init, profile: 'ra', sessionDurationSeconds: 1800 }),
      { profile: 'ra' },
    );
    expect(parsed).toEqual({
      profile: 'ra',
      region: 'us-west-2',
      command: 'aws_signing_helper',
      certificatePath: '/var/lib/kubelet/pki/kubelet-client-current.pem',
      privateKeyPath: '/var/lib/kubelet/pki/kubelet-client-current.pem',
      profileArn: PROFILE,
      roleArn: ROLE,
      trustAnchorArn: ANCHOR,
      sessionDurationSeconds: 1800,
      otherArguments: [],
      warnings: [],
    });
  });

  it('reads flags in any order, --flag=value, quotes, a path to the helper and unknown flags', () => {
    const text = `[default]\ncredential_process = /eksa-packages/aws_signing_helper credential-process --role-arn=${ROLE} --trust-anchor-arn '${ANCHOR}' --profile-arn "${PROFILE}" --certificate /c.pem --intermediates /i.pem --pkcs11-lib /lib.so --debug\n`;
    const parsed = parseRolesAnywhereCredfile(text);
    expect(parsed.command).toBe('/eksa-packages/aws_signing_helper');
    expect(parsed.privateKeyPath).toBe('/c.pem');
    expect(parsed.intermediatesPath).toBe('/i.pem');
    expect(parsed.otherArguments).toEqual(['--pkcs11-lib', '/lib.so', '--debug']);
    expect(parsed.region).toBeUndefined();
  });

  it.each([
    [
      'a missing profile',
      '[default]\nregion = x\n',
      { profile: 'ra' },
      /no profile "ra".*\[profile NAME\]/,
    ],
    [
      'no credential_process',
      '[default]\nregion = us-west-2\n',
      {},
      /credential_process: is missing/,
    ],
    [
      'another command',
      '[default]\ncredential_process = /usr/bin/vault-creds\n',
      {},
      /not an "aws_signing_helper credential-process" command/,
    ],
    [
      'a pipe',
      `[default]\ncredential_process = aws_signing_helper credential-process --certificate /c | tee /tmp/x\n`,
      {},
      /not a plain command/,
    ],
    [
      'command substitution',
      `[default]\ncredential_process = aws_signing_helper credential-process --certificate $(cat /x)\n`,
      {},
      /not a plain command/,
    ],
    [
      'missing ARNs',
      '[default]\ncredential_process = aws_signing_helper credential-process --certificate /c.pem\n',
      {},
      /missing --profile-arn/,
    ],
    [
      'a bad ARN',
      `[default]\ncredential_process = aws_signing_helper credential-process --certificate /c --profile-arn ${ROLE} --role-arn ${ROLE} --trust-anchor-arn ${ANCHOR}\n`,
      {},
      /profile ARN/,
    ],
  ])('refuses %s', (_name, text, options, message) => {
    expect(
      issuesOf(() => parseRolesAnywhereCredfile(text, options))
        .map((i) => `${i.path}: ${i.message}`)
        .join('\n'),
    ).toMatch(message);
  });
});
