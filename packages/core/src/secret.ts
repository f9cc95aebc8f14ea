import { requireObject } from './input.ts';
import { formatAwsConfigFile, parseAwsSharedConfig, type AwsConfigProfile } from './aws-config.ts';
import { checkRegion } from './aws-names.ts';
import { ISSUE_CODES, type ValidationIssue } from './errors.ts';
import {
  createIssueCollector,
  describeType,
  isRecord,
  quote,
  readRecord,
  readString,
  readStringMap,
  type IssueCollector,
} from './issues.ts';
import { checkDns1123Label, checkDns1123Subdomain } from './names.ts';
import { checkWritableProfileName, DEFAULT_TARGET_NAMESPACE, type ObjectMeta } from './package.ts';
import { parseYaml } from './yaml.ts';

/** Group-version-kind of a core `Secret`. @public */
export const SECRET_GVK = { apiVersion: 'v1', kind: 'Secret' } as const;

/**
 * The two shapes of AWS credential Secret the credential-provider-package reads:
 * `keys` (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `REGION`, optional `AWS_SESSION_TOKEN`)
 * and `config` (one key `config` holding an AWS config file, used as `AWS_CONFIG_FILE`).
 *
 * @public
 */
export const AWS_SECRET_FORMS = { keys: 'keys', config: 'config' } as const;
/** @public */
export type AwsSecretForm = (typeof AWS_SECRET_FORMS)[keyof typeof AWS_SECRET_FORMS];

/** Default name of the keys-form Secret (the only one the controller copies to workload clusters). @public */
export const DEFAULT_AWS_SECRET_NAME = 'aws-secret';

/**
 * A core `Secret` with base64 `data`.
 *
 * @public
 */
export interface Secret {
  readonly apiVersion: typeof SECRET_GVK.apiVersion;
  readonly kind: typeof SECRET_GVK.kind;
  readonly metadata: ObjectMeta & { readonly namespace: string };
  readonly type: string;
  readonly data: Readonly<Record<string, string>>;
}

/**
 * Input for {@link createAwsCredentialsSecret}.
 *
 * @public
 */
export interface AwsCredentialsSecretInit {
  /** `keys` (separate keys, always profile `default`) or `config` (an AWS config file). */
  readonly form: AwsSecretForm;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** For temporary credentials. */
  readonly sessionToken?: string;
  /** Region of the ECR registries, such as `us-west-2`. */
  readonly region: string;
  /**
   * AWS profile the Package's `credential[0].profile` names. The `keys` form always yields
   * `default`; the `config` form writes `[profile NAME]` (or `[default]`).
   * @default `"default"`
   */
  readonly profile?: string;
  /** @default `"aws-secret"` */
  readonly name?: string;
  /** Must be the Package's `targetNamespace`, on the target cluster. @default `"eksa-packages"` */
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** @internal */
export function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** @internal Checks a secret value without ever echoing it. */
export function checkSecretValue(
  value: unknown,
  at: IssueCollector,
  what: string,
): value is string {
  if (typeof value !== 'string' || value === '') {
    at.error(
      value === undefined || value === '' ? ISSUE_CODES.REQUIRED : ISSUE_CODES.INVALID_TYPE,
      `is required: the ${what}${value === undefined || value === '' ? '' : ` (found ${describeType(value)})`}`,
    );
    return false;
  }
  if (value !== value.trim()) {
    at.error(
      ISSUE_CODES.SURROUNDING_WHITESPACE,
      `has leading or trailing white space (often a newline from "echo" or a file); the provider would send it to AWS as part of the ${what}: remove it`,
    );
    return false;
  }
  if (/[\s'"]/.test(value)) {
    at.error(
      ISSUE_CODES.INVALID_VALUE,
      `contains white space or quotes, which no AWS ${what} has; check what was pasted`,
    );
    return false;
  }
  return true;
}

/** @internal */
export function checkSecretMetadata(
  init: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: unknown;
    readonly annotations?: unknown;
  },
  issues: IssueCollector,
): void {
  if (init.name !== undefined) {
    const bad = checkDns1123Subdomain(init.name);
    if (bad !== undefined)
      issues.at('name').error(ISSUE_CODES.INVALID_NAME, `${quote(init.name)} ${bad}`);
  }
  if (init.namespace !== undefined) {
    const bad = checkDns1123Label(init.namespace);
    if (bad !== undefined)
      issues.at('namespace').error(ISSUE_CODES.INVALID_NAME, `${quote(init.namespace)} ${bad}`);
  }
  readStringMap(init.labels, issues.at('labels'));
  readStringMap(init.annotations, issues.at('annotations'));
}

/** @internal */
export function renderSecret(
  init: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  },
  defaultName: string,
  data: Record<string, string>,
): Secret {
  const metadata: ObjectMeta & { namespace: string } = {
    name: init.name ?? defaultName,
    namespace: init.namespace ?? DEFAULT_TARGET_NAMESPACE,
    ...(init.labels === undefined ? {} : { labels: init.labels }),
    ...(init.annotations === undefined ? {} : { annotations: init.annotations }),
  };
  return {
    apiVersion: SECRET_GVK.apiVersion,
    kind: SECRET_GVK.kind,
    metadata,
    type: 'Opaque',
    data,
  };
}

/**
 * Builds the AWS credential `Secret` the credential-provider-package mounts, in either form.
 * Values are base64-encoded in `data` exactly as given (no trailing newline).
 *
 * @throws {@link ValidationError} for a missing or malformed value (never quoting a secret), a
 * region that is not a region, or a `keys`-form Secret with a profile other than `default` (the
 * chart always writes `[default]` for that form).
 * @example
 * ```ts
 * const secret = createAwsCredentialsSecret({
 *   form: 'keys', accessKeyId, secretAccessKey, region: 'us-west-2',
 * });
 * ```
 * @see https://anywhere.eks.amazonaws.com/docs/packages/credential-provider-package/
 * @public
 */
export function createAwsCredentialsSecret(init: AwsCredentialsSecretInit): Secret {
  requireObject(init, 'createAwsCredentialsSecret');
  const issues = createIssueCollector();
  if (!Object.values<string>(AWS_SECRET_FORMS).includes(init.form)) {
    issues
      .at('form')
      .error(
        ISSUE_CODES.INVALID_VALUE,
        `must be "keys" or "config", found ${typeof init.form === 'string' ? quote(init.form) : 'nothing'}`,
      );
  }
  checkSecretValue(init.accessKeyId, issues.at('accessKeyId'), 'access key ID');
  checkSecretValue(init.secretAccessKey, issues.at('secretAccessKey'), 'secret access key');
  if (init.sessionToken !== undefined)
    checkSecretValue(init.sessionToken, issues.at('sessionToken'), 'session token');
  const regionProblem =
    typeof init.region === 'string' ? checkRegion(init.region) : 'is required, such as "us-west-2"';
  if (regionProblem !== undefined)
    issues.at('region').error(ISSUE_CODES.INVALID_REGION, regionProblem);
  const profile = init.profile ?? 'default';
  checkWritableProfileName(profile, issues.at('profile'));
  if (init.form === 'keys' && profile !== 'default') {
    issues
      .at('profile')
      .error(
        ISSUE_CODES.PROFILE_NOT_AVAILABLE,
        `${quote(profile)} cannot be used with the keys form: the provider image always writes those keys as the [default] profile; use profile "default", or form "config" for a named profile`,
      );
  }
  checkSecretMetadata(init, issues);
  issues.throwIfErrors('invalid AWS credentials Secret');

  const data: Record<string, string> =
    init.form === 'keys'
      ? {
          AWS_ACCESS_KEY_ID: base64(init.accessKeyId),
          AWS_SECRET_ACCESS_KEY: base64(init.secretAccessKey),
          REGION: base64(init.region),
          ...(init.sessionToken === undefined
            ? {}
            : { AWS_SESSION_TOKEN: base64(init.sessionToken) }),
        }
      : {
          config: base64(
            formatAwsConfigFile({
              profiles: {
                [profile]: {
                  region: init.region,
                  aws_access_key_id: init.accessKeyId,
                  aws_secret_access_key: init.secretAccessKey,
                  aws_session_token: init.sessionToken,
                },
              },
            }),
          ),
        };
  return renderSecret(init, DEFAULT_AWS_SECRET_NAME, data);
}

/**
 * An AWS credential Secret read back. Holds secret values: do not log it.
 *
 * @public
 */
export type ParsedAwsCredentialsSecret =
  | {
      readonly form: 'keys';
      readonly name: string;
      readonly namespace: string;
      readonly region: string;
      readonly accessKeyId: string;
      readonly secretAccessKey: string;
      readonly sessionToken?: string;
      /** Always `['default']` for this form. */
      readonly profiles: readonly string[];
      readonly warnings: readonly ValidationIssue[];
    }
  | {
      readonly form: 'config';
      readonly name: string;
      readonly namespace: string;
      /** The AWS config file text. */
      readonly config: string;
      /** Profile names (`default`, and `NAME` for each `[profile NAME]`). */
      readonly profiles: readonly string[];
      /** Each profile's settings. */
      readonly settings: Readonly<Record<string, AwsConfigProfile>>;
      readonly warnings: readonly ValidationIssue[];
    };

/**
 * Reads an AWS credential `Secret` (YAML text or object, `data` or `stringData`) in either form,
 * checking it the way the provider image reads it.
 *
 * @throws {@link ValidationError} listing every problem; messages never contain secret values.
 * @public
 */
export function parseAwsCredentialsSecret(input: unknown): ParsedAwsCredentialsSecret {
  const issues = createIssueCollector();
  const obj = typeof input === 'string' ? parseYaml(input)[0] : input;
  if (!isRecord(obj) || obj['apiVersion'] !== 'v1' || obj['kind'] !== 'Secret') {
    issues.error(ISSUE_CODES.UNSUPPORTED_KIND, 'expected a v1 Secret');
    issues.throwIfErrors('invalid AWS credentials Secret');
  }
  const secret = obj as Record<string, unknown>;
  const metadata = readRecord(secret['metadata'], issues.at('metadata')) ?? {};
  const name = readString(metadata['name'], issues.at('metadata.name')) ?? '';
  const namespace = readString(metadata['namespace'], issues.at('metadata.namespace')) ?? 'default';
  const values = readSecretData(secret, issues);
  const hasKeys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'REGION'].some((k) => k in values);
  if (values['config'] !== undefined) {
    if (hasKeys)
      issues
        .at('data')
        .warn(
          ISSUE_CODES.INVALID_VALUE,
          'has both a "config" key and separate keys: the provider image uses "config" and ignores the others',
        );
    const { profiles, settings } = readAwsConfig(values['config'], issues.at('data', 'config'));
    issues.throwIfErrors('invalid AWS credentials Secret');
    return {
      form: 'config',
      name,
      namespace,
      config: values['config'],
      profiles,
      settings,
      warnings: issues.warnings,
    };
  }
  if (!hasKeys) {
    issues
      .at('data')
      .error(
        ISSUE_CODES.REQUIRED,
        'has neither a "config" key nor AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and REGION',
      );
  }
  const ok =
    checkSecretValue(
      values['AWS_ACCESS_KEY_ID'],
      issues.at('data.AWS_ACCESS_KEY_ID'),
      'access key ID',
    ) &&
    checkSecretValue(
      values['AWS_SECRET_ACCESS_KEY'],
      issues.at('data.AWS_SECRET_ACCESS_KEY'),
      'secret access key',
    );
  const region = values['REGION'];
  const regionProblem =
    region === undefined ? 'is required, such as "us-west-2"' : checkRegion(region);
  if (regionProblem !== undefined)
    issues.at('data.REGION').error(ISSUE_CODES.INVALID_REGION, regionProblem);
  const token = values['AWS_SESSION_TOKEN'];
  if (token !== undefined)
    checkSecretValue(token, issues.at('data.AWS_SESSION_TOKEN'), 'session token');
  issues.throwIfErrors('invalid AWS credentials Secret');
  if (!ok || region === undefined) throw new Error('unreachable');
  return {
    form: 'keys',
    name,
    namespace,
    region,
    accessKeyId: values['AWS_ACCESS_KEY_ID'] ?? '',
    secretAccessKey: values['AWS_SECRET_ACCESS_KEY'] ?? '',
    ...(token === undefined ? {} : { sessionToken: token }),
    profiles: ['default'],
    warnings: issues.warnings,
  };
}

function readSecretData(
  secret: Record<string, unknown>,
  issues: IssueCollector,
): Record<string, string> {
  const out: Record<string, string> = {};
  const data = readRecord(secret['data'], issues.at('data')) ?? {};
  for (const [k, v] of Object.entries(data)) {
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) {
      issues
        .at('data', k)
        .error(
          ISSUE_CODES.INVALID_VALUE,
          'is not base64: Secret data values must be base64-encoded (or use stringData)',
        );
      continue;
    }
    out[k] = Buffer.from(v, 'base64').toString('utf8');
  }
  const stringData = readRecord(secret['stringData'], issues.at('stringData')) ?? {};
  for (const [k, v] of Object.entries(stringData)) {
    if (typeof v === 'string') out[k] = v;
    else
      issues
        .at('stringData', k)
        .error(ISSUE_CODES.INVALID_TYPE, `must be a string, found ${describeType(v)}`);
  }
  return out;
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
