// One API server over HTTP(S): URLs, the bearer token, headers, timeouts, and
// the translation of failures into ApiError (an answer of the API) or
// ConnectionError (no answer). Every request of the client goes through here.
// undici's own fetch is used with the client's own agents (dispatchers.ts):
// the global fetch is another undici copy, whose agents it would not accept.

import { fetch, type Response } from 'undici';
import { defaultUserAgent, type ClientConfig } from './config.js';
import { createDispatchers } from './dispatchers.js';
import { queryString, type Query } from './paths.js';
import {
  connectionError,
  ConnectionError,
  errorFromResponse,
  malformedResponse,
} from './response-errors.js';

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

/** The response of a streaming request; its body is read by the caller. */
export type StreamResponse = Response;

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
  const dispatchers = createDispatchers(config.tls);

  /** The error to throw for a request (or the read of its answer) that failed without an answer. */
  function noAnswer(url: URL, error: unknown, signal?: AbortSignal, timeoutMs?: number): unknown {
    if (signal?.aborted) return signal.reason;
    if (error instanceof DOMException && error.name === 'TimeoutError')
      return new ConnectionError(
        url.host,
        `Unable to connect to the server: no answer from ${url.host} within ${timeoutMs} ms`,
        { cause: error },
      );
    return connectionError(url, error);
  }

  /** The 2xx response of one request, and a reader of its whole body that fails like the request. */
  async function send(
    method: string,
    path: string,
    options: RequestOptions,
    streaming: boolean,
  ): Promise<{ response: Response; text: () => Promise<string> }> {
    const url = new URL(prefix + path + queryString(options.query), base);
    const headers: Record<string, string> = {
      accept: options.accept ?? JSON_CONTENT_TYPE,
      'user-agent': userAgent,
    };
    if (config.token) headers.authorization = `Bearer ${config.token}`;
    if (options.body !== undefined)
      headers['content-type'] = options.contentType ?? JSON_CONTENT_TYPE;
    const timeoutMs = streaming ? undefined : config.timeoutMs;
    const signals = [options.signal, timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined].filter(
      (signal): signal is AbortSignal => signal !== undefined,
    );
    const text = (response: Response) =>
      response.text().catch((error: unknown) => {
        throw noAnswer(url, error, options.signal, timeoutMs);
      });
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        dispatcher: streaming ? dispatchers.streams : dispatchers.requests,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(signals.length ? { signal: AbortSignal.any(signals) } : {}),
      });
    } catch (error) {
      throw noAnswer(url, error, options.signal, timeoutMs);
    }
    if (!response.ok)
      throw errorFromResponse(response.status, await text(response).catch(() => ''));
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
    async stream(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
      return (await send(method, path, options, true)).response;
    },
    close: () => dispatchers.close(),
  };
}
