/**
 * Guards for the arguments of public functions, for callers in JavaScript or with `any`: a
 * missing or mistyped argument gets a {@link ValidationError} that names the function and what it
 * expected, instead of a `TypeError` from deep inside.
 */
import { ISSUE_CODES, ValidationError } from './errors.ts';
import { describeType, isRecord } from './issues.ts';

function refuse(fn: string, expected: string, value: unknown): never {
  throw new ValidationError(`invalid ${fn} argument`, [
    {
      path: '',
      code: ISSUE_CODES.INVALID_TYPE,
      message: `${fn} takes ${expected}, found ${describeType(value)}`,
    },
  ]);
}

/**
 * Returns `value` when it is an object; throws a `ValidationError` naming `fn` otherwise.
 *
 * @internal
 */
export function requireObject<T extends object>(value: T, fn: string): T {
  if (!isRecord(value)) refuse(fn, 'an object', value);
  return value;
}

/**
 * Returns `value` when it is a string; throws a `ValidationError` naming `fn` otherwise.
 *
 * @internal
 */
export function requireString(value: string, fn: string): string {
  if (typeof value !== 'string') refuse(fn, 'a string', value);
  return value;
}
