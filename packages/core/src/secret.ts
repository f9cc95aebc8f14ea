import { requireObject } from './input.ts';
import { formatAwsConfigFile } from './aws-config-write.ts';
import { readAwsConfig, type AwsConfigProfile } from './aws-config.ts';
import { checkRegion } from './aws-names.ts';
import { ISSUE_CODES, type ValidationIssue } from './errors.ts';
import { createIssueCollector, isRecord, quote, readRecord, readString } from './issues.ts';
import { checkWritableProfileName } from './field-checks.ts';
import {
  base64,
  checkSecretMetadata,
  checkSecretValue,
  readSecretData,
  renderSecret,
  type Secret,
} from './kube-secret.ts';
import { parseYaml } from './yaml.ts';

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
  return renderSecret(init, { defaultName: DEFAULT_AWS_SECRET_NAME, data });
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
