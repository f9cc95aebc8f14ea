/**
 * Loopback servers for tests: a server whose answers a test decides, a forwarding HTTP proxy
 * (absolute-URI requests, as `HTTP_PROXY` clients send them), a CONNECT-only proxy (as corporate
 * proxies are for https), and a TLS server with a self-signed certificate for 127.0.0.1. Each
 * `close` destroys every socket it accepted, tunnels included, so closing never waits.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { testPki } from './pki.ts';

/** A listening loopback server. */
export interface LocalServer {
  /** `http://127.0.0.1:<port>` or `https://...`. */
  readonly url: string;
  readonly close: () => Promise<void>;
}

/** Starts `server` on a free loopback port. */
export async function listen(server: http.Server | https.Server): Promise<LocalServer> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  server.on('connection', track);
  server.on('connect', (_req: http.IncomingMessage, socket: Socket) => {
    track(socket);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const scheme = server instanceof https.Server ? 'https' : 'http';
  return {
    url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((ok) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          ok();
        });
      }),
  };
}

/** What decides each answer of a {@link server}; the request body is read first. */
export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

function withBody(handle: Handler): http.RequestListener {
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  };
}

/** A local HTTP server; `handle` decides each answer. */
export function server(handle: Handler): Promise<LocalServer> {
  return listen(http.createServer(withBody(handle)));
}

/** A handler that sends each request on to `target` (moto, the emulator) and relays the answer. */
export function forwardTo(target: string): Handler {
  return (req, res, body) => {
    forward(target, { req, res, body });
  };
}

function forward(
  target: string,
  { req, res, body }: { req: http.IncomingMessage; res: http.ServerResponse; body: string },
): void {
  const url = new URL(req.url ?? '/', target);
  const out = http.request(
    url,
    { method: req.method, headers: { ...req.headers, host: url.host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  out.on('error', () => res.writeHead(502).end());
  out.end(body);
}

/**
 * A forwarding proxy for plain-HTTP requests (`GET http://host/path`); `seen` gets
 * `<METHOD> <absolute URL>` of each, and `answer`, when it returns true, has answered itself.
 */
export async function forwardingProxy(
  answer?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean,
): Promise<LocalServer & { readonly seen: string[] }> {
  const seen: string[] = [];
  const s = await server((req, res, body) => {
    seen.push(`${req.method ?? ''} ${req.url ?? ''}`);
    if (answer?.(req, res) === true) return;
    forward(new URL(req.url ?? '').origin, { req, res, body });
  });
  return { ...s, seen };
}

/** A proxy that only tunnels (CONNECT); `tunnels` gets each `host:port` asked for. */
export async function connectProxy(): Promise<LocalServer & { readonly tunnels: string[] }> {
  const tunnels: string[] = [];
  const proxy = http.createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req: http.IncomingMessage, client: Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host ?? '', () => {
      client.on('close', () => upstream.destroy());
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
  });
  return { ...(await listen(proxy)), tunnels };
}

/**
 * An https server for 127.0.0.1 with a fresh self-signed certificate (`caFile` is it, to trust);
 * `handle` decides each answer.
 */
export async function tlsServer(
  handle: Handler,
): Promise<LocalServer & { readonly caFile: string }> {
  const dir = testPki().dir;
  const name = `tls-${process.pid}-${Math.random().toString(36).slice(2)}`;
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, `${name}.key`),
      '-out',
      join(dir, `${name}.crt`),
    ],
    { stdio: 'ignore' },
  );
  const caFile = join(dir, `${name}.crt`);
  const s = https.createServer(
    { key: readFileSync(join(dir, `${name}.key`)), cert: readFileSync(caFile) },
    withBody(handle),
  );
  return { ...(await listen(s)), caFile };
}

/** A port on 127.0.0.1 with nothing listening (one was bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  await new Promise<void>((r) =>
    server.close(() => {
      r();
    }),
  );
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
