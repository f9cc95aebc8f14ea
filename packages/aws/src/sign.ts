/**
 * AWS Signature Version 4: with an X.509 certificate, as IAM Roles Anywhere's CreateSession
 * expects (the canonical request and string to sign, signed directly with the certificate's
 * private key), and classic HMAC SigV4 with an access key for the provider's ECR call.
 *
 * @internal
 */
import type { KeyObject } from 'node:crypto';
import { ISSUE_CODES, requireObject, ValidationError } from '@eksa-credprov/core';
import { hmacSha256, nodeCrypto, sha256Hex } from './digest.ts';

/** Algorithm names by private key type. */
export const X509_ALGORITHMS = {
  rsa: 'AWS4-X509-RSA-SHA256',
  ec: 'AWS4-X509-ECDSA-SHA256',
} as const;

/** What to sign: every header given is signed. Header names may be in any case. */
export interface X509SigningInput {
  readonly method: string;
  readonly path: string;
  /** Query parameters (encoded here, RFC 3986, sorted). */
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** `YYYYMMDDTHHMMSSZ`, also sent as `X-Amz-Date`. */
  readonly amzDate: string;
  readonly region: string;
  /** The leaf certificate's serial number, in decimal. */
  readonly serialNumber: string;
  readonly privateKey: KeyObject;
}

/** The parts of a signature, kept for tests and debugging. */
export interface X509Signature {
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  readonly signedHeaders: string;
  readonly authorization: string;
}

/** RFC 3986 percent-encoding with upper-case hex; unreserved `A-Z a-z 0-9 - _ . ~` stay. */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The canonical query string: encoded keys and values, sorted by encoded key then value. */
export function canonicalQuery(query: Readonly<Record<string, string>>): string {
  return Object.entries(query)
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** The part of a SigV4 request both signers share: what is signed, and over which headers. */
interface CanonicalInput {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The SigV4 canonical request and its signed-header list. */
function canonicalRequestOf(input: CanonicalInput): {
  canonicalRequest: string;
  signedHeaders: string;
} {
  const headers = Object.entries(input.headers)
    .map(([k, v]) => [k.toLowerCase(), v.trim().replace(/\s+/g, ' ')] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const signedHeaders = headers.map(([k]) => k).join(';');
  const canonicalRequest = [
    input.method,
    input.path,
    canonicalQuery(input.query),
    `${headers.map(([k, v]) => `${k}:${v}`).join('\n')}\n`,
    signedHeaders,
    sha256Hex(input.body),
  ].join('\n');
  return { canonicalRequest, signedHeaders };
}

/** Signs a request with the certificate's key (`AWS4-X509-RSA-SHA256` or `AWS4-X509-ECDSA-SHA256`). */
export function signX509(input: X509SigningInput): X509Signature {
  requireObject(input, 'signX509');
  const keyType = (input.privateKey as Partial<KeyObject> | undefined)?.asymmetricKeyType;
  if (keyType !== 'rsa' && keyType !== 'ec') {
    throw new ValidationError('cannot sign the IAM Roles Anywhere request', [
      {
        path: 'privateKey',
        code: ISSUE_CODES.INVALID_VALUE,
        message: `IAM Roles Anywhere signs with RSA or EC keys; ${keyType === undefined ? 'this is not a private key' : `this key is ${keyType}`}`,
      },
    ]);
  }
  const algorithm = X509_ALGORITHMS[keyType];
  const { canonicalRequest, signedHeaders } = canonicalRequestOf(input);
  const scope = `${input.amzDate.slice(0, 8)}/${input.region}/rolesanywhere/aws4_request`;
  const stringToSign = [algorithm, input.amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  // RSA: PKCS#1 v1.5 over SHA-256. EC: ECDSA over SHA-256 whatever the curve, DER-encoded.
  const signature = nodeCrypto()
    .sign('sha256', Buffer.from(stringToSign, 'utf8'), {
      key: input.privateKey,
      dsaEncoding: 'der',
    })
    .toString('hex');
  return {
    canonicalRequest,
    stringToSign,
    signedHeaders,
    authorization: `${algorithm} Credential=${input.serialNumber}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/** What {@link signHmac} signs: every header given is signed (include `host` and `x-amz-date`). */
export interface HmacSigningInput extends CanonicalInput {
  /** `YYYYMMDDTHHMMSSZ`, also sent as `X-Amz-Date`. */
  readonly amzDate: string;
  readonly region: string;
  /** The signing name, such as `ecr`. */
  readonly service: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * Classic SigV4 (`AWS4-HMAC-SHA256`) with an access key: the same canonical request as
 * {@link signX509}, signed with the derived HMAC key. Checked against `@smithy/signature-v4` in
 * sign.test.ts; used where loading the AWS SDK would cost more than the request itself.
 */
export function signHmac(input: HmacSigningInput): X509Signature {
  requireObject(input, 'signHmac');
  const { canonicalRequest, signedHeaders } = canonicalRequestOf(input);
  const day = input.amzDate.slice(0, 8);
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const hash = sha256Hex(canonicalRequest);
  const stringToSign = ['AWS4-HMAC-SHA256', input.amzDate, scope, hash].join('\n');
  const key = hmacSha256(
    hmacSha256(
      hmacSha256(hmacSha256(`AWS4${input.secretAccessKey}`, day), input.region),
      input.service,
    ),
    'aws4_request',
  );
  const signature = hmacSha256(key, stringToSign).toString('hex');
  return {
    canonicalRequest,
    stringToSign,
    signedHeaders,
    authorization: `AWS4-HMAC-SHA256 Credential=${input.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/** `YYYYMMDDTHHMMSSZ` for a date (UTC). */
export function toAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}
