/**
 * The kube transport against a local HTTP server whose answers each test decides: retries,
 * deadlines, abort, credentials and error bodies, without an API server.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { isCredprovError } from '@eksa-credprov/core';
import { server, type Handler, type LocalServer, rejectionOf } from '@eksa-credprov/testenv';
import { afterEach, describe, expect, it } from 'vitest';
import { isKubeApiError } from './errors.ts';
import { transportFor, type KubeRequest } from './transport.ts';

const open: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** A server, a KubeConfig for it, and the requests it saw. */
async function fixture(
  handle: Handler,
  user: { username?: string; password?: string; token?: string } = {},
): Promise<{ kc: KubeConfig; seen: { method: string; path: string; auth: string }[] }> {
  const seen: { method: string; path: string; auth: string }[] = [];
  const s = await server((req, res, body) => {
    seen.push({
      method: req.method ?? '',
      path: req.url ?? '',
      auth: req.headers.authorization ?? '',
    });
    handle(req, res, body);
  });
  open.push(s);
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'local', server: s.url, skipTLSVerify: true }],
    users: [{ name: 'u', ...user }],
    contexts: [{ name: 'local', cluster: 'local', user: 'u' }],
    currentContext: 'local',
  });
  return { kc, seen };
}

const get = (extra: Partial<KubeRequest> = {}): KubeRequest => ({
  method: 'GET',
  path: '/api/v1/namespaces',
  idempotent: true,
  deadline: Date.now() + 10_000,
  ...extra,
});

const json = (status: number, body: unknown): Handler => {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
};

const status = (code: number, reason: string, message: string, details?: object): object => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  code,
  reason,
  message,
  ...(details === undefined ? {} : { details }),
});

describe('kube transport', () => {
  it('sends the kubeconfig user’s username and password as HTTP basic auth', async () => {
    const { kc, seen } = await fixture(json(200, { items: [] }), {
      username: 'admin',
      password: 's3cret',
    });
    await (await transportFor(kc)).request(get());
    expect(seen[0]?.auth).toBe(`Basic ${Buffer.from('admin:s3cret').toString('base64')}`);
  });

  it('sends a bearer token as client-node gives it', async () => {
    const { kc, seen } = await fixture(json(200, {}), { token: 'tok' });
    await (await transportFor(kc)).request(get());
    expect(seen[0]?.auth).toBe('Bearer tok');
  });

  it.each([429, 500, 502, 503, 504])(
    'retries an idempotent request answered %i, then returns the answer',
    async (code) => {
      let n = 0;
      const { kc, seen } = await fixture((req, res, body) => {
        n++;
        if (n === 1) json(code, status(code, 'ServiceUnavailable', 'busy'))(req, res, body);
        else json(200, { kind: 'NamespaceList' })(req, res, body);
      });
      const res = await (await transportFor(kc)).request(get());
      expect(res).toEqual({ status: 200, body: { kind: 'NamespaceList' } });
      expect(seen).toHaveLength(2);
    },
  );

  it('does not repeat a request that is not idempotent', async () => {
    const { kc, seen } = await fixture(json(503, status(503, 'ServiceUnavailable', 'busy')));
    const e = await rejectionOf(
      (await transportFor(kc)).request(get({ method: 'POST', idempotent: false, body: {} })),
    );
    expect(isKubeApiError(e) && e.status).toBe(503);
    expect(seen).toHaveLength(1);
  });

  it('gives up at the deadline with the last answer', async () => {
    const { kc, seen } = await fixture(json(503, status(503, 'ServiceUnavailable', 'busy')));
    const e = await rejectionOf(
      (await transportFor(kc)).request(get({ deadline: Date.now() + 700 })),
    );
    expect(isKubeApiError(e) && e.status).toBe(503);
    expect(seen.length).toBeGreaterThan(1);
  });

  it('says "no answer in time" when the server never answers before the deadline', async () => {
    const { kc } = await fixture(() => {
      // never answers
    });
    const e = await rejectionOf(
      (await transportFor(kc)).request(get({ deadline: Date.now() + 300 })),
    );
    expect(isCredprovError(e) && e.code).toBe('KUBE_UNREACHABLE');
    expect(String(e)).toMatch(/no answer in time/);
  });

  it('stops when the caller aborts, with TIMEOUT', async () => {
    const { kc } = await fixture(() => {
      // never answers
    });
    const controller = new AbortController();
    const pending = (await transportFor(kc)).request(get({ signal: controller.signal }));
    setTimeout(() => {
      controller.abort(new Error('caller gave up'));
    }, 50);
    const e = await rejectionOf(pending);
    expect(isCredprovError(e) && e.code).toBe('TIMEOUT');
  });

  it('reads the credentials again once after a 401, then retries', async () => {
    let n = 0;
    const { kc, seen } = await fixture(
      (req, res, body) => {
        n++;
        if (n === 1) json(401, status(401, 'Unauthorized', 'Unauthorized'))(req, res, body);
        else json(200, {})(req, res, body);
      },
      { token: 'tok' },
    );
    await (await transportFor(kc)).request(get());
    expect(seen).toHaveLength(2);
  });

  it('turns a Status into a KubeApiError with the server’s reason and message and a hint', async () => {
    const { kc } = await fixture(
      json(
        403,
        status(
          403,
          'Forbidden',
          'namespaces is forbidden: User "bob" cannot list resource "namespaces" in API group "" at the cluster scope',
        ),
      ),
    );
    const e = await rejectionOf((await transportFor(kc)).request(get()));
    expect(isKubeApiError(e) && [e.status, e.reason]).toEqual([403, 'Forbidden']);
    expect(String(e)).toMatch(
      /GET \/api\/v1\/namespaces: 403 Forbidden: .*\(RBAC does not let "bob" list/,
    );
  });

  it('keeps a body that is not JSON (a proxy’s page) as the server message', async () => {
    const { kc } = await fixture((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n');
    });
    const e = await rejectionOf((await transportFor(kc)).request(get()));
    expect(isKubeApiError(e) && [e.status, e.reason, e.serverMessage]).toEqual([
      404,
      'NotFound',
      '404 page not found',
    ]);
  });

  it('honours a Status retryAfterSeconds on 429', async () => {
    let n = 0;
    const { kc, seen } = await fixture((req, res, body) => {
      n++;
      if (n === 1)
        json(429, status(429, 'TooManyRequests', 'slow down', { retryAfterSeconds: 1 }))(
          req,
          res,
          body,
        );
      else json(200, {})(req, res, body);
    });
    const started = Date.now();
    await (await transportFor(kc)).request(get());
    expect(seen).toHaveLength(2);
    // The wait is the server's second, not the 100 ms first back-off: a bound, not a timing.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});
