/**
 * ECR `GetAuthorizationToken` without the AWS SDK: one SigV4-signed JSON request over node:https.
 * The node-side provider uses it when its credentials are an access key (static or from IAM Roles
 * Anywhere) and nothing but a region, endpoint, CA bundle or proxy is configured; anything else
 * goes through the SDK (getEcrAuthorizationToken). Loading the SDK's ECR client costs 125–150 ms
 * on the test machine, several times the request itself.
 *
 * @internal
 */
import { partitionOfRegion } from '@eksa-credprov/core';
import { AwsApiError, readAwsErrorAnswer } from './aws-api-error.ts';
import { decodeToken, type EcrAuthorizationToken } from './ecr-token.ts';
import type { AwsCredentialIdentity } from './from-roles-anywhere.ts';
import { sendWithRetries } from './http.ts';
import { signHmac, toAmzDate } from './sign.ts';

/** ECR's regional API endpoint, as the SDK's endpoint rules give it (no FIPS, no dual-stack). */
export function ecrEndpoint(region: string): string {
  return `https://api.ecr.${region}.${partitionOfRegion(region).dnsSuffix}`;
}

/** Input for {@link getEcrTokenDirect}. */
export interface EcrDirectInit {
  readonly region: string;
  readonly credentials: AwsCredentialIdentity;
  /** Base URL. @default {@link ecrEndpoint}(region) */
  readonly endpoint?: string | undefined;
  readonly ca?: string | undefined;
  readonly proxyEnv?: Readonly<Record<string, string | undefined>> | undefined;
  readonly signal: AbortSignal;
  /** Attempts on throttling, 5xx and connection failures. @default 3 */
  readonly maxAttempts?: number;
  /** The clock used to sign. @default `Date.now` */
  readonly now?: () => number;
}

interface TokenBody {
  authorizationData?: {
    authorizationToken?: unknown;
    expiresAt?: unknown;
    proxyEndpoint?: unknown;
  }[];
}

function apiError(message: string): AwsApiError {
  return new AwsApiError({ operation: 'ECR GetAuthorizationToken', message });
}

const CREDENTIAL_ERROR =
  /UnrecognizedClient|InvalidSignature|SignatureDoesNotMatch|ExpiredToken|AccessDenied|InvalidClientTokenId|not authorized/i;

/**
 * Gets a private ECR registry login with one signed request; retries throttling, 5xx answers and
 * connection failures with jittered back-off until `signal` aborts.
 *
 * @throws AwsApiError `AWS_API_ERROR` naming ECR's error and what to check; never the password.
 */
export async function getEcrTokenDirect(init: EcrDirectInit): Promise<EcrAuthorizationToken> {
  const now = init.now ?? Date.now;
  const base = new URL(init.endpoint ?? ecrEndpoint(init.region));
  const path = base.pathname === '' ? '/' : base.pathname;
  const body = '{}';
  const operation = 'ECR GetAuthorizationToken';
  const res = await sendWithRetries({
    operation,
    build: () => {
      const amzDate = toAmzDate(new Date(now()));
      const headers: Record<string, string> = {
        host: base.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken',
        'x-amz-date': amzDate,
        ...(init.credentials.sessionToken === undefined
          ? {}
          : { 'x-amz-security-token': init.credentials.sessionToken }),
      };
      const { authorization } = signHmac({
        method: 'POST',
        path,
        query: {},
        headers,
        body,
        amzDate,
        region: init.region,
        service: 'ecr',
        accessKeyId: init.credentials.accessKeyId,
        secretAccessKey: init.credentials.secretAccessKey,
      });
      return {
        method: 'POST',
        url: `${base.origin}${path}`,
        headers: { ...headers, authorization },
        body,
      };
    },
    ca: init.ca,
    proxyEnv: init.proxyEnv,
    signal: init.signal,
    maxAttempts: init.maxAttempts,
    exhaustedHint: 'check the network path to ECR (proxy, NO_PROXY, firewall)',
    now,
  });
  if (res.status === 200) return parseToken(res.text, base);
  const answer = readAwsErrorAnswer(res.status, res.headers, res.text);
  const hint = CREDENTIAL_ERROR.test(answer.summary)
    ? '; check the credentials and that their role may call ecr:GetAuthorizationToken'
    : '';
  throw new AwsApiError({
    operation,
    status: answer.status,
    errorType: answer.errorType,
    requestId: answer.requestId,
    message: `${operation} failed: ${answer.summary}${hint}`,
  });
}

function parseToken(text: string, base: URL): EcrAuthorizationToken {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw apiError(`ECR at ${base.origin} answered with something that is not JSON`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw apiError(
      `ECR at ${base.origin} answered with JSON that is not an object; check that the endpoint is ECR's`,
    );
  const list = (body as TokenBody).authorizationData;
  const data: unknown = Array.isArray(list) ? list[0] : undefined;
  if (data === null || typeof data !== 'object') throw apiError('authorization data was empty');
  const { authorizationToken, expiresAt, proxyEndpoint } = data as NonNullable<
    TokenBody['authorizationData']
  >[number];
  if (expiresAt !== undefined && expiresAt !== null && typeof expiresAt !== 'number')
    throw apiError(`ECR at ${base.origin} answered with an expiresAt that is not a number`);
  return {
    ...decodeToken(typeof authorizationToken === 'string' ? authorizationToken : undefined),
    ...(typeof expiresAt === 'number' ? { expiresAt: new Date(expiresAt * 1000) } : {}),
    proxyEndpoint: typeof proxyEndpoint === 'string' ? proxyEndpoint : '',
  };
}
