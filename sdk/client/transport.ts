// One API server over HTTP(S): URLs, the bearer token, headers, timeouts, and
// the translation of failures into ApiError (an answer of the API) or
// ConnectionError (no answer). Every request of the client goes through here,
// on Node's own http/https clients and the client's keep-alive agents.

import http from 'node:http';
import https from 'node:https';
import { defaultUserAgent, type ClientConfig } from './config.js';
import { createConnections } from './connections.js';
import { queryString, type Query } from './paths.js';
import {
  connectionError,
  ConnectionError,
  errorFromResponse,
  malformedResponse,
} from './response-errors.js';

/**
 * How long a request may go without headers or body data when the config
 * sets no timeout: a server that stops answering is given up on.
 */
export const IDLE_TIMEOUT_MS = 300_000;

/** JSON bodies of POST, PUT and DELETE. */
export const JSON_CONTENT_TYPE = 'application/json';

/** What one request sends besides its method and path. */
export interface RequestOptions {
  readonly query?: Query;
  /** Serialised as JSON. */
  readonly body?: unknown;
  /** The body's Content-Type; `application/json` when absent. */
  readonly contentType?: string;
  /** `application/json` when absent. */
  readonly accept?: string;
  readonly signal?: AbortSignal;
}

/** The answer of a streaming request; its body is read by the caller. */
export interface StreamResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /**
   * The body as it arrives. Read it once, to its end or until the request's
   * signal aborts (which ends it with an error).
   */
  readonly body: AsyncIterable<Uint8Array>;
}

/** A request that went IDLE_TIMEOUT_MS without an answer. */
class IdleTimeoutError extends Error {
  override readonly name = 'IdleTimeoutError';
}

/** The whole body of `response` as UTF-8. */
async function readText(response: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Requests to one server, authenticated as the config says. */
export interface Transport {
  readonly config: ClientConfig;
  /**
   * The parsed JSON body of a 2xx answer. Throws the ApiError of any other
   * answer (see errorFromResponse), a ConnectionError when no answer came, and
   * the signal's reason when the caller aborted.
   */
  json<T>(method: string, path: string, options?: RequestOptions): Promise<T>;
  /**
   * The response of a streaming request (watch), its status checked as json()
   * does; the caller reads the body. No timeout applies once headers came.
   */
  stream(method: string, path: string, options?: RequestOptions): Promise<StreamResponse>;
  /** Closes the connections (idle ones do not keep a process alive anyway). */
  close(): Promise<void>;
}

/** A Transport for `config.server`. Throws TypeError for a server that is not a URL. */
export function createTransport(config: ClientConfig): Transport {
  const base = new URL(config.server);
  const prefix = base.pathname.replace(/\/+$/, '');
  const userAgent = config.userAgent ?? defaultUserAgent();
  const connections = createConnections(config.tls);

  /** The error to throw for a request (or the read of its answer) that failed without an answer. */
  function noAnswer(
    url: URL,
    error: unknown,
    signal?: AbortSignal,
    timeout?: AbortSignal,
  ): unknown {
    if (signal?.aborted) return signal.reason;
    if (timeout?.aborted || error instanceof IdleTimeoutError) {
      const within = timeout?.aborted ? config.timeoutMs : IDLE_TIMEOUT_MS;
      return new ConnectionError(
        url.host,
        `Unable to connect to the server: no answer from ${url.host} within ${within} ms`,
        { cause: error },
      );
    }
    return connectionError(url, error);
  }

  /** Sends one request; resolves with the response once its headers came. */
  function exchange(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal | undefined,
    streaming: boolean,
  ): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const request = (url.protocol === 'https:' ? https : http).request(url, {
        method,
        headers,
        agent: connections.agentFor(url),
        ...(signal ? { signal } : {}),
      });
      request.setTimeout(IDLE_TIMEOUT_MS, () => request.destroy(new IdleTimeoutError()));
      request.once('error', reject);
      request.once('response', (response) => {
        // A watch is quiet for minutes by design: no idle limit once it is answered.
        if (streaming) request.setTimeout(0);
        resolve(response);
      });
      request.end(body);
    });
  }

  /** The 2xx response of one request, and a reader of its whole body that fails like the request. */
  async function send(
    method: string,
    path: string,
    options: RequestOptions,
    streaming: boolean,
  ): Promise<{ response: http.IncomingMessage; text: () => Promise<string> }> {
    const url = new URL(prefix + path + queryString(options.query), base);
    const headers: Record<string, string> = {
      accept: options.accept ?? JSON_CONTENT_TYPE,
      'user-agent': userAgent,
    };
    if (config.token) headers.authorization = `Bearer ${config.token}`;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    if (body !== undefined) {
      headers['content-type'] = options.contentType ?? JSON_CONTENT_TYPE;
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const timeout =
      !streaming && config.timeoutMs ? AbortSignal.timeout(config.timeoutMs) : undefined;
    const signals = [options.signal, timeout].filter(
      (signal): signal is AbortSignal => signal !== undefined,
    );
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const text = (response: http.IncomingMessage) =>
      readText(response).catch((error: unknown) => {
        throw noAnswer(url, error, options.signal, timeout);
      });
    let response: http.IncomingMessage;
    try {
      response = await exchange(url, method, headers, body, signal, streaming);
    } catch (error) {
      throw noAnswer(url, error, options.signal, timeout);
    }
    const status = response.statusCode ?? 0;
    if (status < 200 || status > 299)
      throw errorFromResponse(status, await text(response).catch(() => ''));
    return { response, text: () => text(response) };
  }

  return {
    config,
    async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
      const text = await (await send(method, path, options, false)).text();
      try {
        return JSON.parse(text) as T;
      } catch {
        throw malformedResponse(`${method} ${path} response`, `not JSON: ${text.slice(0, 100)}`);
      }
    },
    async stream(
      method: string,
      path: string,
      options: RequestOptions = {},
    ): Promise<StreamResponse> {
      const { response } = await send(method, path, options, true);
      return { status: response.statusCode ?? 0, headers: response.headers, body: response };
    },
    close: () => {
      connections.close();
      return Promise.resolve();
    },
  };
}
