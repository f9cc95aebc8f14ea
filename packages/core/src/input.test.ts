import { describe, expect, it } from 'vitest';
import { isCredprovError } from './errors.ts';
import * as core from './index.ts';

/** Predicates and total functions: they answer any argument. */
const ANSWERS_ANYTHING = new Set([
  // Name checks: they say what is wrong with any value, a non-string included.
  'checkDns1123Label',
  'checkDns1123Subdomain',
  'isAwsRegion',
  'isCredprovError',
  'isPackage',
  'isValidationError',
  // A name made from a cluster name: any value is templated, as a string would be.
  'packageNamespace',
  'toYaml',
  'validateCredentialProviderPackage',
]);
/** Functions whose one argument may be left out. */
const OPTIONAL_ARGUMENT = new Set([
  'createKubeletCredentialProviderConfig',
  'ecrTokenAttributes',
  'resolveCredentialProviderPackageConfig',
]);
/** Helpers exported for the other packages of this SDK (`@internal`): they take a collector. */
const INTERNAL = new Set([
  'checkRolesAnywhereArns',
  'checkSessionDuration',
  'createIssueCollector',
]);
/** Bad values that are good for a function. */
const VALID: Readonly<Record<string, readonly unknown[]>> = { formatGoDuration: [42] };
const BAD_VALUES: readonly unknown[] = [undefined, null, 42, [], true];

const functions = Object.entries(core)
  .map(([name, value]): [string, unknown] => [name, value])
  .filter(
    (entry): entry is [string, (...args: unknown[]) => unknown] =>
      typeof entry[1] === 'function' && !/^[A-Z]/.test(entry[0]) && !INTERNAL.has(entry[0]),
  );

/** `answered`, `coded` (a CredprovError), or what else was thrown. */
function outcome(fn: (...args: unknown[]) => unknown, arg: unknown): string {
  try {
    fn(arg);
    return 'answered';
  } catch (e) {
    return isCredprovError(e) ? 'coded' : String(e);
  }
}

describe('every public function of @eksa-credprov/core, called from JavaScript with bad arguments', () => {
  it('covers every function export', () => {
    expect(functions.length).toBeGreaterThan(30);
  });

  it.each(functions)('%s never lets a TypeError escape', (name, fn) => {
    for (const bad of BAD_VALUES.filter((v) => !(VALID[name] ?? []).includes(v))) {
      const got = outcome(fn, bad);
      const expected =
        ANSWERS_ANYTHING.has(name) || (OPTIONAL_ARGUMENT.has(name) && bad === undefined)
          ? 'answered'
          : 'coded';
      expect([expected, ...(ANSWERS_ANYTHING.has(name) ? ['coded'] : [])]).toContain(got);
    }
  });
});
