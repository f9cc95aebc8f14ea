import { ValidationError, type IssueCode, type ValidationIssue } from './errors.ts';

/**
 * Collects errors and warnings while walking an input, then throws them all at once. A collector
 * is scoped to a field path: `issues.at('config', 'credential', 0)` is the collector for
 * `config.credential[0]`, sharing the same lists, so a check takes the value and the collector
 * where it sits and never builds a path by hand.
 *
 * @internal
 */
export interface IssueCollector {
  /** The field path this collector records at (`''` at the root). */
  readonly path: string;
  readonly errors: ValidationIssue[];
  readonly warnings: ValidationIssue[];
  /** The collector for a field below this one: keys are joined as {@link joinPath} does. */
  at(...keys: readonly (string | number)[]): IssueCollector;
  /** Records an error at this collector's path (and where in the text, when it was text). */
  error(code: IssueCode, message: string, position?: TextPosition): void;
  /** Records a warning at this collector's path. */
  warn(code: IssueCode, message: string, position?: TextPosition): void;
  /** Adds issues found by a nested check, with their paths under this collector's. */
  merge(other: { errors: readonly ValidationIssue[]; warnings: readonly ValidationIssue[] }): void;
  /** Throws a {@link ValidationError} naming `subject` when any error was recorded. */
  throwIfErrors(subject: string): void;
}

/** Where an issue is in a text, 1-based, as {@link ValidationIssue} carries it. @internal */
export interface TextPosition {
  readonly line?: number;
  readonly column?: number;
}

/** Only the line and column of `position` (which may be a whole issue), when it has them. */
function positionOf(position: TextPosition | undefined): TextPosition {
  return {
    ...(position?.line === undefined ? {} : { line: position.line }),
    ...(position?.column === undefined ? {} : { column: position.column }),
  };
}

/** Joins a field path: `joinPath('a', 'b')` is `a.b`, `joinPath('a', 0)` is `a[0]`. */
export function joinPath(prefix: string, key: string | number): string {
  if (typeof key === 'number') return `${prefix}[${key}]`;
  if (prefix === '') return key;
  return key.startsWith('[') ? `${prefix}${key}` : `${prefix}.${key}`;
}

/** A fresh {@link IssueCollector} at the root path. @internal */
export function createIssueCollector(): IssueCollector {
  return scoped('', [], []);
}

function scoped(
  path: string,
  errors: ValidationIssue[],
  warnings: ValidationIssue[],
): IssueCollector {
  return {
    path,
    errors,
    warnings,
    at: (...keys) => scoped(keys.reduce<string>(joinPath, path), errors, warnings),
    error(code, message, position) {
      errors.push({ path, code, message, ...positionOf(position) });
    },
    warn(code, message, position) {
      warnings.push({ path, code, message, ...positionOf(position) });
    },
    merge(other) {
      const rebase = (i: ValidationIssue): ValidationIssue => ({
        ...i,
        path: i.path === '' ? path : joinPath(path, i.path),
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

/** Reads an optional string field; records `invalid_type` at `at` when it is something else. */
export function readString(value: unknown, at: IssueCollector): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    at.error(
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
  at: IssueCollector,
): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) {
    at.error('invalid_type', `must be a map of strings, found ${describeType(value)}`);
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    const s = readString(v, at.at(k));
    if (s !== undefined) out[k] = s;
  }
  return out;
}

/** Reads an optional object field; records `invalid_type` when it is something else. */
export function readRecord(
  value: unknown,
  at: IssueCollector,
): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) {
    at.error('invalid_type', `must be an object, found ${describeType(value)}`);
    return undefined;
  }
  return value;
}

/** Records `unknown_field` for every key of `value` not in `known`. */
export function rejectUnknownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  at: IssueCollector,
): void {
  for (const k of Object.keys(value)) {
    if (!known.includes(k)) {
      at.at(k).error('unknown_field', `is not a known field; expected one of ${known.join(', ')}`);
    }
  }
}
