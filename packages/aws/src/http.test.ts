/**
 * The provider's HTTP path against a local server: one request (`send`), the shared retry loop
 * (`sendWithRetries`) and the reader of AWS error answers.
 */
import { isCredprovError } from '@eksa-credprov/core';
import { server, type Handler, type LocalServer, rejectionOf } from '@eksa-credprov/testenv';
import { afterEach, describe, expect, it } from 'vitest';
import { isAwsApiError, readAwsErrorAnswer } from './aws-api-error.ts';
import { MAX_ANSWER_BYTES, send, sendWithRetries } from './http.ts';

const open: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function local(handle: Handler): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const s = await server((req, res, body) => {
    hits++;
    handle(req, res, body);
  });
  open.push(s);
  return { url: s.url, hits: () => hits };
}

const answer =
  (status: number, body: string, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
  };

describe('send', () => {
  it('sends the body and reads the whole answer, whatever its status', async () => {
    let got = '';
    const { url } = await local((_req, res, body) => {
      got = body;
      res.writeHead(418).end('teapot');
    });
    const res = await send({
      method: 'POST',
      url,
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
      signal: AbortSignal.timeout(5000),
      proxyEnv: {},
    });
    expect([res.status, res.text, got]).toEqual([418, 'teapot', 'hello']);
  });

  it('cuts off an answer over MAX_ANSWER_BYTES with a coded error', async () => {
    const { url } = await local((_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(64 * 1024, 'a');
      for (let sent = 0; sent <= MAX_ANSWER_BYTES; sent += chunk.length) res.write(chunk);
      res.end();
    });
    const e = await rejectionOf(
      send({ method: 'GET', url, headers: {}, body: '', signal: AbortSignal.timeout(5000) }),
    );
    expect(isCredprovError(e) && e.code).toBe('AWS_API_ERROR');
    expect(String(e)).toMatch(/is over 1048576 bytes/);
  });

  it('refuses a scheme other than http and https with a coded error', async () => {
    const e = await rejectionOf(
      send({
        method: 'GET',
        url: 'ftp://127.0.0.1/',
        headers: {},
        body: '',
        signal: AbortSignal.timeout(1000),
      }),
    );
    expect(isCredprovError(e)).toBe(true);
    expect(String(e)).toMatch(/unsupported endpoint scheme ftp:/);
  });

  it('rejects with the signal’s reason when it aborts', async () => {
    const { url } = await local(() => {
      // never answers
    });
    const controller = new AbortController();
    const pending = send({ method: 'GET', url, headers: {}, body: '', signal: controller.signal });
    const reason = new Error('stop');
    setTimeout(() => {
      controller.abort(reason);
    }, 30);
    expect(await rejectionOf(pending)).toBe(reason);
  });
});

describe('sendWithRetries', () => {
  const retried = (
    url: string,
    extra: Partial<Parameters<typeof sendWithRetries>[0]> = {},
  ): Parameters<typeof sendWithRetries>[0] => ({
    operation: 'Test Op',
    build: () => ({ method: 'POST', url, headers: {}, body: '{}' }),
    proxyEnv: {},
    deadline: Date.now() + 10_000,
    ...extra,
  });

  it.each([
    ['a 500', answer(500, '{"message":"boom"}', { 'x-amzn-errortype': 'InternalFailure' })],
    ['a 429', answer(429, '{}')],
    ['a 400 ThrottlingException', answer(400, '{"__type":"com.amazon#ThrottlingException"}')],
  ])('retries %s, then returns the success', async (_name, first) => {
    let n = 0;
    const { url, hits } = await local((req, res, body) => {
      n++;
      (n === 1 ? first : answer(200, '{"ok":true}'))(req, res, body);
    });
    const res = await sendWithRetries(retried(url));
    expect([res.status, res.text, hits()]).toEqual([200, '{"ok":true}', 2]);
  });

  it('returns a refusal at once for the caller to read', async () => {
    const { url, hits } = await local(answer(403, '{"__type":"AccessDeniedException"}'));
    const res = await sendWithRetries(retried(url));
    expect([res.status, hits()]).toEqual([403, 1]);
  });

  it('builds (signs) each attempt anew', async () => {
    let built = 0;
    const { url } = await local(answer(503, '{}'));
    await rejectionOf(
      sendWithRetries(
        retried(url, {
          build: () => {
            built++;
            return { method: 'POST', url, headers: {}, body: '' };
          },
        }),
      ),
    );
    expect(built).toBe(3);
  });

  it('gives up after maxAttempts with an AwsApiError naming the last failure and the hint', async () => {
    const { url } = await local(
      answer(503, '{"message":"down"}', {
        'x-amzn-errortype': 'ServiceUnavailable',
        'x-amzn-requestid': 'req-1',
      }),
    );
    const e = await rejectionOf(
      sendWithRetries(retried(url, { maxAttempts: 2, exhaustedHint: 'check the network' })),
    );
    expect(isAwsApiError(e) && [e.operation, e.status, e.errorType, e.requestId]).toEqual([
      'Test Op',
      503,
      'ServiceUnavailable',
      'req-1',
    ]);
    expect(String(e)).toBe(
      'AwsApiError: Test Op failed after 2 attempts: 503 ServiceUnavailable: down; check the network',
    );
  });

  it('says it cannot reach a closed port', async () => {
    const { url } = await local(answer(200, ''));
    await open.splice(0)[0]?.close();
    const e = await rejectionOf(sendWithRetries(retried(url, { maxAttempts: 2 })));
    expect(String(e)).toMatch(
      /Test Op failed after 2 attempts: cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/,
    );
  });

  it('stops at the deadline when the endpoint never answers', async () => {
    const { url } = await local(() => {
      // never answers
    });
    const e = await rejectionOf(sendWithRetries(retried(url, { deadline: Date.now() + 300 })));
    expect(String(e)).toMatch(/Test Op failed after 1 attempt: no answer in time/);
  });

  it('stops when the caller’s signal aborts', async () => {
    const { url } = await local(() => {
      // never answers
    });
    const e = await rejectionOf(
      sendWithRetries(retried(url, { deadline: undefined, signal: AbortSignal.timeout(200) })),
    );
    expect(String(e)).toMatch(/Test Op did not answer at http:\/\/127\.0\.0\.1:\d+ in time/);
  });

  it('uses the code it is given (credentials calls)', async () => {
    const { url } = await local(answer(500, '{}'));
    const e = await rejectionOf(
      sendWithRetries(retried(url, { maxAttempts: 1, code: 'AWS_CREDENTIALS_ERROR' })),
    );
    expect(isCredprovError(e) && e.code).toBe('AWS_CREDENTIALS_ERROR');
  });
});

describe('readAwsErrorAnswer', () => {
  it.each([
    [
      'the type header (REST-JSON)',
      { 'x-amzn-errortype': 'AccessDeniedException:http://internal.amazon.com/' },
      '{"message":"no"}',
      { errorType: 'AccessDeniedException', message: 'no' },
    ],
    [
      'the body __type (JSON 1.1)',
      {},
      '{"__type":"com.amazonaws.ecr#RepositoryNotFoundException","message":"gone"}',
      { errorType: 'RepositoryNotFoundException', message: 'gone' },
    ],
    ['Message with a capital', {}, '{"Message":"cap"}', { errorType: '', message: 'cap' }],
    [
      'text that is not JSON',
      {},
      '<html>\n  Bad   gateway\n</html>',
      { errorType: '', message: '<html> Bad gateway </html>' },
    ],
    [
      'control characters',
      { 'x-amzn-errortype': 'X' },
      '{"message":"a\\u001b[31mb"}',
      { errorType: 'X', message: 'a\\x1b[31mb' },
    ],
  ])('reads %s', (_name, headers, text, want) => {
    expect(readAwsErrorAnswer(400, headers, text)).toMatchObject(want);
  });

  it('takes the request ID from either header, and sums up what is present', () => {
    expect(readAwsErrorAnswer(500, { 'x-amz-request-id': 'abc' }, '{"message":"m"}')).toEqual({
      status: 500,
      errorType: '',
      message: 'm',
      requestId: 'abc',
      summary: '500: m',
    });
    expect(readAwsErrorAnswer(503, {}, '').summary).toBe('503');
  });
});
