/**
 * `validate -f FILE...`: checks Package and Secret manifests with core's validation and reports
 * each problem at its file, line and column, as compilers do (`file:line:col: error: …`). A
 * problem inside a Package's `spec.config` (a YAML document in a string) is placed at its line in
 * the file, so the docs' own unquoted `*.dkr.ecr.*.amazonaws.com` is pointed at exactly.
 */
import {
  CREDENTIAL_PROVIDER_PACKAGE_NAME,
  PACKAGE_GVK,
  parseAwsCredentialsSecret,
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
import { readManifest } from '../context.ts';

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
 * Where a problem reported inside `spec.config` (core says `line L, column C: …` of the embedded
 * document) is in the file: block scalars start on the line after their header, indented.
 */
function insideConfig(
  node: Node,
  source: { readonly text: string; readonly lines: LineCounter },
  message: string,
): { line: number; column: number; message: string } | undefined {
  const { text, lines } = source;
  const m = /^line (\d+), column (\d+): (.*)$/s.exec(message);
  if (m === null || !isScalar(node) || node.range === undefined || node.range === null)
    return undefined;
  const inner = { line: Number(m[1]), column: Number(m[2]) };
  const start = lines.linePos(node.range[0]);
  const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
  if (!block) return { line: start.line, column: start.col, message: m[3] ?? message };
  const firstContent = start.line + 1;
  const sourceLine = text.split('\n')[firstContent - 1] ?? '';
  const indent = sourceLine.length - sourceLine.trimStart().length;
  return {
    line: firstContent + inner.line - 1,
    column: indent + inner.column,
    message: m[3] ?? message,
  };
}

/** The line and column, inside the embedded config document, of the value at `subPath`. */
function positionInConfig(
  config: Node,
  subPath: string,
): { line: number; column: number } | undefined {
  if (!isScalar(config) || typeof config.value !== 'string') return undefined;
  const lines = new LineCounter();
  const inner = parseDocument(config.value, { lineCounter: lines });
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

/** Checks one manifest's text; never throws for content problems. */
export function validateManifest(file: string, text: string): Finding[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true });
  const findings: Finding[] = [];
  const at = (offset: number, severity: Finding['severity'], message: string): void => {
    const pos = lines.linePos(offset);
    findings.push({ file, line: pos.line, column: pos.col, severity, message });
  };
  if (!Array.isArray(docs)) {
    at(0, 'error', 'is not YAML');
    return findings;
  }
  let checked = 0;
  for (const doc of docs) {
    for (const e of doc.errors) at(e.pos[0], 'error', e.message.split('\n')[0] ?? e.message);
    if (doc.errors.length > 0 || doc.contents === null) continue;
    const object = doc.toJS() as Record<string, unknown> | null;
    if (object === null || typeof object !== 'object') continue;
    const place = (issue: ValidationIssue, severity: Finding['severity']): void => {
      const node = nodeAt(doc, issue.path);
      const offset = node?.range?.[0] ?? 0;
      const label = issue.path === '' ? '' : `${issue.path}: `;
      const configNode = doc.getIn(['spec', 'config'], true) as Node | undefined;
      const sub = issue.path.startsWith('spec.config.')
        ? positionInConfig(configNode ?? ({} as Node), issue.path.slice('spec.config.'.length))
        : undefined;
      const inner =
        issue.path === 'spec.config' && node !== undefined
          ? insideConfig(node, { text, lines }, issue.message)
          : sub !== undefined && configNode !== undefined
            ? insideConfig(
                configNode,
                { text, lines },
                `line ${sub.line}, column ${sub.column}: ${issue.message}`,
              )
            : undefined;
      if (inner !== undefined)
        findings.push({
          file,
          line: inner.line,
          column: inner.column,
          severity,
          message: `${label}${inner.message}`,
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
