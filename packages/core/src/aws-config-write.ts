/**
 * Writing the AWS shared config and credentials files: only text that both the AWS SDK for Go v2
 * and the AWS SDK for JavaScript read to the same settings. Names and values that either SDK would
 * read differently (quotes, comment markers, white space at the ends, names with characters the
 * JavaScript SDK does not accept) are refused, naming the field and never the value.
 */
import { PROFILE_PREFIX, SERVICES_PREFIX, SSO_PREFIX, unquote } from './aws-config.ts';
import { ISSUE_CODES } from './errors.ts';
import { requireObject } from './input.ts';
import { createIssueCollector, quote, type IssueCollector } from './issues.ts';

/**
 * Input of {@link formatAwsConfigFile}.
 *
 * @public
 */
export interface AwsConfigFileInit {
  readonly profiles?: Readonly<Record<string, Readonly<Record<string, string | undefined>>>>;
  /** Config files only. */
  readonly ssoSessions?: Readonly<Record<string, Readonly<Record<string, string | undefined>>>>;
  /** Config files only. */
  readonly services?: Readonly<Record<string, Readonly<Record<string, string | undefined>>>>;
}

/** Which of the two shared files. @public */
export type AwsConfigFileKind = 'config' | 'credentials';

/**
 * Characters of a profile, sso-session or services name that both SDKs read the same: the SDK for
 * JavaScript accepts only `[\w-@+.%:/]` in a `[profile NAME]` section.
 */
const WRITABLE_NAME = /^[A-Za-z0-9_\-@+.%:/]+$/;
const WRITABLE_KEY = /^[a-z0-9_]+(?:\.[a-z0-9_]+)?$/;
/** Only the ASCII space is white space a written value may hold (never at its ends). */
const UNWRITABLE_CHARACTER =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what it finds
  /[\0-\x1f\x7f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/**
 * Why `name` cannot be written as a section name both AWS SDKs read, or undefined.
 */
function checkWritableSectionName(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (!WRITABLE_NAME.test(name))
    return `${quote(name)} has a character the AWS SDK for JavaScript does not accept in a section name: use letters, digits and "_ - @ + . % : /" only`;
  return undefined;
}

/**
 * Why `value` cannot be written so that both AWS SDKs read it back unchanged, or undefined. The
 * message never repeats the value: it may be a secret.
 */
function checkWritableValue(value: string): string | undefined {
  if (value === '') return 'must not be empty (an empty value starts a block of sub-properties)';
  if (UNWRITABLE_CHARACTER.test(value))
    return 'has a line break, tab or other control or white-space character, which an AWS config file cannot hold';
  if (value !== value.trim()) return 'has white space at its start or end, which AWS SDKs drop';
  if (/ [#;]/.test(value))
    return 'has a space followed by "#" or ";", where AWS SDKs start a comment';
  if (unquote(value) !== value)
    return 'is wrapped in quotes, which the AWS SDK for Go removes and the AWS SDK for JavaScript keeps';
  return undefined;
}

function writeSection(
  header: string,
  entries: Readonly<Record<string, string | undefined>>,
  at: IssueCollector,
): string {
  const lines = [`[${header}]`];
  const groups = new Map<string, [string, string][]>();
  for (const [key, value] of Object.entries(entries)) {
    if (value === undefined) continue;
    const field = at.at(key);
    if (!WRITABLE_KEY.test(key)) {
      field.error(
        ISSUE_CODES.INVALID_NAME,
        `${quote(key)} is not a setting name AWS SDKs read the same: use lower-case letters, digits and "_" (and one "." for a sub-property)`,
      );
      continue;
    }
    const problem = checkWritableValue(value);
    if (problem !== undefined) {
      field.error(ISSUE_CODES.INVALID_VALUE, problem);
      continue;
    }
    const dot = key.indexOf('.');
    if (dot < 0) {
      lines.push(`${key} = ${value}`);
      continue;
    }
    const parent = key.slice(0, dot);
    if (entries[parent] !== undefined)
      field.error(ISSUE_CODES.DUPLICATE_FIELD, `its parent ${quote(parent)} also has a value`);
    else {
      let group = groups.get(parent);
      if (group === undefined) groups.set(parent, (group = []));
      group.push([key.slice(dot + 1), value]);
    }
  }
  for (const [parent, children] of groups) {
    lines.push(`${parent} =`);
    for (const [k, v] of children) lines.push(`  ${k} = ${v}`);
  }
  return lines.join('\n');
}

/**
 * Writes an AWS shared config (or credentials) file that the AWS SDKs for Go and JavaScript, and
 * {@link parseAwsSharedConfig}, all read back to exactly these settings. Settings whose value is
 * `undefined` are left out; a key `parent.child` is written as an indented sub-property.
 *
 * @throws {@link ValidationError} naming each name or value that no SDK would read back as given
 * (values are never quoted in messages: they may be secrets).
 * @example
 * ```ts
 * formatAwsConfigFile({ profiles: { 'team.prod': { region: 'us-west-2', role_arn: arn } } });
 * // [profile team.prod]
 * // region = us-west-2
 * // role_arn = arn:aws:iam::123456789012:role/pull
 * ```
 * @public
 */
export function formatAwsConfigFile(
  init: AwsConfigFileInit,
  options: {
    readonly kind?: AwsConfigFileKind;
    /**
     * Leave out the sections and settings that cannot be written, instead of throwing: for handing
     * a configuration read by {@link parseAwsSharedConfig} to an AWS SDK.
     */
    readonly skipUnwritable?: boolean;
  } = {},
): string {
  requireObject(init, 'formatAwsConfigFile');
  const kind = options.kind ?? 'config';
  const issues = createIssueCollector();
  const out: string[] = [];
  const groups = [
    [
      'profiles',
      init.profiles,
      (n: string) => (kind === 'credentials' || n === 'default' ? n : `${PROFILE_PREFIX}${n}`),
    ],
    ['ssoSessions', init.ssoSessions, (n: string) => `${SSO_PREFIX}${n}`],
    ['services', init.services, (n: string) => `${SERVICES_PREFIX}${n}`],
  ] as const;
  for (const [field, sections, header] of groups) {
    if (sections === undefined) continue;
    if (field !== 'profiles' && kind === 'credentials') {
      issues.at(field).error(ISSUE_CODES.INVALID_VALUE, 'can only be written to a config file');
      continue;
    }
    for (const [name, entries] of Object.entries(sections)) {
      const section = issues.at(field, name);
      const bad = checkWritableSectionName(name);
      if (bad !== undefined) section.error(ISSUE_CODES.INVALID_NAME, bad);
      else out.push(writeSection(header(name), entries, section));
    }
  }
  if (options.skipUnwritable !== true) issues.throwIfErrors(`cannot write this AWS ${kind} file`);
  return out.length === 0 ? '' : `${out.join('\n\n')}\n`;
}
