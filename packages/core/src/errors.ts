/**
 * Errors thrown by every `@eksa-credprov/*` package. Each carries a stable {@link ErrorCode};
 * validation failures also carry every problem found, not only the first.
 *
 * Messages name the field and say what to do. They never contain secret values: builders redact
 * at the source, so an error is always safe to log.
 */

/**
 * Stable error codes. Match on these, never on message text.
 *
 * @public
 */
export const ERROR_CODES = {
  /** Input failed validation; see {@link ValidationError.issues}. */
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  /** A kubeconfig could not be found, read or used (bad file, missing context). */
  KUBECONFIG_INVALID: 'KUBECONFIG_INVALID',
  /** The Kubernetes API server answered with an error status. */
  KUBE_API_ERROR: 'KUBE_API_ERROR',
  /** The Kubernetes API server could not be reached before the deadline. */
  KUBE_UNREACHABLE: 'KUBE_UNREACHABLE',
  /** A wait (for a Package state, a deletion, ...) ran out of time or was aborted. */
  TIMEOUT: 'TIMEOUT',
  /** AWS credentials could not be obtained (IAM Roles Anywhere refused, or could not be reached). */
  AWS_CREDENTIALS_ERROR: 'AWS_CREDENTIALS_ERROR',
  /** An AWS API other than the credential sources answered with an error (ECR, IAM, ...). */
  AWS_API_ERROR: 'AWS_API_ERROR',
  /**
   * A resource of the name this SDK would use exists but was not made by it (no owner tag for
   * this cluster): choose another name, or tag it to adopt it. Never overwritten.
   */
  RESOURCE_NOT_OWNED: 'RESOURCE_NOT_OWNED',
  /** The API server does not serve what is needed (the EKS Anywhere CRDs, an API group). */
  KUBE_DISCOVERY_FAILED: 'KUBE_DISCOVERY_FAILED',
  /** A Package the controller reports failed (its state and detail are in the message). */
  PACKAGE_FAILED: 'PACKAGE_FAILED',
  /** A cluster object was found but its content is unusable (a Secret without its key, a kubeconfig that does not parse). */
  KUBE_OBJECT_INVALID: 'KUBE_OBJECT_INVALID',
} as const;

/** @public */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/**
 * Stable codes for single validation problems ({@link ValidationIssue.code}).
 *
 * @public
 */
export const ISSUE_CODES = {
  /** A required field is missing or empty. */
  REQUIRED: 'required',
  /** A field has the wrong JSON/YAML type (for example a number where a string belongs). */
  INVALID_TYPE: 'invalid_type',
  /** A field has a value outside its allowed set or format. */
  INVALID_VALUE: 'invalid_value',
  /** A field the schema does not know (the kubelet decodes strictly). */
  UNKNOWN_FIELD: 'unknown_field',
  /** The same field appears twice in one object. */
  DUPLICATE_FIELD: 'duplicate_field',
  /** Not a valid Kubernetes object name, namespace, label or annotation key. */
  INVALID_NAME: 'invalid_name',
  /** Not a Go duration such as `5h`, `30m` or `1h30m`. */
  INVALID_DURATION: 'invalid_duration',
  /** A duration that must not be negative is negative. */
  NEGATIVE_DURATION: 'negative_duration',
  /** Warning: a cache duration of 12h or more outlives the ECR token it caches. */
  CACHE_DURATION_EXCEEDS_TOKEN_LIFETIME: 'cache_duration_exceeds_token_lifetime',
  /** A `matchImages` pattern the kubelet rejects when it loads its config. */
  INVALID_IMAGE_PATTERN: 'invalid_image_pattern',
  /** A `matchImages` pattern the kubelet accepts but that cannot do what it appears to. */
  IMAGE_PATTERN_NEVER_MATCHES: 'image_pattern_never_matches',
  /** `matchImages` is empty. */
  EMPTY_MATCH_IMAGES: 'empty_match_images',
  /** More than one `credential` entry: the chart only uses the first. */
  MULTIPLE_CREDENTIALS: 'multiple_credentials',
  /** The keys-form Secret always produces a `[default]` profile. */
  PROFILE_NOT_AVAILABLE: 'profile_not_available',
  /** Not an ARN of the expected service and resource type. */
  INVALID_ARN: 'invalid_arn',
  /** Not an AWS region code. */
  INVALID_REGION: 'invalid_region',
  /** Two values that must agree (such as the regions of two ARNs) do not. */
  MISMATCH: 'mismatch',
  /** A secret value has leading or trailing white space (a classic copy-paste mistake). */
  SURROUNDING_WHITESPACE: 'surrounding_whitespace',
  /** Text that is not valid YAML or JSON. */
  SYNTAX: 'syntax',
  /** An `apiVersion` or `kind` this SDK does not handle. */
  UNSUPPORTED_KIND: 'unsupported_kind',
  /** An input over this SDK's size limit (a YAML or JSON text, a nesting depth). */
  TOO_LARGE: 'too_large',
  /** YAML aliases that expand past the limit (a "billion laughs" document). */
  EXCESSIVE_ALIASES: 'excessive_aliases',
  /** Not an issue itself: says how many more issues were found than are listed. */
  MORE_ISSUES: 'more_issues',
} as const;

/** @public */
export type IssueCode = (typeof ISSUE_CODES)[keyof typeof ISSUE_CODES];

/**
 * One problem found in an input.
 *
 * @public
 */
export interface ValidationIssue {
  /** Where the problem is, as a field path such as `config.credential[0].matchImages[1]`. */
  readonly path: string;
  /** Stable code for the kind of problem. */
  readonly code: IssueCode;
  /** What was expected, what was found, and what to do. Never contains a secret value. */
  readonly message: string;
  /** Where in the text, 1-based, when the input was YAML or JSON text. */
  readonly line?: number;
  /** The column of `line`, 1-based. */
  readonly column?: number;
}

const BRAND = Symbol.for('@eksa-credprov/error');

/**
 * Options for {@link CredprovError}.
 *
 * @public
 */
export interface CredprovErrorInit {
  /** Stable code. */
  readonly code: ErrorCode;
  /** Human-readable message. */
  readonly message: string;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/**
 * Base class of every error this SDK throws. Check with {@link isCredprovError}, which also
 * works when two copies of the package are loaded.
 *
 * @public
 */
export class CredprovError extends Error {
  /** Stable code; see {@link ERROR_CODES}. */
  readonly code: ErrorCode;
  declare readonly [BRAND]: true;

  constructor(init: CredprovErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'CredprovError';
    this.code = init.code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * Thrown when input fails validation. {@link ValidationError.issues} lists every problem found.
 *
 * @example
 * ```ts
 * try {
 *   createCredentialProviderPackage({ clusterName: 'Bad_Name' });
 * } catch (e) {
 *   if (isValidationError(e)) for (const i of e.issues) console.error(i.path, i.message);
 * }
 * ```
 * @public
 */
export class ValidationError extends CredprovError {
  /** Every problem found, in input order. */
  readonly issues: readonly ValidationIssue[];

  constructor(subject: string, issues: readonly ValidationIssue[]) {
    super({ code: ERROR_CODES.VALIDATION_FAILED, message: formatIssues(subject, issues) });
    this.name = 'ValidationError';
    this.issues = issues;
  }
}

/** The most issues a {@link ValidationError} message lists; the rest are counted. */
const LISTED_ISSUES = 50;

function formatIssues(subject: string, issues: readonly ValidationIssue[]): string {
  const more = issues.find((i) => i.code === ISSUE_CODES.MORE_ISSUES);
  const real = issues.filter((i) => i.code !== ISSUE_CODES.MORE_ISSUES);
  const extra = (real.length > LISTED_ISSUES ? real.length - LISTED_ISSUES : 0) + countOf(more);
  const total = real.length + countOf(more);
  const head = `${subject}: ${total === 1 ? '1 problem' : `${total} problems`}`;
  return [
    head,
    ...real
      .slice(0, LISTED_ISSUES)
      .map((i) => `  - ${i.path === '' ? '' : `${i.path}: `}${i.message}`),
    ...(extra > 0 ? [`  - and ${extra} more`] : []),
  ].join('\n');
}

function countOf(more: ValidationIssue | undefined): number {
  return more === undefined ? 0 : Number(/\d+/.exec(more.message)?.[0] ?? 0);
}

/**
 * True when `value` is an error thrown by this SDK, even one from another copy of the package.
 *
 * @public
 */
export function isCredprovError(value: unknown): value is CredprovError {
  return (
    value instanceof Error &&
    (value as Partial<Record<typeof BRAND, unknown>>)[BRAND] === true &&
    typeof (value as { code?: unknown }).code === 'string'
  );
}

/**
 * True when `value` is a {@link ValidationError}, even one from another copy of the package.
 *
 * @public
 */
export function isValidationError(value: unknown): value is ValidationError {
  return (
    isCredprovError(value) &&
    (value.code as string) === ERROR_CODES.VALIDATION_FAILED &&
    Array.isArray((value as { issues?: unknown }).issues)
  );
}
