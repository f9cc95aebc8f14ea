import { requireString } from './input.ts';
import type { Node } from 'yaml';
import { yamlLib } from './yaml-lib.ts';
import { ISSUE_CODES, ValidationError, type ValidationIssue } from './errors.ts';
import { isRecord } from './issues.ts';
import { safeText } from './safe-text.ts';

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

/** The largest YAML text read: the Kubernetes API server's limit on one request body. */
export const MAX_YAML_BYTES = 3 * 1024 * 1024;
/**
 * The most lines and list items (line breaks plus commas) read. The `yaml` package spends about
 * 2 to 4 KB of memory on each node it builds: this keeps a text under about 200 MB and a second
 * to read (docs/benchmarks.md, "Hostile input"), and is far beyond any manifest.
 */
export const MAX_YAML_ITEMS = 50_000;
/** How many nodes aliases may add to a document, over its own (a "billion laughs" stops here). */
const MAX_ALIAS_NODES = 100_000;
/** The deepest nesting read (far past any manifest; keeps the walk off the stack limit). */
const MAX_DEPTH = 500;
/** The most problems listed; the rest are counted. */
const MAX_ISSUES = 100;

type YamlNode = Node | null | undefined;

class TooMuch extends Error {}

/** A map key as text: null is "", a string itself, a number or boolean its text, else JSON. */
function scalarKey(k: unknown): string {
  if (k === null || k === undefined) return '';
  if (typeof k === 'string') return k;
  if (typeof k === 'number' || typeof k === 'boolean' || typeof k === 'bigint') return String(k);
  return JSON.stringify(k);
}

/**
 * Parses YAML text with one or more documents (empty documents are skipped). Duplicate keys are
 * an error, as they are for the Kubernetes API server. Aliases are resolved by this SDK in one
 * pass (the `yaml` package's own resolution is quadratic in the number of aliases), and may add at
 * most 100,000 nodes to a document. Linear in the text; at most 3 MiB and 50,000 lines and list
 * items are read.
 *
 * @returns the documents as plain data.
 * @throws {@link ValidationError} naming the line and column of every problem (codes `syntax`,
 * `duplicate_field`, `excessive_aliases`, `too_large`); messages never quote the text, which may
 * hold a credential.
 * @public
 */
export function parseYaml(text: string): unknown[] {
  requireString(text, 'parseYaml');
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_YAML_BYTES)
    throw new ValidationError('invalid YAML', [
      {
        path: '',
        code: ISSUE_CODES.TOO_LARGE,
        message: `is ${bytes} bytes; the limit is ${MAX_YAML_BYTES} (3 MiB, the Kubernetes API server's request limit)`,
      },
    ]);
  let items = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x2c) items++;
  }
  if (items > MAX_YAML_ITEMS)
    throw new ValidationError('invalid YAML', [
      {
        path: '',
        code: ISSUE_CODES.TOO_LARGE,
        message: `has ${items} lines and list items; the limit is ${MAX_YAML_ITEMS}, far beyond any manifest`,
      },
    ]);
  const { LineCounter, parseAllDocuments, isAlias, isMap, isScalar, isSeq } = yamlLib();
  const lineCounter = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(text, { uniqueKeys: false, prettyErrors: false, lineCounter });
  } catch (e) {
    // The parser recurses on nesting; a stack overflow is an input problem, said as one.
    throw new ValidationError('invalid YAML', [
      {
        path: '',
        code: e instanceof RangeError ? ISSUE_CODES.TOO_LARGE : ISSUE_CODES.SYNTAX,
        message:
          e instanceof RangeError ? 'is nested too deeply to read' : 'could not be read as YAML',
      },
    ]);
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const issues: ValidationIssue[] = [];
  let dropped = 0;
  const out: unknown[] = [];
  for (const [i, doc] of list.entries()) {
    const path = list.length > 1 ? `document ${i + 1}` : '';
    const problem = (
      code: ValidationIssue['code'],
      offset: number | undefined,
      message: string,
    ): void => {
      if (issues.length >= MAX_ISSUES) {
        dropped++;
        return;
      }
      const pos = offset === undefined ? undefined : lineCounter.linePos(offset);
      issues.push({
        path,
        code,
        message: `${pos === undefined ? '' : `line ${pos.line}, column ${pos.col}: `}${message}`,
        ...(pos === undefined ? {} : { line: pos.line, column: pos.col }),
      });
    };
    for (const e of doc.errors)
      problem(
        ISSUE_CODES.SYNTAX,
        e.pos[0],
        `${describeYamlError(e.message)}${aliasHint(e.message)}`,
      );
    if (doc.errors.length > 0) continue;
    const anchors = new Map<string, { value: unknown; size: number }>();
    let aliasNodes = 0;
    // One pass in document order: an alias takes the last anchor of its name before it.
    const convert = (node: YamlNode, depth: number): { value: unknown; size: number } => {
      if (node === null || node === undefined) return { value: null, size: 1 };
      if (depth > MAX_DEPTH) {
        problem(
          ISSUE_CODES.TOO_LARGE,
          node.range?.[0],
          `nested more than ${MAX_DEPTH} levels deep`,
        );
        throw new TooMuch();
      }
      let result: { value: unknown; size: number };
      if (isAlias(node)) {
        const anchor = anchors.get(node.source);
        if (anchor === undefined) {
          problem(
            ISSUE_CODES.SYNTAX,
            node.range?.[0],
            `unresolved alias "*${safeText(node.source, { max: 60 })}"${aliasHint('alias')}`,
          );
          return { value: null, size: 1 };
        }
        aliasNodes += anchor.size;
        if (aliasNodes > MAX_ALIAS_NODES) {
          problem(
            ISSUE_CODES.EXCESSIVE_ALIASES,
            node.range?.[0],
            `aliases expand this document by more than ${MAX_ALIAS_NODES} nodes, which no manifest needs (a "billion laughs" document?)`,
          );
          throw new TooMuch();
        }
        return anchor;
      } else if (isScalar(node)) {
        result = { value: node.value, size: 1 };
      } else if (isMap(node)) {
        const obj: Record<string, unknown> = {};
        const seen = new Set<string>();
        let size = 1;
        for (const pair of node.items) {
          const keyNode = pair.key as YamlNode;
          let key: string;
          if (keyNode === null || keyNode === undefined) key = '';
          else if (isScalar(keyNode) || isAlias(keyNode)) {
            // As the yaml package names keys: a scalar's text, a collection as JSON.
            const k = isScalar(keyNode) ? keyNode.value : convert(keyNode, depth + 1).value;
            key = scalarKey(k);
          } else {
            problem(
              ISSUE_CODES.INVALID_TYPE,
              keyNode.range?.[0],
              'a list or map is used as a key, which Kubernetes does not accept',
            );
            continue;
          }
          if (seen.has(key))
            problem(
              ISSUE_CODES.DUPLICATE_FIELD,
              keyNode?.range?.[0],
              `duplicate key ${JSON.stringify(safeText(key, { max: 60 }))}: Kubernetes refuses a map with a key twice`,
            );
          seen.add(key);
          const child = convert(pair.value as YamlNode, depth + 1);
          size += child.size;
          // defineProperty: a "__proto__" key is data, never the object's prototype.
          Object.defineProperty(obj, key, {
            value: child.value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        result = { value: obj, size };
      } else if (isSeq(node)) {
        const arr: unknown[] = [];
        let size = 1;
        for (const item of node.items) {
          const child = convert(item as YamlNode, depth + 1);
          size += child.size;
          arr.push(child.value);
        }
        result = { value: arr, size };
      } else {
        result = { value: null, size: 1 };
      }
      const anchor = (node as { anchor?: string }).anchor;
      if (anchor !== undefined) anchors.set(anchor, result);
      return result;
    };
    const before = issues.length + dropped;
    let value: unknown;
    try {
      value = convert(doc.contents, 0).value;
    } catch (e) {
      if (!(e instanceof TooMuch)) throw e;
      continue;
    }
    if (issues.length + dropped === before && value !== null && value !== undefined)
      out.push(value);
  }
  if (dropped > 0)
    issues.push({
      path: '',
      code: ISSUE_CODES.MORE_ISSUES,
      message: `and ${dropped} more problems`,
    });
  if (issues.length > 0) throw new ValidationError('invalid YAML', issues);
  return out;
}

/** The parser's message without any quoted source text (it may be a line of a Secret). */
function describeYamlError(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return safeText(line.replace(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g, '"…"'), { max: 200 });
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
