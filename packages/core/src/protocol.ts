import { dropUndefined } from './defined.ts';
import { requireObject } from './input.ts';
import { parseGoDurationNanos } from './duration.ts';
import { ISSUE_CODES } from './errors.ts';
import { goUrlParse, toByteString } from './go-url.ts';
import {
  createIssueCollector,
  describeType,
  isRecord,
  quote,
  type IssueCollector,
} from './issues.ts';
import { parseStrictJson } from './strict-json.ts';

/**
 * API versions of the kubelet's credential provider exec protocol. The response must use the
 * version of the request.
 *
 * @public
 */
export const CREDENTIAL_PROVIDER_API_VERSIONS = {
  v1: 'credentialprovider.kubelet.k8s.io/v1',
  v1beta1: 'credentialprovider.kubelet.k8s.io/v1beta1',
  v1alpha1: 'credentialprovider.kubelet.k8s.io/v1alpha1',
} as const;
/** @public */
export type CredentialProviderApiVersion =
  (typeof CREDENTIAL_PROVIDER_API_VERSIONS)[keyof typeof CREDENTIAL_PROVIDER_API_VERSIONS];

/**
 * How the kubelet keys its cache of a response's credentials.
 *
 * @public
 */
export const CACHE_KEY_TYPES = { Image: 'Image', Registry: 'Registry', Global: 'Global' } as const;
/** @public */
export type CacheKeyType = (typeof CACHE_KEY_TYPES)[keyof typeof CACHE_KEY_TYPES];

/**
 * What the kubelet writes to a provider's stdin.
 *
 * @public
 */
export interface CredentialProviderRequest {
  readonly kind: 'CredentialProviderRequest';
  readonly apiVersion: CredentialProviderApiVersion;
  /** The repository being pulled, without tag or digest (`docker.io/library/nginx`). */
  readonly image: string;
  /** v1 only, with `tokenAttributes` configured. */
  readonly serviceAccountToken?: string;
  /** v1 only. */
  readonly serviceAccountAnnotations?: Readonly<Record<string, string>>;
}

/** Credentials for one registry pattern. @public */
export interface AuthConfig {
  readonly username: string;
  readonly password: string;
}

/**
 * What a provider writes to stdout.
 *
 * @public
 */
export interface CredentialProviderResponse {
  readonly kind: 'CredentialProviderResponse';
  readonly apiVersion: CredentialProviderApiVersion;
  readonly cacheKeyType: CacheKeyType;
  /** Go duration; absent or `null` means the config's `defaultCacheDuration`, `"0s"` no caching. */
  readonly cacheDuration?: string | null;
  /** Credentials keyed by image pattern (same syntax as `matchImages`). */
  readonly auth?: Readonly<Record<string, AuthConfig>> | null;
}

const VERSIONS: readonly string[] = Object.values(CREDENTIAL_PROVIDER_API_VERSIONS);

/** Input for {@link createCredentialProviderRequest}. @public */
export interface CredentialProviderRequestInit {
  readonly image: string;
  /** @default `"credentialprovider.kubelet.k8s.io/v1"` */
  readonly apiVersion?: CredentialProviderApiVersion;
  readonly serviceAccountToken?: string;
  readonly serviceAccountAnnotations?: Readonly<Record<string, string>>;
}

/**
 * Builds a `CredentialProviderRequest` as the kubelet sends it (for tests and `provider test`).
 *
 * @throws {@link ValidationError} for an empty image, an unknown version, or service-account
 * fields with a version older than v1.
 * @public
 */
export function createCredentialProviderRequest(
  init: CredentialProviderRequestInit,
): CredentialProviderRequest {
  requireObject(init, 'createCredentialProviderRequest');
  const request = {
    kind: 'CredentialProviderRequest',
    apiVersion: init.apiVersion ?? CREDENTIAL_PROVIDER_API_VERSIONS.v1,
    image: init.image,
    ...(init.serviceAccountToken === undefined || init.serviceAccountToken === ''
      ? {}
      : { serviceAccountToken: init.serviceAccountToken }),
    ...(init.serviceAccountAnnotations === undefined ||
    Object.keys(init.serviceAccountAnnotations).length === 0
      ? {}
      : { serviceAccountAnnotations: init.serviceAccountAnnotations }),
  };
  return parseCredentialProviderRequest(request);
}

/**
 * Reads a `CredentialProviderRequest` (JSON text or object) as strictly as the kubelet's decoder:
 * the kind and one of the three versions, no unknown, duplicate or wrongly-cased fields, a
 * non-empty `image`, and service-account fields only in v1.
 *
 * @throws {@link ValidationError} listing every problem.
 * @public
 */
export function parseCredentialProviderRequest(input: unknown): CredentialProviderRequest {
  const issues = createIssueCollector();
  const obj = readMessage(input, 'CredentialProviderRequest', issues);
  if (obj !== undefined) {
    const v1 = obj['apiVersion'] === CREDENTIAL_PROVIDER_API_VERSIONS.v1;
    checkFields(
      obj,
      v1
        ? ['kind', 'apiVersion', 'image', 'serviceAccountToken', 'serviceAccountAnnotations']
        : ['kind', 'apiVersion', 'image'],
      issues,
    );
    const image = goString(obj['image'], issues.at('image'));
    if (image === '')
      issues
        .at('image')
        .error(ISSUE_CODES.REQUIRED, 'is required: the image the kubelet is pulling');
    goString(obj['serviceAccountToken'], issues.at('serviceAccountToken'));
    const ann = obj['serviceAccountAnnotations'];
    if (ann !== undefined && ann !== null) {
      if (!isRecord(ann))
        issues
          .at('serviceAccountAnnotations')
          .error(ISSUE_CODES.INVALID_TYPE, `must be a map of strings, found ${describeType(ann)}`);
      else
        for (const [k, v] of Object.entries(ann))
          goString(v, issues.at('serviceAccountAnnotations', k));
    }
  }
  issues.throwIfErrors('invalid CredentialProviderRequest');
  return withoutNulls(obj) as unknown as CredentialProviderRequest;
}

/** Input for {@link createCredentialProviderResponse}. @public */
export interface CredentialProviderResponseInit {
  /** Must be the request's version. @default `"credentialprovider.kubelet.k8s.io/v1"` */
  readonly apiVersion?: CredentialProviderApiVersion;
  readonly cacheKeyType: CacheKeyType;
  /** Go duration, such as `"6h0m0s"`. Omit to let the kubelet use `defaultCacheDuration`. */
  readonly cacheDuration?: string;
  readonly auth?: Readonly<Record<string, AuthConfig>>;
}

/**
 * Builds a `CredentialProviderResponse`, with its fields in the order the Go providers write them
 * (`JSON.stringify(response)` is then what to print on stdout, plus a newline).
 *
 * @throws {@link ValidationError} when the kubelet would reject the response (bad cache key
 * type, duration, or auth key).
 * @public
 */
export function createCredentialProviderResponse(
  init: CredentialProviderResponseInit,
): CredentialProviderResponse {
  requireObject(init, 'createCredentialProviderResponse');
  return parseCredentialProviderResponse({
    kind: 'CredentialProviderResponse',
    apiVersion: init.apiVersion ?? CREDENTIAL_PROVIDER_API_VERSIONS.v1,
    cacheKeyType: init.cacheKeyType,
    ...dropUndefined({ cacheDuration: init.cacheDuration, auth: init.auth }),
  });
}

/**
 * Reads a `CredentialProviderResponse` (JSON text or object) as strictly as the kubelet does:
 * kind and version, no unknown or duplicate fields, `cacheKeyType` one of `Image`, `Registry`,
 * `Global`, `cacheDuration` a Go duration string, and `auth` entries with only `username` and
 * `password`.
 *
 * @param options.apiVersion - The version the request used; a response in another is rejected.
 * @throws {@link ValidationError} listing every problem. Messages never include a password.
 * @public
 */
export function parseCredentialProviderResponse(
  input: unknown,
  options: { readonly apiVersion?: CredentialProviderApiVersion } = {},
): CredentialProviderResponse {
  const issues = createIssueCollector();
  const obj = readMessage(input, 'CredentialProviderResponse', issues);
  if (obj !== undefined) {
    if (options.apiVersion !== undefined && obj['apiVersion'] !== options.apiVersion) {
      issues
        .at('apiVersion')
        .error(
          ISSUE_CODES.MISMATCH,
          `is ${shown(obj['apiVersion'])} but the request used ${quote(options.apiVersion)}; the response must use the request's version`,
        );
    }
    checkFields(obj, ['kind', 'apiVersion', 'cacheKeyType', 'cacheDuration', 'auth'], issues);
    const keyType = goString(obj['cacheKeyType'], issues.at('cacheKeyType'));
    if (keyType !== undefined && !Object.values<string>(CACHE_KEY_TYPES).includes(keyType)) {
      issues
        .at('cacheKeyType')
        .error(
          ISSUE_CODES.INVALID_VALUE,
          `${quote(keyType)} must be "Image", "Registry" or "Global" (case-sensitive); the kubelet discards any other response`,
        );
    }
    const duration = obj['cacheDuration'];
    if (duration !== undefined && duration !== null) {
      if (typeof duration !== 'string')
        issues
          .at('cacheDuration')
          .error(
            ISSUE_CODES.INVALID_TYPE,
            `must be a Go duration string such as "6h0m0s", found ${describeType(duration)}`,
          );
      else {
        const d = parseGoDurationNanos(duration);
        if (!d.ok)
          issues
            .at('cacheDuration')
            .error(
              ISSUE_CODES.INVALID_DURATION,
              `${quote(duration)} is not a Go duration (${d.error})`,
            );
      }
    }
    checkAuth(obj['auth'], issues);
  }
  issues.throwIfErrors('invalid CredentialProviderResponse');
  return withoutNulls(obj, ['cacheDuration', 'auth']) as unknown as CredentialProviderResponse;
}

function checkAuth(auth: unknown, issues: IssueCollector): void {
  if (auth === undefined || auth === null) return;
  if (!isRecord(auth)) {
    issues
      .at('auth')
      .error(
        ISSUE_CODES.INVALID_TYPE,
        `must be a map from image pattern to {username, password}, found ${describeType(auth)}`,
      );
    return;
  }
  for (const [key, entry] of Object.entries(auth)) {
    const at = issues.at('auth', key);
    // The kubelet keyring adds https:// when missing and skips keys that fail url.Parse.
    const withScheme = /^https?:\/\//.test(key)
      ? key.replace(/^http:/, 'https:')
      : `https://${key}`;
    const parsed = goUrlParse(toByteString(withScheme));
    if (!parsed.ok)
      at.error(
        ISSUE_CODES.INVALID_IMAGE_PATTERN,
        `the kubelet cannot parse this key (${parsed.error}) and would ignore these credentials`,
      );
    if (entry === null) continue;
    if (!isRecord(entry)) {
      at.error(
        ISSUE_CODES.INVALID_TYPE,
        `must be {username, password}, found ${describeType(entry)}`,
      );
      continue;
    }
    checkFields(entry, ['username', 'password'], at);
    goString(entry['username'], at.at('username'));
    if (
      entry['password'] !== undefined &&
      entry['password'] !== null &&
      typeof entry['password'] !== 'string'
    ) {
      at.at('password').error(
        ISSUE_CODES.INVALID_TYPE,
        `must be a string, found ${describeType(entry['password'])}`,
      );
    }
  }
}

function readMessage(
  input: unknown,
  kind: string,
  issues: IssueCollector,
): Record<string, unknown> | undefined {
  let obj = input;
  if (typeof input === 'string') {
    if (input.trim() === '') {
      issues.error(ISSUE_CODES.SYNTAX, `expected a ${kind} as JSON, found empty input`);
      return undefined;
    }
    const parsed = parseStrictJson(input);
    if (!parsed.ok) {
      issues.error(ISSUE_CODES.SYNTAX, `is not valid JSON (${parsed.error})`);
      return undefined;
    }
    for (const d of parsed.duplicates)
      issues
        .at(d)
        .error(
          ISSUE_CODES.DUPLICATE_FIELD,
          'appears more than once; the kubelet decodes strictly and rejects duplicates',
        );
    obj = parsed.value;
  }
  if (!isRecord(obj)) {
    issues.error(ISSUE_CODES.INVALID_TYPE, `expected a ${kind} object, found ${describeType(obj)}`);
    return undefined;
  }
  if (obj['kind'] !== kind)
    issues
      .at('kind')
      .error(
        ISSUE_CODES.UNSUPPORTED_KIND,
        `must be ${quote(kind)}, found ${obj['kind'] === undefined ? 'nothing' : shown(obj['kind'])}`,
      );
  if (typeof obj['apiVersion'] !== 'string' || !VERSIONS.includes(obj['apiVersion'])) {
    issues
      .at('apiVersion')
      .error(
        ISSUE_CODES.UNSUPPORTED_KIND,
        `must be one of ${VERSIONS.join(', ')}, found ${obj['apiVersion'] === undefined ? 'nothing' : shown(obj['apiVersion'])}`,
      );
  }
  return obj;
}

/** A value for a message: quoted when it is a string, its type otherwise. */
function shown(value: unknown): string {
  return typeof value === 'string' ? quote(value) : describeType(value);
}

function checkFields(
  obj: Record<string, unknown>,
  known: readonly string[],
  at: IssueCollector,
): void {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const cased = known.find((k) => k.toLowerCase() === key.toLowerCase());
    at.at(key).error(
      ISSUE_CODES.UNKNOWN_FIELD,
      cased === undefined
        ? `is not a field of this version (the kubelet decodes strictly); known fields: ${known.join(', ')}`
        : `is not a field: field names are case-sensitive, write ${quote(cased)}`,
    );
  }
}

/** A string field as Go decodes it: `null` and absent mean `""`, anything else is an error. */
function goString(value: unknown, at: IssueCollector): string | undefined {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') {
    at.error(ISSUE_CODES.INVALID_TYPE, `must be a string, found ${describeType(value)}`);
    return undefined;
  }
  return value;
}

function withoutNulls(
  obj: Record<string, unknown> | undefined,
  keep: readonly string[] = [],
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(obj ?? {}).filter(([k, v]) => v !== null || keep.includes(k)),
  );
}
