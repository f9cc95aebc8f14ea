/**
 * `validate -f FILE...`: checks Package and Secret manifests with core's validation and reports
 * each problem at its file, line and column, as compilers do (`file:line:col: error: …`). A
 * problem inside a Package's `spec.config` (a YAML document in a string) is placed at its line in
 * the file, so the docs' own unquoted `*.dkr.ecr.*.amazonaws.com` is pointed at exactly.
 */
import { statSync } from 'node:fs';
import {
  CREDENTIAL_PROVIDER_PACKAGE_NAME,
  PACKAGE_GVK,
  parseAwsCredentialsSecret,
  parseYaml,
  validateCredentialProviderPackage,
  isValidationError,
  type ValidationIssue,
} from '@eksa-credprov/core';
import {
  LineCounter,
  isScalar,
  parseAllDocuments,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';
import { CommandError, type Command, type CommandContext } from '../cli.ts';
import { openToOthers, readManifest } from '../context.ts';

/** One finding, placed in its file. */
export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

/** `credential[0].profile` → `['credential', 0, 'profile']`. */
function pathParts(path: string): (string | number)[] {
  return path === ''
    ? []
    : path
        .replace(/\[(\d+)\]/g, '.$1')
        .split('.')
        .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/** The node at an issue path (`spec.config`, `metadata.name`), or the nearest parent. */
function nodeAt(doc: Document, path: string): Node | undefined {
  const parts = pathParts(path);
  for (let n = parts.length; n >= 0; n--) {
    const node = doc.getIn(parts.slice(0, n), true) as Node | undefined;
    if (node?.range !== undefined) return node;
  }
  return doc.contents ?? undefined;
}

/**
 * An issue's message without the `line L, column C: ` that core puts before it when it knows the
 * position: the finding shows the position itself. The prefix is rebuilt from the issue's own
 * `line` and `column`, never read from the text.
 */
function withoutPosition(issue: ValidationIssue): string {
  if (issue.line === undefined || issue.column === undefined) return issue.message;
  const prefix = `line ${issue.line}, column ${issue.column}: `;
  return issue.message.startsWith(prefix) ? issue.message.slice(prefix.length) : issue.message;
}

/**
 * Where a problem inside `spec.config`, at `inner` (line and column of the embedded document), is
 * in the file: block scalars start on the line after their header, indented.
 */
function insideConfig(
  node: Node,
  source: { readonly text: string; readonly lines: LineCounter },
  inner: { readonly line: number; readonly column: number },
): { line: number; column: number } | undefined {
  const { text, lines } = source;
  if (!isScalar(node) || node.range === undefined || node.range === null) return undefined;
  const start = lines.linePos(node.range[0]);
  const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
  if (!block) return { line: start.line, column: start.col };
  const firstContent = start.line + 1;
  const lineStart = lines.lineStarts[firstContent - 1] ?? text.length;
  const lineEnd = text.indexOf('\n', lineStart);
  const sourceLine = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
  const indent = sourceLine.length - sourceLine.trimStart().length;
  return {
    line: firstContent + inner.line - 1,
    column: indent + inner.column,
  };
}

/** The embedded config documents already parsed, by their node (each is parsed once). */
const innerDocuments = new WeakMap<Node, { doc: Document; lines: LineCounter }>();

/** The line and column, inside the embedded config document, of the value at `subPath`. */
function positionInConfig(
  config: Node,
  subPath: string,
): { line: number; column: number } | undefined {
  if (!isScalar(config) || typeof config.value !== 'string') return undefined;
  let parsed = innerDocuments.get(config);
  if (parsed === undefined) {
    const lines = new LineCounter();
    // Core has already checked this document; here it only places findings (no key checks).
    parsed = { doc: parseDocument(config.value, { lineCounter: lines, uniqueKeys: false }), lines };
    innerDocuments.set(config, parsed);
  }
  const { doc: inner, lines } = parsed;
  const parts = pathParts(subPath);
  for (let n = parts.length; n > 0; n--) {
    const node = inner.getIn(parts.slice(0, n), true) as Node | undefined;
    if (node?.range !== undefined && node.range !== null) {
      const pos = lines.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return undefined;
}

/** The most findings listed for one file; the rest are counted. */
const MAX_FINDINGS = 100;

/**
 * Checks one manifest's text; never throws for content problems. `mode`, the file's permission
 * bits, adds a warning when the file holds a credential Secret that group or others can read.
 */
export function validateManifest(file: string, text: string, mode?: number): Finding[] {
  const findings: Finding[] = [];
  // Core reads the text first: linear, capped, and its messages never quote the file (which may
  // be a Secret). Only a text it accepts is parsed again here, to place findings.
  let objects: unknown[];
  try {
    objects = parseYaml(text);
  } catch (e) {
    if (!isValidationError(e)) throw e;
    for (const issue of e.issues)
      findings.push({
        file,
        line: issue.line ?? 1,
        column: issue.column ?? 1,
        severity: 'error',
        message: `${issue.path === '' ? '' : `${issue.path}: `}${withoutPosition(issue)}`,
      });
    return findings;
  }
  const lines = new LineCounter();
  const all = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false });
  // The documents core returned a value for (it skips empty ones), in the same order.
  const docs = (Array.isArray(all) ? all : [all]).filter(
    (d) => d.contents !== null && !(isScalar(d.contents) && d.contents.value === null),
  );
  const at = (offset: number, severity: Finding['severity'], message: string): void => {
    const pos = lines.linePos(offset);
    findings.push({ file, line: pos.line, column: pos.col, severity, message });
  };
  let checked = 0;
  for (const [i, doc] of docs.entries()) {
    const object = objects[i] as Record<string, unknown> | null | undefined;
    if (object === null || object === undefined || typeof object !== 'object') continue;
    const place = (issue: ValidationIssue, severity: Finding['severity']): void => {
      const node = nodeAt(doc, issue.path);
      const offset = node?.range?.[0] ?? 0;
      const label = issue.path === '' ? '' : `${issue.path}: `;
      const configNode = doc.getIn(['spec', 'config'], true) as Node | undefined;
      const sub = issue.path.startsWith('spec.config.')
        ? positionInConfig(configNode ?? ({} as Node), issue.path.slice('spec.config.'.length))
        : undefined;
      const inConfig =
        issue.path === 'spec.config' && issue.line !== undefined && issue.column !== undefined
          ? { line: issue.line, column: issue.column }
          : sub;
      const inner =
        inConfig === undefined
          ? undefined
          : issue.path === 'spec.config' && node !== undefined
            ? insideConfig(node, { text, lines }, inConfig)
            : configNode !== undefined
              ? insideConfig(configNode, { text, lines }, inConfig)
              : undefined;
      if (inner !== undefined)
        findings.push({
          file,
          line: inner.line,
          column: inner.column,
          severity,
          message: `${label}${withoutPosition(issue)}`,
        });
      else at(offset, severity, `${label}${issue.message}`);
    };
    const spec = object['spec'] as { packageName?: unknown } | undefined;
    if (
      object['apiVersion'] === PACKAGE_GVK.apiVersion &&
      object['kind'] === PACKAGE_GVK.kind &&
      spec?.packageName === CREDENTIAL_PROVIDER_PACKAGE_NAME
    ) {
      checked++;
      const result = validateCredentialProviderPackage(object);
      for (const issue of result.errors) place(issue, 'error');
      for (const issue of result.warnings) place(issue, 'warning');
    } else if (object['apiVersion'] === 'v1' && object['kind'] === 'Secret') {
      const data = {
        ...(object['data'] as object | undefined),
        ...(object['stringData'] as object | undefined),
      };
      const looksAws = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'config'].some(
        (k) => k in data,
      );
      if (!looksAws) continue;
      checked++;
      const open = mode === undefined ? undefined : openToOthers(mode);
      if (open !== undefined)
        at(
          nodeAt(doc, '')?.range?.[0] ?? 0,
          'warning',
          `this file holds a credential Secret and is readable by group or others (mode ${open}); keep it 0600 (chmod 600 ${file})`,
        );
      try {
        const parsed = parseAwsCredentialsSecret(object);
        for (const w of (parsed as { warnings?: readonly ValidationIssue[] }).warnings ?? [])
          place(w, 'warning');
      } catch (e) {
        if (!isValidationError(e)) throw e;
        for (const issue of e.issues) place(issue, 'error');
      }
    }
  }
  if (checked === 0 && findings.length === 0)
    at(0, 'warning', 'no credential-provider Package or AWS credential Secret in this file');
  // Listed up to MAX_FINDINGS; the rest are counted in one finding of their worst severity.
  const rest = findings.splice(MAX_FINDINGS);
  if (rest.length > 0)
    findings.push({
      file,
      line: 1,
      column: 1,
      severity: rest.some((f) => f.severity === 'error') ? 'error' : 'warning',
      message: `and ${rest.length} more findings`,
    });
  return findings;
}

/** `file:line:col: severity: message`. */
export function formatFinding(f: Finding): string {
  return `${f.file}:${f.line}:${f.column}: ${f.severity}: ${f.message}`;
}

const validate: Command = {
  words: ['validate'],
  summary: 'check Package and Secret manifests, reporting file:line:column',
  options: {
    filename: {
      type: 'string',
      short: 'f',
      multiple: true,
      value: 'FILE',
      required: true,
      description: 'manifest file, or - for stdin',
    },
  },
  examples: ['eksa-credprov validate -f package.yaml -f secret.yaml'],
  async run(ctx: CommandContext) {
    const files = (ctx.values['filename'] as string[] | undefined) ?? [];
    let errors = 0;
    let warnings = 0;
    for (const file of files) {
      const findings = validateManifest(
        file === '-' ? '<stdin>' : file,
        await readManifest(ctx, file),
        file === '-' ? undefined : statSync(file).mode,
      );
      for (const f of findings) {
        ctx.io.stdout(`${formatFinding(f)}\n`);
        if (f.severity === 'error') errors++;
        else warnings++;
      }
    }
    const summary = `${files.length} file${files.length === 1 ? '' : 's'}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
    if (errors > 0) throw new CommandError(summary);
    ctx.io.stderr(`${summary}\n`);
  },
};

/** The validate command. */
export const VALIDATE_COMMANDS: readonly Command[] = [validate];
