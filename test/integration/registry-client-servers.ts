// Small HTTP servers for the registry client's tests, all on 127.0.0.1: a
// scripted fake, a recording proxy in front of the real test registry, and a
// Docker token server with a proxy that demands its tokens (the registry's
// bearer flow, which docker-registry 2.8 only offers with certificates).

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** What a server saw. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
}

export interface TestServer {
  /** `127.0.0.1:PORT` */
  readonly address: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export type Handler = (
  request: IncomingMessage,
  response: ServerResponse,
  body: Buffer,
) => void | Promise<void>;

/** A server answering with `handler` (request bodies read first). */
export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((request, response) => {
    requests.push({
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
    });
    readBody(request)
      .then((body) => handler(request, response, body))
      .catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500);
        response.end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    address: `127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => resolve(Buffer.concat(parts)));
    request.on('error', reject);
  });
}

/** An upstream answer, buffered. */
export interface Upstream {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * Decides what the proxy does with a request: call `forward` to send it on
 * (and `relay` the answer, or answer something else), or answer directly.
 */
export type Intercept = (
  request: IncomingMessage,
  response: ServerResponse,
  forward: () => Promise<Upstream>,
) => void | Promise<void>;

/** Sends `upstream` back to the client. */
export function relay(response: ServerResponse, upstream: Upstream): void {
  response.writeHead(upstream.status, upstream.headers);
  response.end(upstream.body);
}

/**
 * A proxy in front of `target` (`127.0.0.1:PORT`). The Host header is passed
 * through, so the registry's Location headers point back at the proxy.
 */
export function startProxy(target: string, intercept?: Intercept): Promise<TestServer> {
  const [host = '127.0.0.1', port = '80'] = target.split(':');
  return startServer(async (request, response, body) => {
    const forward = (): Promise<Upstream> =>
      new Promise((resolve, reject) => {
        const headers = { ...request.headers };
        delete headers.authorization;
        const upstream = http.request(
          { host, port: Number(port), method: request.method, path: request.url, headers },
          (answer) => {
            readBody(answer)
              .then((data) =>
                resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: data }),
              )
              .catch(reject);
          },
        );
        upstream.on('error', reject);
        upstream.end(body);
      });
    if (intercept) await intercept(request, response, forward);
    else relay(response, await forward());
  });
}

export interface TokenProxyOptions {
  readonly username: string;
  readonly password: string;
  /** `expires_in` of issued tokens, in seconds. */
  readonly expiresIn?: number;
  /** Answer `access_token` (OAuth2 style) instead of `token`. */
  readonly accessTokenField?: boolean;
}

/** A token server and a registry proxy that accepts only its tokens. */
export interface TokenProxy {
  readonly registry: TestServer;
  readonly tokens: TestServer;
  readonly service: string;
  close(): Promise<void>;
}

interface Grant {
  readonly actions: Map<string, Set<string>>;
  readonly expiresAt: number;
}

/**
 * Docker's token auth in front of `target`: the proxy answers 401 with
 * `Bearer realm=…,service=…,scope=…` unless the request carries a token
 * granting what it needs; the token server checks Basic credentials and grants
 * the requested scopes (nothing to anonymous callers).
 */
export async function startTokenProxy(
  target: string,
  options: TokenProxyOptions,
): Promise<TokenProxy> {
  const service = 'skiff-test-registry';
  const grants = new Map<string, Grant>();
  const expected = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
  const tokens = await startServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://token');
    const authorization = request.headers.authorization;
    if (
      url.searchParams.get('service') !== service ||
      (authorization && authorization !== expected)
    ) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }],
        }),
      );
      return;
    }
    const actions = new Map<string, Set<string>>();
    for (const scope of authorization ? url.searchParams.getAll('scope') : []) {
      const [, name = '', granted = ''] = /^repository:(.+):([a-z,*]+)$/.exec(scope) ?? [];
      actions.set(name, new Set(granted.split(',')));
    }
    const token = randomBytes(16).toString('hex');
    const expiresIn = options.expiresIn ?? 300;
    grants.set(token, { actions, expiresAt: Date.now() + expiresIn * 1000 });
    response.writeHead(200, { 'content-type': 'application/json' });
    const field = options.accessTokenField ? 'access_token' : 'token';
    response.end(
      JSON.stringify({
        [field]: token,
        expires_in: expiresIn,
        issued_at: new Date().toISOString(),
      }),
    );
  });
  const registry = await startProxy(target, async (request, response, forward) => {
    const needed = neededAccess(request);
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    const grant = token ? grants.get(token) : undefined;
    const allowed =
      grant !== undefined &&
      grant.expiresAt > Date.now() &&
      needed.every(([name, action]) => grant.actions.get(name)?.has(action));
    if (!allowed) {
      const scope = needed.map(
        ([name, action]) => `repository:${name}:${action === 'pull' ? 'pull' : 'pull,push'}`,
      );
      response.writeHead(401, {
        'content-type': 'application/json',
        'www-authenticate':
          `Bearer realm="http://${tokens.address}/token",service="${service}"` +
          (scope.length ? `,scope="${scope.join(' ')}"` : '') +
          (token ? ',error="invalid_token"' : ''),
      });
      response.end(
        JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }),
      );
      return;
    }
    relay(response, await forward());
  });
  return {
    registry,
    tokens,
    service,
    async close() {
      await registry.close();
      await tokens.close();
    },
  };
}

/** [repository, action] pairs a registry request needs (as distribution decides them). */
function neededAccess(request: IncomingMessage): [string, string][] {
  const url = new URL(request.url ?? '/', 'http://registry');
  const match = /^\/v2\/(.+?)\/(?:manifests|blobs|tags)\//.exec(url.pathname);
  if (!match?.[1]) return [];
  const method = request.method ?? 'GET';
  const action =
    method === 'GET' || method === 'HEAD' ? 'pull' : method === 'DELETE' ? 'delete' : 'push';
  const needed: [string, string][] = [[match[1], action]];
  if (action === 'push') needed.push([match[1], 'pull']);
  const from = url.searchParams.get('from');
  if (from) needed.push([from, 'pull']);
  return needed;
}
