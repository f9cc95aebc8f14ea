import { describe, expect, it } from 'vitest';
import {
  CredprovError,
  ERROR_CODES,
  ValidationError,
  isCredprovError,
  isValidationError,
} from './errors.ts';

describe('errors', () => {
  const issue = {
    path: 'config.credential[0].profile',
    code: 'required',
    message: 'must not be empty',
  } as const;

  it('ValidationError lists every issue under its subject', () => {
    const e = new ValidationError('invalid Package', [
      issue,
      { path: '', code: 'syntax', message: 'bad' },
    ]);
    expect(e.message).toBe(
      'invalid Package: 2 problems\n  - config.credential[0].profile: must not be empty\n  - bad',
    );
    expect(e.code).toBe(ERROR_CODES.VALIDATION_FAILED);
    expect(e.name).toBe('ValidationError');
    expect(e.issues).toHaveLength(2);
    expect(e).toBeInstanceOf(CredprovError);
  });

  it('keeps the cause', () => {
    const cause = new Error('low level');
    expect(new CredprovError({ code: 'VALIDATION_FAILED', message: 'x', cause }).cause).toBe(cause);
  });

  it.each([
    ['a ValidationError', new ValidationError('x', [issue]), true, true],
    [
      'a CredprovError',
      new CredprovError({ code: 'VALIDATION_FAILED', message: 'x' }),
      true,
      false,
    ],
    ['a plain Error', new Error('x'), false, false],
    ['an object with a code', { code: 'VALIDATION_FAILED', issues: [] }, false, false],
    ['null', null, false, false],
  ])('guards %s', (_name, value, credprov, validation) => {
    expect(isCredprovError(value)).toBe(credprov);
    expect(isValidationError(value)).toBe(validation);
  });

  it('recognises an error from another copy of the package (same global symbol, other class)', () => {
    class OtherCopy extends Error {
      readonly code = 'VALIDATION_FAILED';
      readonly issues = [];
      constructor() {
        super('from another copy');
        Object.defineProperty(this, Symbol.for('@eksa-credprov/error'), { value: true });
      }
    }
    const other = new OtherCopy();
    expect(other instanceof CredprovError).toBe(false);
    expect(isCredprovError(other)).toBe(true);
    expect(isValidationError(other)).toBe(true);
  });
});
