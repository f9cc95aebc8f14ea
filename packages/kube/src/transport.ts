/**
 * A small HTTPS client for the Kubernetes API: client-node supplies the kubeconfig's TLS settings
 * and credentials (tokens, client certificates, exec plugins, OIDC), and this module sends the
 * requests on one keep-alive connection pool, with deadlines, abort signals and retries of
 * requests that are safe to repeat. client-node's generic object API takes no per-call timeout
 * or signal, which is why requests are sent here.
 *
 * @internal
 */
import http from 'node:http';
import https from 'node:https';
import { createSecureContext, type SecureContext } from 'node:tls';
import { CredprovError, ERROR_CODES, isCredprovError, dropUndefined } from '@eksa-credprov/core';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError, hintFor, type KubeStatusInfo } from './errors.ts';

/** One request to the API server. */
export interface KubeRequest {
  readonly method: 'GET' | 'PATCH' | 'DELETE' | 'POST' | 'PUT';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  readonly contentType?: string;
  /** Safe to send again after a connection failure or a 429/5xx (GET, apply, DELETE). */
  readonly idempotent: boolean;
  readonly signal?: AbortSignal | undefined;
  /** Epoch milliseconds after which no further attempt starts. */
  readonly deadline: number;
  /** Treat a 404 for an unserved resource as transient (a server that just restarted). */
  readonly retryUnservedAfterOutage?: boolean;
}

/** A successful answer: status and parsed JSON body. */
export interface KubeResponse {
  readonly status: number;
  readonly body: unknown;
}

/** Requests and watches on one kubeconfig's connection pool. */
export interface Transport {
  readonly server: string;
  request(req: KubeRequest): Promise<KubeResponse>;
  /** Streams a watch: calls `onEvent` per JSON line until the server ends the response. */
  watch(req: KubeRequest, onEvent: (event: unknown) => void): Promise<void>;
}

const transports = new WeakMap<KubeConfig, Promise<Transport>>();

/** The transport for a kubeconfig (one connection pool per KubeConfig object). */
export function transportFor(kc: KubeConfig): Promise<Transport> {
  let t = transports.get(kc);
  if (t === undefined) {
    t = createTransport(kc);
    transports.set(kc, t);
    t.catch(() => transports.delete(kc));
  }
  return t;
}

const RETRY_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);
const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const ATTEMPT_TIMEOUT_MS = 30_000;
const IDLE_SOCKET_MS = 5_000;

class AttemptError extends Error {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean) {
    super(message);
    this.retryable = retryable;
  }
}

async function createTransport(kc: KubeConfig): Promise<Transport> {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) {
    throw new CredprovError({
      code: ERROR_CODES.KUBECONFIG_INVALID,
      message: 'the kubeconfig has no current cluster',
    });
  }
  const server = cluster.server.replace(/\/+$/, '');
  const url = new URL(server);
  const proxyUrl = cluster.proxyUrl ?? '';
  if (proxyUrl !== '' && !/^(https?|socks[45]?h?):\/\/[^/]/.test(proxyUrl)) {
    throw new CredprovError({
      code: ERROR_CODES.KUBECONFIG_INVALID,
      message: `the kubeconfig's proxy-url ${JSON.stringify(proxyUrl.slice(0, 200))} is not an http://, https:// or socks5:// URL`,
    });
  }
  const tls = await httpsOptions(kc);
  const secure = url.protocol === 'https:';

  let secureContext: SecureContext | undefined;
  if (secure) {
    // The certificate, key and CA are read here, once, so that a bad one is said as such (Node's
    // own error is OpenSSL's, such as "error:1E08010C:DECODER routines::unsupported"); and every
    // connection shares this context, where Node would otherwise parse them again for each.
    try {
      secureContext = createSecureContext({ ca: tls.ca, cert: tls.cert, key: tls.key });
    } catch (e) {
      const reason = (e as { reason?: unknown }).reason;
      throw new CredprovError({
        code: ERROR_CODES.KUBECONFIG_INVALID,
        message: `the kubeconfig's ${tls.key === undefined ? 'certificate-authority data' : 'client certificate, client key or certificate-authority data'} cannot be used (${typeof reason === 'string' ? reason : ((e as { code?: string }).code ?? 'unreadable')}): each must be PEM (base64-encoded in the *-data fields), and the key must match the certificate`,
      });
    }
  }
  const agentOptions = {
    keepAlive: true,
    maxSockets: 32,
    // Idle keep-alive connections close after this long (Node's own global agent waits 5 s): a
    // program that talks to many clusters (a fleet controller) does not hold one open to each.
    timeout: IDLE_SOCKET_MS,
    ...dropUndefined({
      secureContext,
      rejectUnauthorized: tls.rejectUnauthorized,
      servername: tls.servername,
    }),
  };
  // With a proxy-url, client-node's own agent (HTTP CONNECT or SOCKS, per the URL's scheme) carries
  // the same TLS settings through the proxy, as kubectl does.
  const agent =
    proxyUrl !== '' && tls.agent instanceof http.Agent
      ? tls.agent
      : secure
        ? new https.Agent(agentOptions)
        : new http.Agent({ keepAlive: true, maxSockets: 32, timeout: IDLE_SOCKET_MS });
  let headers = credentialHeaders(tls);
  const refreshCredentials = async (): Promise<void> => {
    headers = credentialHeaders(await httpsOptions(kc));
  };

  function once(req: KubeRequest, onChunk?: (chunk: Buffer) => void): Promise<KubeResponse> {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query ?? {}))
      if (v !== undefined) query.set(k, String(v));
    const qs = query.toString();
    const body = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const remaining = req.deadline - Date.now();
    return new Promise<KubeResponse>((resolve, reject) => {
      const r = (secure ? https : http).request(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port,
          path: `${url.pathname === '/' ? '' : url.pathname}${req.path}${qs === '' ? '' : `?${qs}`}`,
          method: req.method,
          agent,
          headers: {
            ...headers,
            Accept: 'application/json',
            ...(body === undefined
              ? {}
              : {
                  'Content-Type': req.contentType ?? 'application/json',
                  'Content-Length': body.length,
                }),
          },
          signal: req.signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => {
            if (onChunk !== undefined && res.statusCode === 200) onChunk(c);
            else chunks.push(c);
          });
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text === '' ? undefined : JSON.parse(text);
            } catch {
              // Not JSON (a proxy's page, "404 page not found"): keep the text.
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', (e) => {
            reject(new AttemptError(`the connection broke: ${e.message}`, true));
          });
        },
      );
      if (onChunk === undefined) {
        r.setTimeout(Math.max(1, Math.min(ATTEMPT_TIMEOUT_MS, remaining)), () => {
          r.destroy(Object.assign(new Error('no answer in time'), { code: 'ETIMEDOUT' }));
        });
      }
      r.on('error', (e: NodeJS.ErrnoException) => {
        if (e.name === 'AbortError') {
          reject(
            new CredprovError({
              code: ERROR_CODES.TIMEOUT,
              message: `${req.method} ${req.path}: aborted`,
              cause: req.signal?.reason,
            }),
          );
          return;
        }
        const code = e.code ?? '';
        reject(
          new AttemptError(
            describeNetworkError(code, e.message),
            RETRY_CODES.has(code) || e.message.includes('socket hang up'),
          ),
        );
      });
      r.end(body);
    });
  }

  async function request(
    req: KubeRequest,
    onChunk?: (chunk: Buffer) => void,
  ): Promise<KubeResponse> {
    let delay = 100;
    let sawOutage = false;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      let res: KubeResponse;
      try {
        res = await once(req, onChunk);
      } catch (e) {
        if (!(e instanceof AttemptError)) throw e;
        sawOutage = true;
        if (!(e.retryable && req.idempotent) || Date.now() + delay > req.deadline) {
          throw new CredprovError({
            code: ERROR_CODES.KUBE_UNREACHABLE,
            message: `${req.method} ${server}${req.path}: ${e.message}${attempt > 1 ? ` (${attempt} attempts)` : ''}; check the kubeconfig's server address and that the API server is running`,
          });
        }
        await sleep(delay, req.signal);
        delay = Math.min(delay * 2, 2000);
        continue;
      }
      if (res.status >= 200 && res.status < 300) return res;
      if (res.status === 401 && !refreshed) {
        refreshed = true;
        await refreshCredentials();
        continue;
      }
      // Right after a restart the server may not serve a resource type yet ("404 page not found");
      // a 404 whose Status names the object (or its namespace) is a real answer, not that.
      const unservedAfterOutage =
        res.status === 404 &&
        sawOutage &&
        req.retryUnservedAfterOutage === true &&
        !namesAnObject(res.body);
      const retryable = req.idempotent && (RETRY_STATUS.has(res.status) || unservedAfterOutage);
      if (retryable && Date.now() + delay <= req.deadline) {
        await sleep(retryAfterMs(res.body) ?? delay, req.signal);
        delay = Math.min(delay * 2, 2000);
        continue;
      }
      const info = statusInfo(res, `${req.method} ${req.path}`);
      throw new KubeApiError(info, hintFor(info));
    }
  }

  async function watch(req: KubeRequest, onEvent: (event: unknown) => void): Promise<void> {
    let pending = '';
    await request(req, (chunk) => {
      pending += chunk.toString('utf8');
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        const line = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (line !== '') onEvent(JSON.parse(line));
        nl = pending.indexOf('\n');
      }
    });
  }

  return { server, request: (req) => request(req), watch };
}

/** The kubeconfig's TLS settings, credentials and agent, as client-node applies them. */
async function httpsOptions(kc: KubeConfig): Promise<https.RequestOptions> {
  const options: https.RequestOptions = { headers: {} };
  try {
    await kc.applyToHTTPSOptions(options);
  } catch (e) {
    if (isCredprovError(e)) throw e;
    throw new CredprovError({
      code: ERROR_CODES.KUBECONFIG_INVALID,
      message: `the kubeconfig's user or cluster cannot be used: ${e instanceof Error ? e.message : String(e)}`,
      cause: e,
    });
  }
  return options;
}

/**
 * The request headers that carry the user's credentials: client-node's (a bearer token, an exec
 * plugin's or OIDC token), or HTTP basic auth from the kubeconfig's username and password, which
 * client-node gives as `auth` rather than as a header.
 */
function credentialHeaders(options: https.RequestOptions): Record<string, string> {
  const headers = { ...(options.headers as Record<string, string> | undefined) };
  const hasAuthorization = Object.keys(headers).some((k) => k.toLowerCase() === 'authorization');
  if (typeof options.auth === 'string' && options.auth !== '' && !hasAuthorization)
    headers['Authorization'] = `Basic ${Buffer.from(options.auth).toString('base64')}`;
  return headers;
}

/** True for a 404 Status that names the missing object (or namespace): the type is served. */
function namesAnObject(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const details = (body as { kind?: unknown; details?: { name?: unknown } }).details;
  return (
    (body as { kind?: unknown }).kind === 'Status' &&
    typeof details?.name === 'string' &&
    details.name !== ''
  );
}

function retryAfterMs(body: unknown): number | undefined {
  const seconds = (body as { details?: { retryAfterSeconds?: unknown } } | undefined)?.details
    ?.retryAfterSeconds;
  return typeof seconds === 'number' && seconds > 0 ? Math.min(seconds * 1000, 5000) : undefined;
}

function statusInfo(res: KubeResponse, request: string): KubeStatusInfo {
  const body = res.body;
  if (typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'Status') {
    const s = body as { reason?: string; message?: string };
    return {
      status: res.status,
      reason: s.reason ?? 'Unknown',
      serverMessage: s.message ?? '',
      request,
    };
  }
  const text = typeof body === 'string' ? body.trim().slice(0, 300) : '';
  return {
    status: res.status,
    reason: res.status === 404 ? 'NotFound' : `HTTP${res.status}`,
    serverMessage: text,
    request,
  };
}

function describeNetworkError(code: string, message: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ETIMEDOUT':
      return 'no answer in time';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the server name does not resolve';
    case 'ECONNRESET':
      return 'the connection was reset';
    default:
      return /certificate|self.signed|CERT_|unable to verify/i.test(`${code} ${message}`)
        ? `TLS verification failed (${message}): check certificate-authority-data in the kubeconfig`
        : message;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(
        new CredprovError({ code: ERROR_CODES.TIMEOUT, message: 'aborted', cause: signal.reason }),
      );
      return;
    }
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(
          new CredprovError({
            code: ERROR_CODES.TIMEOUT,
            message: 'aborted',
            cause: signal.reason,
          }),
        );
      },
      { once: true },
    );
  });
}
