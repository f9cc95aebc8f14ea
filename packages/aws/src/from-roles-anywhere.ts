import { dropUndefined, ERROR_CODES, isValidationError, requireObject } from '@eksa-credprov/core';
import { AwsApiError, readAwsErrorAnswer } from './aws-api-error.ts';
import { MAX_CONFIG_FILE_BYTES, describeReadFailure, readBoundedFile } from './bounded-file.ts';
import { sendWithRetries } from './http.ts';
import {
  createSessionRequest,
  type SessionRequestInit,
  type SignedRequest,
} from './session-request.ts';

/**
 * AWS credentials, shaped as the AWS SDK for JavaScript v3 expects them
 * (`AwsCredentialIdentity`), so the provider drops into any client's `credentials` option.
 *
 * @public
 */
export interface AwsCredentialIdentity {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** A function that returns credentials (`AwsCredentialIdentityProvider`). @public */
export type AwsCredentialIdentityProvider = () => Promise<AwsCredentialIdentity>;

/**
 * Input for {@link fromRolesAnywhere}. Give the certificate and key as files (re-read on every
 * refresh, so a rotated `kubelet-client-current.pem` is picked up) or as PEM text.
 *
 * @public
 */
export interface RolesAnywhereInit extends Pick<
  SessionRequestInit,
  | 'trustAnchorArn'
  | 'profileArn'
  | 'roleArn'
  | 'region'
  | 'durationSeconds'
  | 'roleSessionName'
  | 'passphrase'
> {
  /** PEM file with the certificate (may also hold the key, as the kubelet's does). */
  readonly certificateFile?: string;
  /** PEM file with the private key. @default `certificateFile` */
  readonly privateKeyFile?: string;
  /** PEM file with intermediate certificates. */
  readonly chainFile?: string;
  /** PEM text, instead of `certificateFile`. */
  readonly certificate?: string;
  /** PEM text, instead of `privateKeyFile`. */
  readonly privateKey?: string;
  /** Base URL instead of `https://rolesanywhere.<region>.amazonaws.com` (also `AWS_ENDPOINT_URL_ROLESANYWHERE`). */
  readonly endpoint?: string;
  /** Refresh credentials this long before they expire. @default 300000 (5 minutes) */
  readonly refreshBeforeExpiryMs?: number;
  /** Attempts per refresh on throttling, 5xx and connection failures. @default 3 */
  readonly maxAttempts?: number;
  /** Time limit for one refresh, retries included. @default 20000 */
  readonly timeoutMs?: number;
  /** The clock used to sign. @default `Date.now` */
  readonly now?: () => number;
  /** PEM roots to trust instead of Node's, as the SDK's `AWS_CA_BUNDLE`. */
  readonly caBundle?: string;
  /** Where `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` are read. @default `process.env` */
  readonly proxyEnv?: Readonly<Record<string, string | undefined>>;
}

interface SessionResponse {
  credentialSet?: {
    credentials?: {
      accessKeyId?: string;
      secretAccessKey?: string;
      sessionToken?: string;
      expiration?: string;
    };
  }[];
}

const CREATE_SESSION = 'IAM Roles Anywhere CreateSession';

function credentialsError(message: string, cause?: unknown): AwsApiError {
  return new AwsApiError({
    code: ERROR_CODES.AWS_CREDENTIALS_ERROR,
    operation: CREATE_SESSION,
    message,
    cause,
  });
}

/** Hints for the service's refusals (messages as IAM Roles Anywhere words them). */
function hint(message: string): string {
  if (/Untrusted signing certificate/i.test(message))
    return 'is the trust anchor the CA that issued this certificate, and is the certificate still valid?';
  if (/Invalid signature/i.test(message)) return "the private key must be the certificate's";
  if (/disabled/i.test(message)) return 'enable it (EnableProfile / EnableTrustAnchor)';
  if (/not found/i.test(message)) return 'check the ARNs in the credfile';
  if (/Role .* is not in profile|not authorized/i.test(message))
    return "add the role to the profile's roleArns";
  return '';
}

/**
 * An AWS SDK v3 credential provider that gets credentials from IAM Roles Anywhere natively: it
 * signs `CreateSession` with the certificate's key (no `aws_signing_helper`, no shell). Credentials
 * are kept until `refreshBeforeExpiryMs` before they expire; concurrent callers share one
 * in-flight request; the certificate and key files are read again on every refresh.
 *
 * @example
 * ```ts
 * const ecr = new ECRClient({ region: 'us-west-2', credentials: fromRolesAnywhere({
 *   certificateFile: '/var/lib/kubelet/pki/kubelet-client-current.pem',
 *   trustAnchorArn, profileArn, roleArn,
 * }) });
 * ```
 * @throws (from the returned function) CredprovError `AWS_CREDENTIALS_ERROR` saying what the
 * service refused and what to check, or that it could not be reached after `maxAttempts`; never
 * containing a key or credential.
 * @see https://docs.aws.amazon.com/rolesanywhere/latest/userguide/authentication-create-session.html
 * @public
 */
export function fromRolesAnywhere(init: RolesAnywhereInit): AwsCredentialIdentityProvider {
  requireObject(init, 'fromRolesAnywhere');
  const now = init.now ?? Date.now;
  const refreshBefore = init.refreshBeforeExpiryMs ?? 300_000;
  let cached: AwsCredentialIdentity | undefined;
  let inflight: Promise<AwsCredentialIdentity> | undefined;

  const fresh = (): boolean =>
    cached?.expiration !== undefined && cached.expiration.getTime() - now() > refreshBefore;

  return () => {
    if (cached !== undefined && fresh()) return Promise.resolve(cached);
    inflight ??= refresh(init, now)
      .then((c) => {
        cached = c;
        return c;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };
}

async function readInputs(
  init: RolesAnywhereInit,
): Promise<{ certificate: string; privateKey: string; chain?: string }> {
  const read = async (file: string, what: string): Promise<string> => {
    try {
      return await readBoundedFile(file, MAX_CONFIG_FILE_BYTES);
    } catch (e) {
      throw credentialsError(`cannot read the ${what} file ${file}: ${describeReadFailure(e)}`, e);
    }
  };
  const certificate =
    init.certificate ??
    (init.certificateFile === undefined
      ? undefined
      : await read(init.certificateFile, 'certificate'));
  if (certificate === undefined)
    throw credentialsError('fromRolesAnywhere needs certificateFile or certificate');
  const keyFile = init.privateKeyFile ?? init.certificateFile;
  const privateKey =
    init.privateKey ?? (keyFile === undefined ? undefined : await read(keyFile, 'private key'));
  if (privateKey === undefined)
    throw credentialsError('fromRolesAnywhere needs privateKeyFile or privateKey');
  const chain = init.chainFile === undefined ? undefined : await read(init.chainFile, 'chain');
  return { certificate, privateKey, ...(chain === undefined ? {} : { chain }) };
}

async function refresh(init: RolesAnywhereInit, now: () => number): Promise<AwsCredentialIdentity> {
  const inputs = await readInputs(init);
  const endpoint = init.endpoint ?? process.env['AWS_ENDPOINT_URL_ROLESANYWHERE'];
  const sign = (): SignedRequest => {
    try {
      return createSessionRequest({
        ...inputs,
        ...dropUndefined({
          passphrase: init.passphrase,
          region: init.region,
          durationSeconds: init.durationSeconds,
          roleSessionName: init.roleSessionName,
          endpoint,
        }),
        trustAnchorArn: init.trustAnchorArn,
        profileArn: init.profileArn,
        roleArn: init.roleArn,
        date: new Date(now()),
      });
    } catch (e) {
      const detail = isValidationError(e)
        ? e.issues.map((i) => `${i.path}: ${i.message}`).join('; ')
        : e instanceof Error
          ? e.message
          : String(e);
      throw credentialsError(`cannot sign the IAM Roles Anywhere request: ${detail}`, e);
    }
  };
  const res = await sendWithRetries({
    operation: CREATE_SESSION,
    build: sign,
    ca: init.caBundle,
    proxyEnv: init.proxyEnv,
    deadline: now() + (init.timeoutMs ?? 20_000),
    maxAttempts: init.maxAttempts,
    code: ERROR_CODES.AWS_CREDENTIALS_ERROR,
    now,
  });
  if (res.status === 201 || res.status === 200) return parseCredentials(res.text);
  const answer = readAwsErrorAnswer(res.status, res.headers, res.text);
  const refused = (message: string): AwsApiError =>
    new AwsApiError({
      code: ERROR_CODES.AWS_CREDENTIALS_ERROR,
      operation: CREATE_SESSION,
      status: answer.status,
      errorType: answer.errorType,
      requestId: answer.requestId,
      message,
    });
  if (/Signature expired|more than 5 minutes|skew/i.test(answer.message)) {
    const serverDate = res.headers.date;
    const offset =
      serverDate === undefined ? undefined : Math.round((now() - Date.parse(serverDate)) / 1000);
    throw refused(
      `IAM Roles Anywhere refused the request date: ${answer.message}${offset === undefined ? '' : ` (this clock is about ${offset} s ${offset > 0 ? 'ahead of' : 'behind'} the service)`}; synchronise the node's clock (NTP)`,
    );
  }
  const h = hint(answer.message);
  throw refused(`${CREATE_SESSION} failed: ${answer.summary}${h === '' ? '' : `; ${h}`}`);
}

function parseCredentials(text: string): AwsCredentialIdentity {
  let body: SessionResponse | null;
  try {
    body = JSON.parse(text) as SessionResponse | null;
  } catch {
    throw credentialsError('IAM Roles Anywhere answered with something that is not JSON');
  }
  const c = body?.credentialSet?.[0]?.credentials;
  if (
    c?.accessKeyId === undefined ||
    c.secretAccessKey === undefined ||
    c.sessionToken === undefined ||
    c.expiration === undefined
  ) {
    throw credentialsError('IAM Roles Anywhere answered without credentials (empty credentialSet)');
  }
  const expiration = new Date(c.expiration);
  if (Number.isNaN(expiration.getTime()))
    throw credentialsError('IAM Roles Anywhere answered with an unreadable expiration');
  return {
    accessKeyId: c.accessKeyId,
    secretAccessKey: c.secretAccessKey,
    sessionToken: c.sessionToken,
    expiration,
  };
}
