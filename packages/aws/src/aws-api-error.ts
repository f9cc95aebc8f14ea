/**
 * One error model for every AWS call this package makes, whether over its own signed requests
 * (ECR, IAM Roles Anywhere) or through the AWS SDK (IAM, ECR with SDK credentials): an
 * {@link AwsApiError} with the service's status, error type and request ID, and one reader of
 * AWS error answers.
 */
import {
  CredprovError,
  ERROR_CODES,
  isCredprovError,
  safeText,
  type ErrorCode,
} from '@eksa-credprov/core';

/**
 * Options for {@link AwsApiError}.
 *
 * @public
 */
export interface AwsApiErrorInit {
  /** `AWS_API_ERROR`, or `AWS_CREDENTIALS_ERROR` when the call was for credentials. */
  readonly code?: ErrorCode | undefined;
  /** The service and operation, such as `ECR GetAuthorizationToken`. */
  readonly operation: string;
  /** HTTP status of the answer; absent when none came (network failure, time-out). */
  readonly status?: number | undefined;
  /** The service's error type, such as `AccessDeniedException`. */
  readonly errorType?: string | undefined;
  /** The service's request ID, for AWS support. */
  readonly requestId?: string | undefined;
  /** The whole message, with what to do. Never a credential. */
  readonly message: string;
  readonly cause?: unknown;
}

/**
 * An AWS API refused a call or could not be reached. `status`, `errorType` and `requestId` are the
 * service's own; the message adds what to check. Never contains a credential.
 *
 * @public
 */
export class AwsApiError extends CredprovError {
  /** The service and operation, such as `IAM Roles Anywhere ListTrustAnchors`. */
  readonly operation: string;
  readonly status: number | undefined;
  readonly errorType: string | undefined;
  readonly requestId: string | undefined;

  constructor(init: AwsApiErrorInit) {
    super({
      code: init.code ?? ERROR_CODES.AWS_API_ERROR,
      message: init.message,
      cause: init.cause,
    });
    this.name = 'AwsApiError';
    this.operation = init.operation;
    this.status = init.status;
    this.errorType = init.errorType;
    this.requestId = init.requestId;
  }
}

/**
 * True when `value` is an {@link AwsApiError}, even one from another copy of the package.
 *
 * @public
 */
export function isAwsApiError(value: unknown): value is AwsApiError {
  return isCredprovError(value) && typeof (value as { operation?: unknown }).operation === 'string';
}

/** What an AWS error answer says: its type, message and request ID, safe to echo. */
export interface AwsErrorAnswer {
  readonly status: number;
  /** `''` when the answer names none. */
  readonly errorType: string;
  /** `''` when the answer has none. */
  readonly message: string;
  readonly requestId: string | undefined;
  /** `<status> <type>: <message>`, the parts that are present. */
  readonly summary: string;
}

const XML_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
};

/**
 * The text of the first `<name>…</name>` element in `xml`, entities decoded, or undefined. For the
 * fixed, flat answers of the Query protocol (STS, IAM), where a whole XML parser is not needed.
 */
export function xmlElement(xml: string, name: string): string | undefined {
  const open = `<${name}>`;
  const start = xml.indexOf(open);
  if (start === -1) return undefined;
  const end = xml.indexOf(`</${name}>`, start + open.length);
  if (end === -1) return undefined;
  return xml
    .slice(start + open.length, end)
    .replace(/&(amp|lt|gt|quot|apos|#x[0-9a-fA-F]{1,6}|#\d{1,7});/g, (_, e: string) => {
      if (!e.startsWith('#')) return XML_ENTITIES[e] ?? '';
      const point = e.startsWith('#x') ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1));
      return point <= 0x10ffff ? String.fromCodePoint(point) : '\ufffd';
    });
}

/**
 * Reads an AWS JSON, REST-JSON or Query (XML) error answer: the type from `X-Amzn-ErrorType`, the
 * body's `__type` (`prefix#Type`) or its XML `<Code>`, the message from `message`, `Message` or
 * `<Message>` (else the text), the request ID from `X-Amzn-RequestId`, `X-Amz-Request-Id` or
 * `<RequestId>`. What the service wrote is cut short and its
 * control characters escaped: it ends up in messages a terminal shows.
 */
export function readAwsErrorAnswer(
  status: number,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  text: string,
): AwsErrorAnswer {
  const header = (name: string): string | undefined => {
    const v = headers[name];
    return typeof v === 'string' ? v : undefined;
  };
  let errorType = (header('x-amzn-errortype') ?? '').split(':')[0] ?? '';
  let message: unknown;
  let xmlRequestId: string | undefined;
  try {
    const body = JSON.parse(text) as {
      __type?: unknown;
      message?: unknown;
      Message?: unknown;
    } | null;
    if (errorType === '' && typeof body?.__type === 'string')
      errorType = body.__type.split('#').pop() ?? '';
    message = body?.message ?? body?.Message;
  } catch {
    // Not JSON: a Query service's XML error (STS, IAM), else a proxy's page (the text itself).
    const code = xmlElement(text, 'Code');
    if (code !== undefined && text.includes('<Error>')) {
      if (errorType === '') errorType = code;
      message = xmlElement(text, 'Message') ?? '';
      xmlRequestId = xmlElement(text, 'RequestId');
    }
  }
  const said = safeText(typeof message === 'string' ? message : text.replace(/\s+/g, ' ').trim());
  const type = safeText(errorType, { max: 100 });
  const requestId = header('x-amzn-requestid') ?? header('x-amz-request-id') ?? xmlRequestId;
  return {
    status,
    errorType: type,
    message: said,
    requestId: requestId === undefined ? undefined : safeText(requestId, { max: 100 }),
    summary: `${status}${type === '' ? '' : ` ${type}`}${said === '' ? '' : `: ${said}`}`,
  };
}

/**
 * An AWS SDK v3 service error (`$metadata`, `name`, `message`) as an {@link AwsApiError} of
 * `operation`, with `hint` after the service's words; anything else is returned unchanged.
 */
export function fromSdkError(e: unknown, operation: string, hint = ''): unknown {
  if (isCredprovError(e) || typeof e !== 'object' || e === null) return e;
  const meta = (e as { $metadata?: { httpStatusCode?: unknown; requestId?: unknown } }).$metadata;
  if (meta === undefined) return e;
  const status = typeof meta.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
  const errorType = safeText((e as { name?: unknown }).name as string, { max: 100 });
  const text = (e as { message?: unknown }).message;
  const said = safeText(typeof text === 'string' ? text : '');
  return new AwsApiError({
    operation,
    status,
    errorType,
    requestId: typeof meta.requestId === 'string' ? meta.requestId : undefined,
    message: `${operation} failed: ${status ?? 'no status'} ${errorType}${said === '' ? '' : `: ${said}`}${hint === '' ? '' : `; ${hint}`}`,
    cause: e,
  });
}
