/**
 * One HTTP(S) request with node:http/https, for the two calls the node-side provider makes
 * (Roles Anywhere CreateSession, ECR GetAuthorizationToken). Measured on the 2-core test machine,
 * node:https costs under 1 ms to load where the first `fetch` costs 23–30 ms and the AWS SDK
 * client 125–150 ms, which is most of a cold provider run. Proxies come from `HTTP_PROXY`,
 * `HTTPS_PROXY` and `NO_PROXY` (Node's own agent support, `proxyEnv`); a CA bundle replaces the
 * default roots as the AWS SDK's `AWS_CA_BUNDLE` does.
 *
 * Under Bun (the compiled provider) a request with no proxy to use goes through Bun's own `fetch`
 * instead: Bun's node:http is built on Node-compatible streams that cost it about 10 ms to load
 * and run, measured on the test machine, where its native `fetch` costs about 1 ms. A request
 * through a proxy still takes node:http, so that `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` mean
 * exactly what they mean under Node (Bun's `fetch` reads them with rules of its own).
 *
 * @internal
 */
import type { IncomingHttpHeaders } from 'node:http';
import { CredprovError, ERROR_CODES, isCredprovError, type ErrorCode } from '@eksa-credprov/core';
import { AwsApiError, readAwsErrorAnswer, type AwsErrorAnswer } from './aws-api-error.ts';

/** A request to send once. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly signal: AbortSignal;
  /** PEM roots to trust instead of Node's (AWS_CA_BUNDLE). */
  readonly ca?: string | undefined;
  /** Where the proxy variables are read. @default `process.env` */
  readonly proxyEnv?: Readonly<Record<string, string | undefined>> | undefined;
}

/**
 * The largest answer read. ECR's and IAM Roles Anywhere's answers are a few KB; an endpoint that
 * streams without end is cut off here instead of filling the node's memory.
 */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** The answer, whatever its status. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/** The proxy variables of `env`, or undefined when it sets none. */
export function proxyVariables(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const name of [
    'HTTP_PROXY',
    'http_proxy',
    'HTTPS_PROXY',
    'https_proxy',
    'NO_PROXY',
    'no_proxy',
  ]) {
    const value = env[name];
    if (value !== undefined && value !== '') out[name] = value;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/**
 * Sends one request and reads the whole answer as text. Rejects on connection failures and when
 * `signal` aborts (with the signal's reason); never on an HTTP status.
 */
export function send(req: HttpRequest): Promise<HttpResponse> {
  const url = new URL(req.url);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return Promise.reject(
      new CredprovError({
        code: ERROR_CODES.AWS_API_ERROR,
        message: `unsupported endpoint scheme ${url.protocol} in ${url.origin}: use an http:// or https:// endpoint`,
      }),
    );
  if (
    bunFetch !== undefined &&
    proxyVariables(req.proxyEnv ?? process.env) === undefined &&
    proxyVariables(process.env) === undefined
  )
    return sendWithBunFetch(bunFetch, url, req);
  return sendWithNodeHttp(url, req);
}

/** The error for an answer over {@link MAX_ANSWER_BYTES}; not retried: such an endpoint will again. */
function answerTooLarge(url: URL): CredprovError {
  return new CredprovError({
    code: ERROR_CODES.AWS_API_ERROR,
    message: `the answer from ${url.origin} is over ${MAX_ANSWER_BYTES} bytes, which no AWS answer this provider asks for is; check the endpoint`,
  });
}

function sendWithNodeHttp(url: URL, req: HttpRequest): Promise<HttpResponse> {
  const secure = url.protocol === 'https:';
  // Loaded here, not at the top: TLS is only loaded for https endpoints. getBuiltinModule, not
  // import(): under Node a dynamic import would load the ESM loader into the CommonJS bundle
  // (about 30 ms). Bun has getBuiltinModule too (the Bun executable runs this same code).
  const http = process.getBuiltinModule('node:http');
  const https = secure ? process.getBuiltinModule('node:https') : undefined;
  const proxyEnv = proxyVariables(req.proxyEnv ?? process.env);
  const agentOptions = {
    keepAlive: false,
    ...(proxyEnv === undefined ? {} : { proxyEnv }),
  };
  const agent =
    https === undefined
      ? new http.Agent(agentOptions)
      : new https.Agent({ ...agentOptions, ...(req.ca === undefined ? {} : { ca: req.ca }) });
  const request = https === undefined ? http.request : https.request;
  return new Promise<HttpResponse>((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: req.method,
        headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) },
        agent,
        signal: req.signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            reject(answerTooLarge(url));
            res.destroy();
            outgoing.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    outgoing.on('error', (e) => {
      reject(req.signal.aborted ? (req.signal.reason as Error) : e);
    });
    outgoing.end(req.body);
  }).finally(() => {
    agent.destroy();
  });
}

/** Bun's `fetch` with the options of Bun's own used here (the package has no bun-types). */
type BunFetch = (
  url: URL,
  init: RequestInit & { readonly tls?: { readonly ca: string } },
) => Promise<Response>;

/** Bun's `fetch` when running under Bun, else undefined (Node's first `fetch` costs 23–30 ms). */
const bunFetch: BunFetch | undefined =
  process.versions['bun'] === undefined ? undefined : globalThis.fetch;

/**
 * {@link send} through Bun's `fetch`, for a request no proxy applies to (checked by the caller,
 * in the request's proxy variables and in the process environment, which Bun's `fetch` reads).
 * Same answer, limits and rejections as node:http: `ca` replaces the roots (`tls.ca`), redirects
 * are answers, not followed.
 */
async function sendWithBunFetch(
  fetch: BunFetch,
  url: URL,
  req: HttpRequest,
): Promise<HttpResponse> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: req.method,
      headers: req.headers,
      ...(req.method === 'GET' ? {} : { body: req.body }),
      signal: req.signal,
      redirect: 'manual',
      ...(req.ca === undefined ? {} : { tls: { ca: req.ca } }),
    });
  } catch (e) {
    throw req.signal.aborted ? (req.signal.reason as Error) : e;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = res.body?.getReader();
  try {
    for (;;) {
      const chunk = await reader?.read();
      if (chunk === undefined || chunk.done) break;
      size += chunk.value.length;
      if (size > MAX_ANSWER_BYTES) {
        await reader?.cancel();
        throw answerTooLarge(url);
      }
      chunks.push(chunk.value);
    }
  } catch (e) {
    throw req.signal.aborted ? (req.signal.reason as Error) : e;
  }
  const headers: IncomingHttpHeaders = {};
  res.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: res.status, headers, text: Buffer.concat(chunks).toString('utf8') };
}

/**
 * How long to wait before attempt `attempt + 1`: exponential from 200 ms, capped at 2 s, with
 * jitter (half to all of it), for retries of throttling, 5xx and lost connections.
 */
function retryDelayMs(attempt: number): number {
  return Math.min(2000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2);
}

/** What went wrong on the wire, in a few words (an errno code or the error's message). */
export function describeNetworkError(e: unknown): string {
  const err = e as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  return err.code ?? err.cause?.code ?? err.message ?? String(e);
}

/** A request sent by {@link sendWithRetries}. */
export interface RetriedRequest {
  /** The service and operation, such as `ECR GetAuthorizationToken`, for errors. */
  readonly operation: string;
  /** The request of each attempt, built (and signed) anew: the signing time moves on. */
  readonly build: () => Pick<HttpRequest, 'method' | 'url' | 'headers' | 'body'>;
  readonly ca?: string | undefined;
  readonly proxyEnv?: Readonly<Record<string, string | undefined>> | undefined;
  /** Ends every attempt and the waits between them. */
  readonly signal?: AbortSignal | undefined;
  /** Epoch milliseconds after which no attempt runs and no wait ends. */
  readonly deadline?: number | undefined;
  /** @default 3 */
  readonly maxAttempts?: number | undefined;
  /** The error's code. @default `AWS_API_ERROR` */
  readonly code?: ErrorCode | undefined;
  /** Said after the last failure when every attempt failed. */
  readonly exhaustedHint?: string | undefined;
  /** @default `Date.now` */
  readonly now?: (() => number) | undefined;
}

/** Throttling named in a 400 answer's error type (the JSON protocols answer throttling so). */
const THROTTLED = /Throttl|TooManyRequests|RequestLimitExceeded/i;

/**
 * Sends an AWS request, retrying throttling, 429 and 5xx answers and connection failures with
 * {@link retryDelayMs} back-off, for the provider's and the set-up's own signed calls (one retry
 * policy for all of them). Resolves with the first answer that is not retried: a success or a
 * refusal, which the caller reads.
 *
 * @throws AwsApiError when every attempt failed, the deadline passed or `signal` aborted, naming
 * the last failure.
 */
export async function sendWithRetries(req: RetriedRequest): Promise<HttpResponse> {
  const now = req.now ?? Date.now;
  const maxAttempts = req.maxAttempts ?? 3;
  const fail = (message: string, last?: AwsErrorAnswer): AwsApiError =>
    new AwsApiError({
      code: req.code,
      operation: req.operation,
      status: last?.status,
      errorType: last?.errorType,
      requestId: last?.requestId,
      message,
    });
  for (let attempt = 1; ; attempt++) {
    const request = req.build();
    const origin = new URL(request.url).origin;
    const signals = [
      ...(req.signal === undefined ? [] : [req.signal]),
      ...(req.deadline === undefined
        ? []
        : [AbortSignal.timeout(Math.max(1, req.deadline - now()))]),
    ];
    const signal = signals.length === 1 ? signals[0] : AbortSignal.any(signals);
    let last: string;
    let answer: AwsErrorAnswer | undefined;
    try {
      const res = await send({
        ...request,
        signal: signal ?? new AbortController().signal,
        ca: req.ca,
        proxyEnv: req.proxyEnv,
      });
      if (res.status >= 200 && res.status < 300) return res;
      answer = readAwsErrorAnswer(res.status, res.headers, res.text);
      if (res.status < 500 && res.status !== 429 && !THROTTLED.test(answer.errorType)) return res;
      last = answer.summary;
    } catch (e) {
      if (isCredprovError(e)) throw e;
      if (req.signal?.aborted === true)
        throw fail(`${req.operation} did not answer at ${origin} in time`);
      last =
        signal?.aborted === true
          ? 'no answer in time'
          : `cannot reach ${origin}: ${describeNetworkError(e)}`;
    }
    const delay = retryDelayMs(attempt);
    if (attempt >= maxAttempts || (req.deadline !== undefined && now() + delay >= req.deadline))
      throw fail(
        `${req.operation} failed after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${last}${req.exhaustedHint === undefined ? '' : `; ${req.exhaustedHint}`}`,
        answer,
      );
    await new Promise((r) => setTimeout(r, delay));
    if (req.signal?.aborted === true)
      throw fail(`${req.operation} did not answer at ${origin} in time`, answer);
  }
}
