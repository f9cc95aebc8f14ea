/**
 * ECR `GetAuthorizationToken` without the AWS SDK: one SigV4-signed JSON request over node:https.
 * The node-side provider uses it when its credentials are an access key (static or from IAM Roles
 * Anywhere) and nothing but a region, endpoint, CA bundle or proxy is configured; anything else
 * goes through the SDK (getEcrAuthorizationToken). Loading the SDK's ECR client costs 125–150 ms
 * on the test machine, several times the request itself.
 *
 * @internal
 */
import type { IncomingHttpHeaders } from 'node:http';
import { CredprovError, ERROR_CODES, safeText } from '@eksa-credprov/core';
import { decodeToken, type EcrAuthorizationToken } from './ecr-token.ts';
import type { AwsCredentialIdentity } from './from-roles-anywhere.ts';
import { describeNetworkError, retryDelayMs, send } from './http.ts';
import { signHmac, toAmzDate } from './sign.ts';

/** DNS suffix of ECR's API endpoint by region prefix (the AWS partitions). */
const PARTITION_SUFFIXES: readonly (readonly [RegExp, string])[] = [
  [/^cn-/, 'amazonaws.com.cn'],
  [/^us-isob-/, 'sc2s.sgov.gov'],
  [/^us-isof-/, 'csp.hci.ic.gov'],
  [/^us-iso-/, 'c2s.ic.gov'],
  [/^eu-isoe-/, 'cloud.adc-e.uk'],
  [/^eusc-/, 'amazonaws.eu'],
];

/** ECR's regional API endpoint, as the SDK's endpoint rules give it (no FIPS, no dual-stack). */
export function ecrEndpoint(region: string): string {
  const suffix = PARTITION_SUFFIXES.find(([re]) => re.test(region))?.[1] ?? 'amazonaws.com';
  return `https://api.ecr.${region}.${suffix}`;
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

function apiError(message: string): CredprovError {
  return new CredprovError({ code: ERROR_CODES.AWS_API_ERROR, message });
}

/** The error's type and message from an AWS JSON-protocol error answer. */
function errorOf(status: number, headers: IncomingHttpHeaders, text: string): string {
  const header = headers['x-amzn-errortype'];
  let type = (typeof header === 'string' ? header : '').split(':')[0] ?? '';
  let message: string;
  try {
    const body = JSON.parse(text) as { __type?: unknown; message?: unknown; Message?: unknown };
    type ||= (typeof body.__type === 'string' ? body.__type : '').split('#').pop() ?? '';
    const m = body.message ?? body.Message;
    message = typeof m === 'string' ? m : '';
  } catch {
    message = text.replace(/\s+/g, ' ').trim();
  }
  // Echoed in the provider's error: cut short, control characters (terminal escapes) escaped.
  return `${status}${type === '' ? '' : ` ${safeText(type, { max: 100 })}`}${message === '' ? '' : `: ${safeText(message)}`}`;
}

const CREDENTIAL_ERROR =
  /UnrecognizedClient|InvalidSignature|SignatureDoesNotMatch|ExpiredToken|AccessDenied|InvalidClientTokenId|not authorized/i;

/**
 * Gets a private ECR registry login with one signed request; retries throttling, 5xx answers and
 * connection failures with jittered back-off until `signal` aborts.
 *
 * @throws CredprovError `AWS_API_ERROR` naming ECR's error and what to check; never the password.
 */
export async function getEcrTokenDirect(init: EcrDirectInit): Promise<EcrAuthorizationToken> {
  const now = init.now ?? Date.now;
  const base = new URL(init.endpoint ?? ecrEndpoint(init.region));
  const maxAttempts = init.maxAttempts ?? 3;
  const body = '{}';
  for (let attempt = 1; ; attempt++) {
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
    const path = base.pathname === '' ? '/' : base.pathname;
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
    let last: string;
    try {
      const res = await send({
        method: 'POST',
        url: `${base.origin}${path}`,
        headers: { ...headers, authorization },
        body,
        signal: init.signal,
        ca: init.ca,
        proxyEnv: init.proxyEnv,
      });
      if (res.status === 200) return parseToken(res.text, base);
      last = errorOf(res.status, res.headers, res.text);
      const throttled = /Throttl|TooManyRequests/i.test(last);
      if (res.status < 500 && res.status !== 429 && !throttled) {
        const hint = CREDENTIAL_ERROR.test(last)
          ? '; check the credentials and that their role may call ecr:GetAuthorizationToken'
          : '';
        throw apiError(`ECR GetAuthorizationToken failed: ${last}${hint}`);
      }
    } catch (e) {
      if (e instanceof CredprovError) throw e;
      if (init.signal.aborted) throw apiError(`ECR did not answer at ${base.origin} in time`);
      last = `cannot reach ${base.origin}: ${describeNetworkError(e)}`;
    }
    if (attempt >= maxAttempts)
      throw apiError(
        `ECR GetAuthorizationToken failed after ${attempt} attempts: ${last}; check the network path to ECR (proxy, NO_PROXY, firewall)`,
      );
    const delay = retryDelayMs(attempt);
    await new Promise((r) => setTimeout(r, delay));
    if (init.signal.aborted) throw apiError(`ECR did not answer at ${base.origin} in time`);
  }
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
