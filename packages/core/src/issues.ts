import { ValidationError, type IssueCode, type ValidationIssue } from './errors.ts';

/** Collects errors and warnings while walking an input, then throws them all at once. */
export interface IssueCollector {
  readonly errors: ValidationIssue[];
  readonly warnings: ValidationIssue[];
  error(path: string, code: IssueCode, message: string): void;
  warn(path: string, code: IssueCode, message: string): void;
  /** Adds issues found by a nested check, with their paths under `prefix`. */
  merge(
    prefix: string,
    other: { errors: readonly ValidationIssue[]; warnings: readonly ValidationIssue[] },
  ): void;
  /** Throws a {@link ValidationError} naming `subject` when any error was recorded. */
  throwIfErrors(subject: string): void;
}

/** Joins a field path: `joinPath('a', 'b')` is `a.b`, `joinPath('a', 0)` is `a[0]`. */
export function joinPath(prefix: string, key: string | number): string {
  if (typeof key === 'number') return `${prefix}[${key}]`;
  if (prefix === '') return key;
  return key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`;
}

/** A fresh {@link IssueCollector}. */
export function createIssueCollector(): IssueCollector {
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  return {
    errors,
    warnings,
    error(path, code, message) {
      errors.push({ path, code, message });
    },
    warn(path, code, message) {
      warnings.push({ path, code, message });
    },
    merge(prefix, other) {
      const rebase = (i: ValidationIssue): ValidationIssue => ({
        ...i,
        path: i.path === '' ? prefix : prefix === '' ? i.path : joinPath(prefix, i.path),
      });
      errors.push(...other.errors.map(rebase));
      warnings.push(...other.warnings.map(rebase));
    },
    throwIfErrors(subject) {
      if (errors.length > 0) throw new ValidationError(subject, errors);
    },
  };
}

/** Describes the JSON type of a value for messages ("a number", "null", ...). */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value === undefined) return 'nothing';
  const t = typeof value;
  return t === 'object' ? 'an object' : `a ${t}`;
}

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Quotes a user value for a message, shortened so a pasted blob cannot flood a log line. */
export function quote(value: string, max = 80): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(shown);
}

/** Reads an optional string field; records `invalid_type` when it is something else. */
export function readString(
  value: unknown,
  path: string,
  issues: IssueCollector,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    issues.error(
      path,
      'invalid_type',
      `must be a string, found ${describeType(value)}${typeof value === 'number' || typeof value === 'boolean' ? ' (quote it)' : ''}`,
    );
    return undefined;
  }
  return value;
}

/** Reads an optional map of strings (labels, annotations, nodeSelector). */
export function readStringMap(
  value: unknown,
  path: string,
  issues: IssueCollector,
): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) {
    issues.error(path, 'invalid_type', `must be a map of strings, found ${describeType(value)}`);
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    const s = readString(v, joinPath(path, k), issues);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

/** Reads an optional object field; records `invalid_type` when it is something else. */
export function readRecord(
  value: unknown,
  path: string,
  issues: IssueCollector,
): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) {
    issues.error(path, 'invalid_type', `must be an object, found ${describeType(value)}`);
    return undefined;
  }
  return value;
}

/** Records `unknown_field` for every key of `value` not in `known`. */
export function rejectUnknownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  at: { readonly path: string; readonly issues: IssueCollector },
): void {
  const { path, issues } = at;
  for (const k of Object.keys(value)) {
    if (!known.includes(k)) {
      issues.error(
        joinPath(path, k),
        'unknown_field',
        `is not a known field; expected one of ${known.join(', ')}`,
      );
    }
  }
}
