import type http from 'node:http';
import type https from 'node:https';
import { isCredprovError, safeText, requireObject, dropUndefined } from '@eksa-credprov/core';
import { AwsApiError, fromSdkError } from './aws-api-error.ts';
import { proxyVariables } from './http.ts';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
} from './from-roles-anywhere.ts';

/**
 * Input for {@link getEcrAuthorizationToken}.
 *
 * @public
 */
export interface EcrAuthorizationTokenInit {
  /** Region of the registry (ECR Public is always `us-east-1`). */
  readonly region: string;
  /** Credentials, or a provider such as {@link fromRolesAnywhere}. */
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** The registry host; `public.ecr.aws` (or `ecr-public.aws.com`) asks ECR Public. */
  readonly registry?: string;
  /** Deprecated by AWS: a token works for every registry the caller may read. */
  readonly registryIds?: readonly string[];
  /** API endpoint instead of the region's (also `AWS_ENDPOINT_URL_ECR`, read by the SDK). */
  readonly endpoint?: string;
  readonly signal?: AbortSignal;
  /**
   * Send through the proxies that `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` in this object name
   * (Node's own agent support); pass `process.env` to follow the environment. The AWS SDK alone
   * ignores these variables.
   * @default no proxy
   */
  readonly proxyEnv?: Readonly<Record<string, string | undefined>>;
  /**
   * PEM roots to trust instead of Node's, as `AWS_CA_BUNDLE` or a profile's `ca_bundle` name them
   * (the AWS SDK for JavaScript reads neither).
   */
  readonly caBundle?: string;
}

/**
 * A registry login. `password` is a secret: never log it.
 *
 * @public
 */
export interface EcrAuthorizationToken {
  /** Always `AWS` for ECR. */
  readonly username: string;
  readonly password: string;
  /**
   * When the token expires (ECR tokens last 12 hours); undefined when ECR's answer had no
   * `expiresAt`, in which case the node-side provider tells the kubelet not to cache it, as the
   * Go provider does.
   */
  readonly expiresAt?: Date;
  /** `https://<registry host>`. */
  readonly proxyEndpoint: string;
}

const OPERATION = 'ECR GetAuthorizationToken';

function apiError(message: string, cause?: unknown): AwsApiError {
  return new AwsApiError({ operation: OPERATION, message, cause });
}

/**
 * Decodes base64 as Go's `base64.StdEncoding.DecodeString` does: the standard alphabet with its
 * padding, line breaks ignored, anything else refused. Node's decoder would skip bad characters.
 * The error says where, never what (the text is a password).
 */
function decodeStdBase64(text: string): Buffer {
  const clean = text.replace(/[\r\n]/g, '');
  const fail = (where: string): never => {
    throw apiError(
      `ECR's authorization token is not valid base64 (${where}); check that AWS_ENDPOINT_URL_ECR, AWS_ENDPOINT_URL or endpoint_url points at ECR`,
    );
  };
  const bad = /[^A-Za-z0-9+/=]/.exec(clean);
  if (bad !== null) fail(`a character outside the alphabet at byte ${bad.index}`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0)
    fail('wrong padding or length');
  return Buffer.from(clean, 'base64');
}

/** Splits `base64("AWS:<password>")` on the first colon, as the Go provider does. @internal */
export function decodeToken(token: string | undefined): { username: string; password: string } {
  if (token === undefined || token === '')
    throw apiError('ECR answered without an authorization token');
  const text = decodeStdBase64(token).toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) throw apiError('error parsing username and password from authorization token');
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * Agents for the AWS SDK's Node handler that honour the proxy variables in `env` and trust `ca`,
 * or undefined when neither is set (the SDK's own agents then). The SDK accepts the handler's
 * options (`httpAgent`, `httpsAgent`) as `requestHandler`.
 *
 * @internal
 */
export function sdkRequestHandler(init: {
  readonly proxyEnv?: Readonly<Record<string, string | undefined>> | undefined;
  readonly ca?: string | undefined;
}): { httpAgent: http.Agent; httpsAgent: https.Agent } | undefined {
  const proxyEnv = init.proxyEnv === undefined ? undefined : proxyVariables(init.proxyEnv);
  if (proxyEnv === undefined && init.ca === undefined) return undefined;
  const options = { keepAlive: true, ...(proxyEnv === undefined ? {} : { proxyEnv }) };
  // Loaded here: node:http cannot be in the provider's start-up snapshot (see http.ts).
  return {
    httpAgent: new (process.getBuiltinModule('node:http').Agent)(options),
    httpsAgent: new (process.getBuiltinModule('node:https').Agent)({
      ...options,
      ...(init.ca === undefined ? {} : { ca: init.ca }),
    }),
  };
}

function failure(e: unknown): unknown {
  if (isCredprovError(e)) return e;
  const name = (e as { name?: string }).name ?? 'Error';
  const message = e instanceof Error ? e.message : String(e);
  const hint = /credential|token|signature|UnrecognizedClient|ExpiredToken|AccessDenied/i.test(
    `${name} ${message}`,
  )
    ? 'check the credentials and that their role may call ecr:GetAuthorizationToken'
    : '';
  const service = fromSdkError(e, OPERATION, hint);
  if (service !== e) return service;
  return apiError(
    `${OPERATION} failed: ${name}: ${safeText(message)}${hint === '' ? '' : `: ${hint}`}`,
    e,
  );
}

/**
 * Gets an ECR registry login (what the kubelet provider returns, or what an image pull Secret
 * needs). Private registries use ECR `GetAuthorizationToken`; `public.ecr.aws` uses ECR Public in
 * `us-east-1`. The AWS SDK clients load on first use.
 *
 * @throws AwsApiError `AWS_API_ERROR` with ECR's error and what to check; the password never
 * appears in it.
 * @public
 */
export async function getEcrAuthorizationToken(
  init: EcrAuthorizationTokenInit,
): Promise<EcrAuthorizationToken> {
  requireObject(init, 'getEcrAuthorizationToken');
  const isPublic = init.registry === 'public.ecr.aws' || init.registry === 'ecr-public.aws.com';
  const requestHandler = sdkRequestHandler({ proxyEnv: init.proxyEnv, ca: init.caBundle });
  const config = {
    region: isPublic ? 'us-east-1' : init.region,
    credentials: init.credentials,
    ...dropUndefined({ endpoint: init.endpoint, requestHandler }),
  };
  const options = init.signal === undefined ? {} : { abortSignal: init.signal };
  try {
    if (isPublic) {
      const { ECRPUBLICClient, GetAuthorizationTokenCommand } =
        await import('@aws-sdk/client-ecr-public');
      const client = new ECRPUBLICClient(config);
      try {
        const out = await client.send(new GetAuthorizationTokenCommand({}), options);
        const data = out.authorizationData;
        if (data === undefined) throw apiError('authorization data was empty');
        return {
          ...decodeToken(data.authorizationToken),
          ...(data.expiresAt === undefined ? {} : { expiresAt: data.expiresAt }),
          proxyEndpoint: `https://${init.registry ?? 'public.ecr.aws'}`,
        };
      } finally {
        client.destroy();
      }
    }
    const { ECRClient, GetAuthorizationTokenCommand } = await import('@aws-sdk/client-ecr');
    const client = new ECRClient(config);
    try {
      // registryIds is deprecated by AWS (a token serves every registry the caller may read);
      // kept because callers pinning registries still pass it.
      const input = init.registryIds === undefined ? {} : { registryIds: [...init.registryIds] };
      const out = await client.send(new GetAuthorizationTokenCommand(input), options);
      const data = out.authorizationData?.[0];
      if (data === undefined) throw apiError('authorization data was empty');
      return {
        ...decodeToken(data.authorizationToken),
        ...(data.expiresAt === undefined ? {} : { expiresAt: data.expiresAt }),
        proxyEndpoint:
          data.proxyEndpoint ?? (init.registry === undefined ? '' : `https://${init.registry}`),
      };
    } finally {
      client.destroy();
    }
  } catch (e) {
    throw failure(e);
  }
}
