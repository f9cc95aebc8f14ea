/** The Cluster annotations, as a table: what each asks for, and the message for each mistake. */
import { describe, expect, it } from 'vitest';
import {
  APPLIED_ANNOTATION,
  CREDENTIALS_ANNOTATION as C,
  MATCH_IMAGES_ANNOTATION as M,
  REGION_ANNOTATION as R,
  REGISTRY_ACCOUNTS_ANNOTATION as A,
  ROLE_NAME_ANNOTATION as N,
  TARGET_NAMESPACE_ANNOTATION as T,
  readApplied,
  readIntent,
} from './intent.ts';

describe('readIntent', () => {
  it.each([
    ['no annotations', undefined, undefined],
    ['other annotations only', { 'example.com/x': 'y' }, undefined],
    [
      'secret:<name>',
      { [C]: 'secret:aws-keys' },
      { mode: 'secret', secretName: 'aws-keys', targetNamespace: 'eksa-packages' },
    ],
    [
      'secret with target namespace and matchImages',
      { [C]: 'secret:s.1', [T]: 'ns1', [M]: ' a.example , b.example,, ' },
      {
        mode: 'secret',
        secretName: 's.1',
        targetNamespace: 'ns1',
        matchImages: ['a.example', 'b.example'],
      },
    ],
    [
      'roles-anywhere with the default region',
      { [C]: 'roles-anywhere' },
      { mode: 'roles-anywhere', region: 'us-west-2', targetNamespace: 'eksa-packages' },
    ],
    [
      'roles-anywhere with every option',
      {
        [C]: 'roles-anywhere',
        [R]: 'eu-central-1',
        [N]: 'my-role',
        [A]: '111111111111,222222222222',
      },
      {
        mode: 'roles-anywhere',
        region: 'eu-central-1',
        roleName: 'my-role',
        registryAccounts: ['111111111111', '222222222222'],
        targetNamespace: 'eksa-packages',
      },
    ],
  ])('%s', (_name, annotations, expected) => {
    expect(readIntent(annotations, { region: 'us-west-2' })).toEqual(expected);
  });

  it.each([
    [
      'an unknown mode',
      { [C]: 'keys' },
      {},
      C,
      /"keys" is neither roles-anywhere nor secret:<name>/,
    ],
    ['an empty secret name', { [C]: 'secret:' }, {}, C, /needs a Secret name/],
    ['a secret name with capitals', { [C]: 'secret:AWS' }, {}, C, /RFC 1123 subdomain/],
    ['a bad target namespace', { [C]: 'secret:s', [T]: 'a.b' }, {}, T, /RFC 1123 label/],
    ['empty matchImages', { [C]: 'secret:s', [M]: ' , ' }, {}, M, /is empty/],
    ['no region anywhere', { [C]: 'roles-anywhere' }, {}, R, /--region/],
    [
      'a bad region',
      { [C]: 'roles-anywhere', [R]: 'mars-1' },
      {},
      R,
      /"mars-1" is not an AWS region/,
    ],
    [
      'a bad role name',
      { [C]: 'roles-anywhere', [N]: 'a role' },
      { region: 'us-west-2' },
      N,
      /not an IAM role name/,
    ],
    [
      'a bad account',
      { [C]: 'roles-anywhere', [A]: '123' },
      { region: 'us-west-2' },
      A,
      /12-digit/,
    ],
  ])('refuses %s, naming the annotation', (_name, annotations, defaults, path, message) => {
    const result = readIntent(annotations, defaults);
    expect(result !== undefined && 'issues' in result).toBe(true);
    const issues = (result as unknown as { issues: { path: string; message: string }[] }).issues;
    expect(issues[0]?.path).toBe(path);
    expect(issues[0]?.message).toMatch(message);
  });
});

describe('readApplied', () => {
  const record = { mode: 'secret', targetNamespace: 'n', secretName: 's', packageName: 'p' };
  it.each([
    ['none', undefined, undefined],
    ['a record', { [APPLIED_ANNOTATION]: JSON.stringify(record) }, record],
    ['not JSON', { [APPLIED_ANNOTATION]: '{' }, undefined],
    ['another mode', { [APPLIED_ANNOTATION]: JSON.stringify({ ...record, mode: 'x' }) }, undefined],
    ['missing fields', { [APPLIED_ANNOTATION]: '{"mode":"secret"}' }, undefined],
  ])('%s', (_name, annotations, expected) => {
    expect(readApplied(annotations)).toEqual(expected);
  });
});
