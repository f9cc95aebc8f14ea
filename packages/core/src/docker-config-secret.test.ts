import { describe, expect, it } from 'vitest';
import { createDockerConfigSecret } from './docker-config-secret.ts';
import { issuesOf } from './test-support.ts';

const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';
const PASSWORD = 'eyJwYXlsb2FkIjoiU0VDUkVULVRPS0VOIn0=';

describe('createDockerConfigSecret', () => {
  it('builds a kubernetes.io/dockerconfigjson Secret', () => {
    const secret = createDockerConfigSecret({
      name: 'ecr-pull',
      auths: { [HOST]: { username: 'AWS', password: PASSWORD } },
    });
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    expect(secret.metadata).toEqual({ name: 'ecr-pull', namespace: 'eksa-packages' });
    expect(
      JSON.parse(Buffer.from(secret.data['.dockerconfigjson'] ?? '', 'base64').toString()),
    ).toEqual({
      auths: {
        [HOST]: {
          username: 'AWS',
          password: PASSWORD,
          auth: Buffer.from(`AWS:${PASSWORD}`).toString('base64'),
        },
      },
    });
  });

  it.each([
    [{ auths: {} }, 'auths', /at least one registry/],
    [
      { auths: { 'bad host': { username: 'AWS', password: PASSWORD } } },
      'auths.bad host',
      /registry host/,
    ],
    [
      { auths: { [HOST]: { username: 'A:WS', password: PASSWORD } } },
      `auths.${HOST}.username`,
      /without ":"/,
    ],
    [
      { auths: { [HOST]: { username: 'AWS', password: `${PASSWORD}\n` } } },
      `auths.${HOST}.password`,
      /white space/,
    ],
    [{ name: '', auths: { [HOST]: { username: 'AWS', password: PASSWORD } } }, 'name', /required/],
  ])('refuses %#, never quoting the password', (change, path, message) => {
    const issues = issuesOf(() => createDockerConfigSecret({ name: 'x', ...change }), [PASSWORD]);
    expect(issues.find((i) => i.path === path)?.message).toMatch(message);
  });
});
