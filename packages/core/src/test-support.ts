/**
 * Helpers shared by this package's tests. Not exported from the package.
 *
 * @internal
 */
import { isValidationError, type ValidationIssue } from './errors.ts';

/**
 * Runs `fn`, which must throw a {@link ValidationError}, and returns its issues.
 * `forbidden` lists strings (secret values) that must not appear in the error message.
 */
export function issuesOf(fn: () => unknown, forbidden: readonly string[] = []): ValidationIssue[] {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) throw new Error('expected a ValidationError');
  if (!isValidationError(thrown)) throw new Error('expected a ValidationError', { cause: thrown });
  const leaked = forbidden.filter((secret) => thrown.message.includes(secret));
  if (leaked.length > 0)
    throw new Error(`${leaked.length} secret value(s) appeared in the error message`);
  return [...thrown.issues];
}
