/**
 * The kubelet's service-account token exchanged for a role's credentials (KEP-4412), as the Go
 * `ecr-credential-provider` does it from v1.34: STS `AssumeRoleWithWebIdentity` with the role from
 * the service account's `eks.amazonaws.com/ecr-role-arn` annotation, else `AWS_ECR_ROLE_ARN`, and
 * the session name `ecr-credential-provider`. One unsigned Query request over the provider's HTTP
 * path (retries, CA bundle, proxies), without the AWS SDK's STS client.
 *
 * @internal
 */
import {
  CredprovError,
  ECR_ROLE_ARN_ANNOTATION,
  ERROR_CODES,
  parseArn,
  partitionOfRegion,
  safeText,
} from '@eksa-credprov/core';
import { AwsApiError, readAwsErrorAnswer, xmlElement } from './aws-api-error.ts';
import type { AwsCredentialIdentity } from './from-roles-anywhere.ts';
import { sendWithRetries } from './http.ts';

/** The environment variable naming the role when the annotation is absent. @public */
export const ECR_ROLE_ARN_ENV = 'AWS_ECR_ROLE_ARN';
/** The role session name, fixed as in the Go provider (CloudTrail shows it). @public */
export const WEB_IDENTITY_SESSION_NAME = 'ecr-credential-provider';

/** True for an IAM role ARN, by core's ARN rules (known partition, 12-digit account, role name). */
function isRoleArn(value: string): boolean {
  try {
    parseArn(value, 'iam-role');
    return true;
  } catch {
    return false;
  }
}

/** Where the role to assume comes from, for messages. */
export interface WebIdentityRole {
  readonly roleArn: string;
  readonly source: string;
}

/**
 * The role for a request with a service-account token, as the Go provider chooses it: the
 * annotation when the kubelet passed it (even empty), else `AWS_ECR_ROLE_ARN`. Undefined when
 * neither names one: the provider then uses its usual credentials, as the Go provider falls back
 * to the default chain.
 *
 * @throws CredprovError `AWS_CREDENTIALS_ERROR` when the value is not a role ARN.
 */
export function webIdentityRole(
  annotations: Readonly<Record<string, string>> | undefined,
  env: Readonly<Record<string, string | undefined>>,
): WebIdentityRole | undefined {
  const annotated =
    annotations !== undefined && Object.hasOwn(annotations, ECR_ROLE_ARN_ANNOTATION);
  const roleArn = annotated ? annotations[ECR_ROLE_ARN_ANNOTATION] : env[ECR_ROLE_ARN_ENV];
  if (roleArn === undefined || roleArn === '') return undefined;
  const source = annotated
    ? `the service account's ${ECR_ROLE_ARN_ANNOTATION} annotation`
    : ECR_ROLE_ARN_ENV;
  if (!isRoleArn(roleArn))
    throw new CredprovError({
      code: ERROR_CODES.AWS_CREDENTIALS_ERROR,
      message: `${safeText(roleArn, { max: 200 })} (${source}) is not an IAM role ARN such as arn:aws:iam::123456789012:role/NAME; fix ${annotated ? 'the annotation' : 'the variable'}`,
    });
  return { roleArn, source };
}

/**
 * The STS endpoint the Go SDK uses for `region`: `AWS_ENDPOINT_URL_STS`, else
 * `AWS_ENDPOINT_URL`, else the regional endpoint (FIPS when `AWS_USE_FIPS_ENDPOINT` is true).
 */
export function stsEndpoint(
  region: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const configured = [env['AWS_ENDPOINT_URL_STS'], env['AWS_ENDPOINT_URL']].find(
    (v) => v !== undefined && v !== '',
  );
  if (configured !== undefined && env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] !== 'true') {
    if (!URL.canParse(configured) || !/^https?:$/.test(new URL(configured).protocol))
      throw new CredprovError({
        code: ERROR_CODES.AWS_CREDENTIALS_ERROR,
        message: `the STS endpoint "${safeText(configured, { max: 200 })}" is not an http or https URL; fix AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL`,
      });
    return configured;
  }
  const fips = env['AWS_USE_FIPS_ENDPOINT']?.toLowerCase() === 'true';
  return `https://sts${fips ? '-fips' : ''}.${region}.${partitionOfRegion(region).dnsSuffix}`;
}

/** Input for {@link assumeRoleWithWebIdentity}. */
export interface WebIdentityInit {
  readonly role: WebIdentityRole;
  /** The service-account token (a JWT the kubelet requested for the configured audience). */
  readonly token: string;
  readonly region: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly ca?: string | undefined;
  readonly signal: AbortSignal;
}

/**
 * The role's credentials for the token: STS `AssumeRoleWithWebIdentity`, unsigned (the token is
 * the proof), retried on throttling, 5xx and lost connections.
 *
 * @throws AwsApiError `AWS_CREDENTIALS_ERROR` with STS's error code and message (an invalid,
 * expired or wrong-audience token, a trust policy that refuses the service account); never the
 * token.
 */
export async function assumeRoleWithWebIdentity(
  init: WebIdentityInit,
): Promise<AwsCredentialIdentity> {
  const endpoint = new URL(stsEndpoint(init.region, init.env));
  const path = endpoint.pathname === '' ? '/' : endpoint.pathname;
  const body = new URLSearchParams({
    Action: 'AssumeRoleWithWebIdentity',
    Version: '2011-06-15',
    RoleArn: init.role.roleArn,
    RoleSessionName: WEB_IDENTITY_SESSION_NAME,
    WebIdentityToken: init.token,
  }).toString();
  const operation = 'STS AssumeRoleWithWebIdentity';
  const res = await sendWithRetries({
    operation,
    code: ERROR_CODES.AWS_CREDENTIALS_ERROR,
    build: () => ({
      method: 'POST',
      url: `${endpoint.origin}${path}`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        accept: 'text/xml',
      },
      body,
    }),
    ca: init.ca,
    proxyEnv: init.env,
    signal: init.signal,
    exhaustedHint: `check the network path to STS at ${endpoint.origin} (proxy, NO_PROXY, firewall)`,
  });
  if (res.status !== 200) {
    const answer = readAwsErrorAnswer(res.status, res.headers, res.text);
    throw new AwsApiError({
      code: ERROR_CODES.AWS_CREDENTIALS_ERROR,
      operation,
      status: answer.status,
      errorType: answer.errorType,
      requestId: answer.requestId,
      message: `cannot assume ${init.role.roleArn} (${init.role.source}) with the pod's service-account token: ${operation} failed: ${answer.summary}; check the role's trust policy (the OIDC provider of the cluster's issuer, the audience and system:serviceaccount:NAMESPACE:NAME)`,
    });
  }
  const accessKeyId = xmlElement(res.text, 'AccessKeyId');
  const secretAccessKey = xmlElement(res.text, 'SecretAccessKey');
  const sessionToken = xmlElement(res.text, 'SessionToken');
  if (accessKeyId === undefined || secretAccessKey === undefined || sessionToken === undefined)
    throw new AwsApiError({
      code: ERROR_CODES.AWS_CREDENTIALS_ERROR,
      operation,
      message: `${operation} at ${endpoint.origin} answered without credentials; check that the endpoint is STS's`,
    });
  const expiration = xmlElement(res.text, 'Expiration');
  return {
    accessKeyId,
    secretAccessKey,
    sessionToken,
    ...(expiration === undefined || Number.isNaN(Date.parse(expiration))
      ? {}
      : { expiration: new Date(expiration) }),
  };
}
