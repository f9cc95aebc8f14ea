import { isCredprovError } from '@eksa-credprov/core';
import { describe, expect, it } from 'vitest';
import * as aws from './index.ts';
import * as provider from './provider.ts';

/** Functions that answer any argument. */
const ANSWERS_ANYTHING = new Set([
  'isAwsApiError',
  // Names made from a cluster name: any value is templated, as a string would be.
  'defaultRoleName',
  'defaultRolesAnywhereName',
  'rolesAnywhereRoleDescription',
  // Never throws: a bad call is an answer with exit code 1 and a line on stderr.
  'runProvider',
]);
const BAD_VALUES: readonly unknown[] = [undefined, null, 42, [], true];

const functions = [...Object.entries(aws), ...Object.entries(provider)]
  .map(([name, value]): [string, unknown] => [name, value])
  .filter(
    (entry): entry is [string, (...args: unknown[]) => unknown] =>
      typeof entry[1] === 'function' && !/^[A-Z]/.test(entry[0]),
  );

async function outcome(fn: (...args: unknown[]) => unknown, arg: unknown): Promise<string> {
  try {
    const value = await fn(arg);
    // fromRolesAnywhere returns the provider; its first call reads the input.
    if (typeof value === 'function') await (value as () => unknown)();
    return 'answered';
  } catch (e) {
    return isCredprovError(e) ? 'coded' : String(e);
  }
}

describe('every public function of @eksa-credprov/aws, called from JavaScript with bad arguments', () => {
  it('covers every function export', () => {
    expect(functions.length).toBeGreaterThan(15);
  });

  it.each(functions)('%s never lets a TypeError escape', async (name, fn) => {
    // An empty argument list is a good one.
    for (const bad of BAD_VALUES.filter((v) => name !== 'parseProviderArgs' || !Array.isArray(v))) {
      const got = await outcome(fn, bad);
      expect(ANSWERS_ANYTHING.has(name) ? ['answered', 'coded'] : ['coded']).toContain(got);
    }
  });

  it('runProvider answers a bad call with a line that says what it takes', async () => {
    const out = await provider.runProvider({} as Parameters<typeof provider.runProvider>[0]);
    expect(out).toEqual({
      stdout: '',
      stderr:
        'eksa-ecr-credential-provider: runProvider takes { stdin: string, args?, env?, timeoutMs? }\n',
      exitCode: 1,
    });
  });
});
