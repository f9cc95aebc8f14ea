/**
 * The AWS shared config and credentials files: the one reader and the one writer of that format in
 * this SDK. The Secret builders and parsers, the Roles Anywhere credfile and the node-side provider
 * all go through here.
 *
 * Reading follows the AWS SDK for Go v2 (`internal/ini` and `config/shared_config.go`), the SDK the
 * Go `ecr-credential-provider` runs on, so that a file that provider serves is served by ours. Where
 * the AWS SDK for JavaScript (`@smithy/core/config`'s `parseIni`) reads a file differently, Go wins,
 * except where JavaScript reads more and Go reads nothing (a byte-order mark): see
 * docs/provider.md, "AWS configuration files", for each difference.
 *
 * Writing produces only text that both SDKs read to the same settings: names and values that
 * either SDK would read differently (quotes, comment markers, white space at the ends, names with
 * characters the JavaScript SDK does not accept) are refused.
 */
import { requireObject } from './input.ts';
import { ISSUE_CODES } from './errors.ts';
import { type IssueCollector } from './issues.ts';

/**
 * One profile (or `sso-session`, or `services` section) of an AWS shared file: lower-case keys to
 * values. An indented sub-property (`ecr =` followed by `  endpoint_url = …`) is the key
 * `ecr.endpoint_url`, as the AWS SDK for JavaScript names it.
 *
 * @public
 */
export type AwsConfigProfile = Readonly<Record<string, string>>;

/**
 * The AWS shared config and credentials files read together, as an AWS SDK reads them.
 *
 * @public
 */
export interface AwsSharedConfig {
  /**
   * Profiles by name: `[default]` and `[profile NAME]` of the config file, `[NAME]` of the
   * credentials file, the credentials file winning for the keys the SDK takes from it.
   */
  readonly profiles: Readonly<Record<string, AwsConfigProfile>>;
  /** `[sso-session NAME]` sections of the config file. */
  readonly ssoSessions: Readonly<Record<string, AwsConfigProfile>>;
  /** `[services NAME]` sections of the config file (keys such as `ecr.endpoint_url`). */
  readonly services: Readonly<Record<string, AwsConfigProfile>>;
  /** Sections the SDK ignores, with why (for messages and validation). */
  readonly ignored: readonly AwsConfigIgnoredSection[];
  /**
   * Profiles the AWS SDK for Go refuses to load, with why: a section of either file that has one
   * half of an access key (`aws_access_key_id` without `aws_secret_access_key`, or the reverse).
   */
  readonly refused: Readonly<Record<string, string>>;
}

/**
 * A section an AWS SDK ignores.
 *
 * @public
 */
export interface AwsConfigIgnoredSection {
  readonly file: 'config' | 'credentials';
  /** The section name as written between the brackets (white space normalised). */
  readonly section: string;
  readonly reason: string;
}

// ---------------------------------------------------------------------------------------------
// Reading: aws-sdk-go-v2/internal/ini v1.8.3, line by line.

/** Go's unicode.IsSpace, which strings.TrimSpace trims (JavaScript's trim also trims U+FEFF). */
const GO_SPACE =
  '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const GO_TRIM = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g');
const goTrim = (s: string): string => s.replace(GO_TRIM, '');
const isLineSpace = (c: string | undefined): boolean => c === ' ' || c === '\t';
const trimLeftLineSpace = (s: string): string => s.replace(/^[ \t]+/, '');

/** strings.Cut(s, sep) keeping the part before. */
const before = (s: string, sep: string): string => {
  const i = s.indexOf(sep);
  return i < 0 ? s : s.slice(0, i);
};

/** A property's inline comment starts at white space followed by `#` or `;`. */
const trimPropertyComment = (s: string): string =>
  before(before(before(before(s, ' #'), ' ;'), '\t#'), '\t;');

/** `key = value` (or, a legacy of the Go SDK, `key: value`), both sides trimmed. */
function splitProperty(s: string): [string, string] | undefined {
  const eq = s.indexOf('=');
  const colon = s.indexOf(':');
  const sep = eq === -1 || (colon !== -1 && colon < eq) ? ':' : '=';
  const i = s.indexOf(sep);
  if (i < 0) return undefined;
  return [goTrim(s.slice(0, i)), goTrim(s.slice(i + 1))];
}

/** One matching pair of quotes around a value is removed (the Go SDK's legacyStrconv). */
/** @internal A value with one pair of surrounding quotes removed, as the Go SDK reads it. */
export function unquote(s: string): string {
  // Go slices s[1:len(s)-1], which panics for a lone quote; that file is unreadable there.
  const quoted = (q: string): boolean => s.length >= 2 && s.startsWith(q) && s.endsWith(q);
  return quoted('"') || quoted("'") ? s.slice(1, -1) : s;
}

/** `[ type  name ]` → `type name`; `[name]` → `name` (only ' ' and '\t' separate the two). */
function profileLine(line: string): string | undefined {
  const trimmed = goTrim(before(before(line, '#'), ';'));
  if (!trimmed.startsWith('[') || !trimmed.endsWith(']')) return undefined;
  const inner = goTrim(trimmed.slice(1, -1));
  const m = /^([^ \t]+)[ \t]+(.*)$/s.exec(inner);
  return m === null ? inner : `${m[1] ?? ''} ${m[2] ?? ''}`;
}

interface RawValue {
  str: string;
  sub?: Map<string, string>;
}

/** Sections of one file in the Go SDK's terms: name → key → value or sub-properties. */
type RawSections = Map<string, Map<string, RawValue>>;

/**
 * Reads one AWS shared file into its sections exactly as the AWS SDK for Go v2 tokenizes and
 * parses it, plus one leniency of the SDK for JavaScript: a leading byte-order mark is skipped.
 * Linear in the text.
 */
function parseAwsIniSections(text: string): RawSections {
  const sections: RawSections = new Map();
  let current: Map<string, RawValue> | undefined;
  let key = '';
  const setProperty = (k: string, v: string): void => {
    if (current === undefined) return; // a property before any section is ignored
    key = k;
    current.set(k, { str: v });
  };
  for (const line of text.replace(/^\uFEFF/, '').split('\n')) {
    if (goTrim(line) === '') continue;
    const start = trimLeftLineSpace(line);
    if (start.startsWith('#') || start.startsWith(';')) continue;
    const section = profileLine(line);
    if (section !== undefined) {
      key = '';
      current = sections.get(section);
      if (current === undefined) sections.set(section, (current = new Map<string, RawValue>()));
      continue;
    }
    if (!isLineSpace(line[0])) {
      const kv = splitProperty(trimPropertyComment(line).replace(/[ \t]+$/, ''));
      if (kv !== undefined) setProperty(kv[0].toLowerCase(), unquote(kv[1]));
      continue;
    }
    const kv = splitProperty(start);
    if (kv !== undefined) {
      // A sub-property of the last key when that key's value is empty; otherwise a property.
      const [k, v] = [kv[0].toLowerCase(), unquote(kv[1])];
      const parent = current?.get(key);
      if (current === undefined) continue;
      if (key === '' || parent?.str !== '') setProperty(k, goTrim(trimPropertyComment(v)));
      else (parent.sub ??= new Map()).set(k, v);
      continue;
    }
    // A continuation line extends the last key's value, when it has one.
    const parent = key === '' ? undefined : current?.get(key);
    if (parent !== undefined && parent.str !== '' && parent.sub === undefined)
      parent.str = `${parent.str}\n${start}`;
  }
  return sections;
}

function flatten(values: ReadonlyMap<string, RawValue>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of values) {
    if (v.sub === undefined) {
      out[k] = v.str;
      continue;
    }
    for (const [sk, sv] of v.sub) out[`${k}.${sk}`] = sv;
  }
  return out;
}

/**
 * Keys the Go SDK takes from the credentials file when the config file has the same profile
 * (`mergeSections` in config/shared_config.go); the access key pair and session token come only
 * as a pair. Other keys of such a profile come from the config file alone.
 */
const MERGED_KEYS = [
  'role_arn',
  'source_profile',
  'credential_source',
  'external_id',
  'mfa_serial',
  'role_session_name',
  'region',
  'endpoint_discovery_enabled',
  'credential_process',
  'web_identity_token_file',
  's3_use_arn_region',
  's3_disable_multiregion_access_points',
  'ec2_metadata_service_endpoint_mode',
  'ec2_metadata_service_endpoint',
  'ec2_metadata_v1_disabled',
  'use_dualstack_endpoint',
  'use_fips_endpoint',
  'defaults_mode',
  'retry_mode',
  'ca_bundle',
  'duration_seconds',
  'max_attempts',
  'sso_session',
  'sso_account_id',
  'sso_region',
  'sso_role_name',
  'sso_start_url',
] as const;

export const PROFILE_PREFIX = 'profile ';
export const SSO_PREFIX = 'sso-session ';
export const SERVICES_PREFIX = 'services ';

/**
 * Reads the AWS shared config file and credentials file together, as an AWS SDK does: `[default]`
 * and `[profile NAME]` from the config file (`[profile default]` replacing `[default]`; any other
 * section ignored), `[NAME]` from the credentials file (`[profile NAME]` ignored there), and the
 * credentials file winning for the same profile. A missing file is passed as `undefined` and reads
 * as empty. Never throws: what an SDK ignores is listed in `ignored`.
 *
 * @example
 * ```ts
 * const { profiles } = parseAwsSharedConfig({ config: readFileSync(configPath, 'utf8') });
 * profiles['team.prod']?.region;
 * ```
 * @public
 */
export function parseAwsSharedConfig(files: {
  readonly config?: string | undefined;
  readonly credentials?: string | undefined;
}): AwsSharedConfig {
  requireObject(files, 'parseAwsSharedConfig');
  const ignored: AwsConfigIgnoredSection[] = [];
  const profiles = new Map<string, Record<string, string>>();
  // The section each profile's checks apply to: as the Go SDK's, the credentials file's when it
  // has the profile (merging copies its errors over the config file's), else the config file's.
  const checked = new Map<string, { file: string; values: ReadonlyMap<string, RawValue> }>();
  const ssoSessions = new Map<string, Record<string, string>>();
  const services = new Map<string, Record<string, string>>();
  const config = parseAwsIniSections(files.config ?? '');
  for (const [name, values] of config) {
    if (name.startsWith(PROFILE_PREFIX)) {
      // `[profile NAME]` replaces a `[NAME]` kept beside it (only `[default]` is kept), whatever
      // their order: the Go SDK renames it over the other.
      const profile = name.slice(PROFILE_PREFIX.length);
      profiles.set(profile, flatten(values));
      checked.set(profile, { file: 'config', values });
    } else if (name.startsWith(SSO_PREFIX)) {
      ssoSessions.set(name.slice(SSO_PREFIX.length), flatten(values));
    } else if (name.startsWith(SERVICES_PREFIX)) {
      services.set(name.slice(SERVICES_PREFIX.length), flatten(values));
    } else if (/^default$/i.test(name)) {
      // The Go SDK keeps `[default]` in any case (`[DEFAULT]` is a profile "DEFAULT").
      if (config.has(`${PROFILE_PREFIX}${name}`))
        ignored.push({ file: 'config', section: name, reason: `[profile ${name}] replaces it` });
      else {
        profiles.set(name, flatten(values));
        checked.set(name, { file: 'config', values });
      }
    } else {
      ignored.push({
        file: 'config',
        section: name,
        reason: `in a config file a named profile is written [profile ${name}] ([${name}] is credentials-file syntax)`,
      });
    }
  }
  for (const [name, values] of parseAwsIniSections(files.credentials ?? '')) {
    if (name.startsWith(PROFILE_PREFIX)) {
      ignored.push({
        file: 'credentials',
        section: name,
        reason: `in a credentials file a profile is written [${name.slice(PROFILE_PREFIX.length)}], without "profile"`,
      });
      continue;
    }
    checked.set(name, { file: 'credentials', values });
    const fromCredentials = flatten(values);
    const fromConfig = profiles.get(name);
    if (fromConfig === undefined) {
      profiles.set(name, fromCredentials);
      continue;
    }
    const merged = { ...fromConfig };
    if (values.has('aws_access_key_id') && values.has('aws_secret_access_key')) {
      for (const k of ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token'])
        if (values.has(k)) merged[k] = values.get(k)?.str ?? '';
    }
    for (const k of MERGED_KEYS)
      if (fromCredentials[k] !== undefined) merged[k] = fromCredentials[k];
    profiles.set(name, merged);
  }
  // As the Go SDK's Has(): a key counts when it is written, whatever its value.
  const refused = new Map<string, string>();
  for (const [name, { file, values }] of checked) {
    const id = values.has('aws_access_key_id');
    if (id !== values.has('aws_secret_access_key'))
      refused.set(
        name,
        `its section in the ${file} file has ${id ? 'aws_access_key_id without aws_secret_access_key' : 'aws_secret_access_key without aws_access_key_id'} (partial credentials)`,
      );
  }
  return {
    profiles: Object.fromEntries(profiles),
    ssoSessions: Object.fromEntries(ssoSessions),
    services: Object.fromEntries(services),
    ignored,
    refused: Object.fromEntries(refused),
  };
}

/**
 * @internal Reads the AWS config file of a Secret with {@link parseAwsSharedConfig}; sections the
 * SDKs ignore are errors here, since they are almost always a mistake in a file written for one
 * profile.
 */
export function readAwsConfig(
  text: string,
  at: IssueCollector,
): { profiles: string[]; settings: Record<string, AwsConfigProfile> } {
  const config = parseAwsSharedConfig({ config: text });
  for (const ignored of config.ignored)
    at.error(
      ISSUE_CODES.INVALID_VALUE,
      `has section [${ignored.section}]: ${ignored.reason}, and it is ignored`,
    );
  const settings = { ...config.profiles };
  if (Object.keys(settings).length === 0)
    at.error(ISSUE_CODES.REQUIRED, 'has no [default] or [profile NAME] section');
  return { profiles: Object.keys(settings), settings };
}
