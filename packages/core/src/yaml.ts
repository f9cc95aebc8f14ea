import { yamlLib } from './yaml-lib.ts';
import { ISSUE_CODES, ValidationError, type ValidationIssue } from './errors.ts';
import { isRecord } from './issues.ts';

const FIRST_KEYS = ['apiVersion', 'kind', 'metadata'];

/** Copies `value` with `apiVersion`, `kind`, `metadata` first and `undefined` fields dropped. */
function ordered(value: unknown, top: boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v, false));
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  const sorted = top
    ? [...FIRST_KEYS.filter((k) => k in value), ...keys.filter((k) => !FIRST_KEYS.includes(k))]
    : keys;
  const out: Record<string, unknown> = {};
  for (const k of sorted) {
    const v = value[k];
    if (v !== undefined) out[k] = ordered(v, false);
  }
  return out;
}

/**
 * Renders objects as multi-document YAML, ready for `kubectl apply -f -`: documents separated by
 * `---`, `apiVersion`, `kind` and `metadata` first, `undefined` fields dropped, long lines never
 * folded, and multi-line strings (such as a Package's `spec.config`) as `|` blocks.
 *
 * @param objects - One object or a list of objects.
 * @example
 * ```ts
 * process.stdout.write(toYaml([secret, pkg]));
 * ```
 * @public
 */
export function toYaml(objects: unknown): string {
  const list: readonly unknown[] = Array.isArray(objects) ? objects : [objects];
  return list
    .map((o) =>
      new (yamlLib().Document)(ordered(o, true)).toString({ lineWidth: 0, minContentWidth: 0 }),
    )
    .join('---\n');
}

/**
 * Parses YAML text with one or more documents (empty documents are skipped). Duplicate keys are
 * an error, as they are for the Kubernetes API server.
 *
 * @returns the documents as plain data.
 * @throws {@link ValidationError} (issue code `syntax`) naming the line and column of every
 * syntax error.
 * @public
 */
export function parseYaml(text: string): unknown[] {
  const { LineCounter, parseAllDocuments, visit } = yamlLib();
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false, lineCounter });
  const issues: ValidationIssue[] = [];
  const out: unknown[] = [];
  for (const [i, doc] of docs.entries()) {
    const path = docs.length > 1 ? `document ${i + 1}` : '';
    const at = (offset: number | undefined): string => {
      if (offset === undefined) return '';
      const pos = lineCounter.linePos(offset);
      return `line ${pos.line}, column ${pos.col}: `;
    };
    for (const e of doc.errors) {
      issues.push({
        path,
        code: ISSUE_CODES.SYNTAX,
        message: `${at(e.pos[0])}${firstLine(e.message)}${aliasHint(e.message)}`,
      });
    }
    // An alias without an anchor is only found when converting; locate it for the message.
    visit(doc, {
      Alias(_, node) {
        if (node.resolve(doc) === undefined) {
          issues.push({
            path,
            code: ISSUE_CODES.SYNTAX,
            message: `${at(node.range?.[0])}unresolved alias "*${node.source}"${aliasHint('alias')}`,
          });
        }
      },
    });
    if (issues.length > 0) continue;
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value !== null && value !== undefined) out.push(value);
  }
  if (issues.length > 0) throw new ValidationError('invalid YAML', issues);
  return out;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

// The EKS Anywhere docs' own example writes `- *.dkr.ecr.*.amazonaws.com` unquoted: a leading
// `*` makes YAML read an alias. Say so instead of leaving the user with "unresolved alias".
function aliasHint(message: string): string {
  return /alias/i.test(message)
    ? ' (a value starting with "*" is read as a YAML alias: quote match patterns, e.g. "*.dkr.ecr.*.amazonaws.com")'
    : '';
}

/**
 * Renders a plain object as a YAML block for a Helm values string, with every string value
 * double-quoted so that globs, durations and profile names always stay strings.
 *
 * @internal
 */
export function toQuotedValuesYaml(value: Record<string, unknown>): string {
  const doc = new (yamlLib().Document)(ordered(value, false));
  quoteStrings(doc.contents);
  return doc.toString({ lineWidth: 0, minContentWidth: 0, indentSeq: true });
}

function quoteStrings(node: unknown): void {
  const { isMap, isScalar, isSeq } = yamlLib();
  if (isScalar(node)) {
    if (typeof node.value === 'string') node.type = 'QUOTE_DOUBLE';
    return;
  }
  if (isMap(node)) {
    for (const pair of node.items) quoteStrings(pair.value);
    return;
  }
  if (isSeq(node)) {
    for (const item of node.items) quoteStrings(item);
  }
}
