import {
  awsPartition,
  checkRolesAnywhereArns,
  checkSessionDuration,
  createIssueCollector,
  ISSUE_CODES,
  ValidationError,
  requireObject,
} from '@eksa-credprov/core';
import {
  checkKeyMatches,
  decimalSerial,
  readCertificate,
  readChain,
  readPrivateKey,
} from './certificates.ts';
import { signX509, toAmzDate } from './sign.ts';

/**
 * Input for {@link createSessionRequest}.
 *
 * @public
 */
export interface SessionRequestInit {
  /** PEM text with the leaf certificate (the first CERTIFICATE block is used). */
  readonly certificate: string;
  /** PEM text with the private key (PKCS#1, PKCS#8, SEC1 or encrypted PKCS#8); may be the same text as `certificate`. */
  readonly privateKey: string;
  /** Passphrase of an `ENCRYPTED PRIVATE KEY`. */
  readonly passphrase?: string;
  /** PEM intermediate certificates, sent in `X-Amz-X509-Chain`. */
  readonly chain?: string;
  readonly trustAnchorArn: string;
  readonly profileArn: string;
  readonly roleArn: string;
  /** Signing region and endpoint region. @default the trust anchor's region */
  readonly region?: string;
  /** Session length, 900–43200 seconds. @default 3600 */
  readonly durationSeconds?: number;
  /** Only accepted when the profile has `acceptRoleSessionName`. */
  readonly roleSessionName?: string;
  /** Base URL instead of `https://rolesanywhere.<region>.<partition suffix>`. */
  readonly endpoint?: string;
  /** The signing time; the service refuses requests more than 5 minutes off its clock. */
  readonly date: Date;
}

/**
 * A signed CreateSession request, ready for `fetch(url, { method, headers, body })`.
 *
 * @public
 */
export interface SignedRequest {
  readonly method: 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Builds the signed IAM Roles Anywhere `CreateSession` request, as `aws_signing_helper` sends it:
 * `POST /sessions` with the three ARNs in the query, `{"durationSeconds":N}` as the body, the leaf
 * certificate in `X-Amz-X509` (and intermediates in `X-Amz-X509-Chain`), signed with SigV4 using
 * the certificate's key (`AWS4-X509-RSA-SHA256` or `AWS4-X509-ECDSA-SHA256`). RSA signatures are
 * deterministic for a given `date`.
 *
 * @throws `ValidationError` (from `@eksa-credprov/core`) for ARNs of the wrong kind or in different regions, a key that
 * does not belong to the certificate, a certificate not valid at `date`, or a bad duration. The
 * key never appears in an error.
 * @see https://docs.aws.amazon.com/rolesanywhere/latest/userguide/authentication-sign-process.html
 * @public
 */
export function createSessionRequest(init: SessionRequestInit): SignedRequest {
  requireObject(init, 'createSessionRequest');
  const issues = createIssueCollector();
  const { anchor } = checkRolesAnywhereArns(init, issues);
  const duration = init.durationSeconds ?? 3600;
  checkSessionDuration(duration, issues.at('durationSeconds'));
  if (!(init.date instanceof Date) || Number.isNaN(init.date.getTime()))
    issues.at('date').error(ISSUE_CODES.INVALID_VALUE, 'must be a valid Date (the signing time)');
  // A trust anchor ARN that did not parse has an issue: the second test only narrows the type.
  if (issues.errors.length > 0 || anchor === undefined)
    throw new ValidationError('invalid CreateSession request', issues.errors);

  const certificate = readCertificate(init.certificate);
  const key = readPrivateKey(init.privateKey, init.passphrase);
  checkKeyMatches(certificate, key);
  const validFrom = new Date(certificate.validFrom);
  const validTo = new Date(certificate.validTo);
  if (init.date < validFrom || init.date > validTo) {
    throw new ValidationError('invalid CreateSession request', [
      {
        path: 'certificate',
        code: ISSUE_CODES.INVALID_VALUE,
        message: `is valid from ${validFrom.toISOString()} to ${validTo.toISOString()}, not at ${init.date.toISOString()}${
          init.date > validTo
            ? ': it has expired (the kubelet rotates kubelet-client-current.pem; check that rotation works)'
            : ''
        }`,
      },
    ]);
  }
  const region = init.region ?? anchor.region;
  const base = new URL(
    init.endpoint ?? `https://rolesanywhere.${region}.${awsPartition(anchor.partition).dnsSuffix}`,
  );
  const query = {
    profileArn: init.profileArn,
    roleArn: init.roleArn,
    trustAnchorArn: init.trustAnchorArn,
  };
  const body = JSON.stringify({
    durationSeconds: duration,
    ...(init.roleSessionName === undefined ? {} : { roleSessionName: init.roleSessionName }),
  });
  const amzDate = toAmzDate(init.date);
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Host: base.host,
    'X-Amz-Date': amzDate,
    'X-Amz-X509': certificate.raw.toString('base64'),
  };
  if (init.chain !== undefined)
    headers['X-Amz-X509-Chain'] = readChain(init.chain)
      .map((c) => c.raw.toString('base64'))
      .join(',');
  const path = `${base.pathname.replace(/\/+$/, '')}/sessions`;
  const signature = signX509({
    method: 'POST',
    path,
    query,
    headers,
    body,
    amzDate,
    region,
    serialNumber: decimalSerial(certificate),
    privateKey: key,
  });
  const search = new URLSearchParams(query).toString().replace(/\+/g, '%20');
  return {
    method: 'POST',
    url: `${base.protocol}//${base.host}${path}?${search}`,
    headers: { ...headers, Authorization: signature.authorization },
    body,
  };
}
