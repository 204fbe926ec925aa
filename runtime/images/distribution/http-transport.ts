// HTTP for the registry client, on Node's global fetch (undici): timeouts,
// redirects, retries. Knows nothing of registries' auth (registry-session.ts).
//
// - The timeout is an idle timeout: it fires when neither headers nor a body
//   chunk arrived for `timeoutMs`. A 2 GiB layer may take minutes; a stalled
//   connection should not.
// - Redirects are followed here rather than by fetch, so that an
//   Authorization header never leaves the registry's origin (blobs are often
//   redirected to a storage service with a pre-signed URL).
// - Network failures, 429 and 5xx are retried per the RetryPolicy; 4xx are
//   final. Request bodies are buffers, so every attempt sends the same bytes.

import { Readable } from 'node:stream';
import {
  RegistryError,
  RequestTimeout,
  classifyNetworkError,
  describeNetworkFailure,
  type OperationContext,
} from './errors.js';
import {
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
  sleep,
  type RetryPolicy,
} from './retry-policy.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One request. Header names are lower case. */
export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  /** Retry network failures and retryable statuses (default true). */
  readonly retry?: boolean;
  /** The caller's cancellation: its reason is thrown as is, never retried. */
  readonly signal?: AbortSignal;
}

/** A response whose body must be consumed once: bytes, text, stream or discard. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The URL that answered (after redirects). */
  readonly url: URL;
  /** The whole body; a RegistryError (`protocol`) past `limit` bytes. */
  bytes(limit?: number): Promise<Buffer>;
  text(limit?: number): Promise<string>;
  /** The body as a stream; the idle timeout keeps running while it flows. */
  stream(): Readable;
  /** Drops the body (frees the connection). */
  discard(): Promise<void>;
}

export interface TransportOptions {
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly userAgent: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;
const DEFAULT_BODY_LIMIT = 1024 * 1024;

export class HttpTransport {
  constructor(readonly options: TransportOptions) {}

  /**
   * Sends `request`, retrying what may pass. Returns the final response,
   * whatever its status (a retryable status is returned once attempts are used
   * up). Throws a RegistryError (`network`) when no response came.
   */
  async send(context: OperationContext, request: HttpRequest): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt++) {
      let response: HttpResponse | undefined;
      let failure: RegistryError | undefined;
      try {
        response = await this.#followRedirects(context, request);
        if (!isRetryableStatus(response.status)) return response;
      } catch (error) {
        if (!(error instanceof RegistryError) || !isRetryableNetwork(error)) throw error;
        failure = error;
      }
      const retryAfter = response
        ? parseRetryAfter(response.headers.get('retry-after'))
        : undefined;
      const delay =
        request.retry === false ? undefined : retryDelay(this.options.retry, attempt, retryAfter);
      if (delay === undefined) {
        if (response) return response;
        throw failure;
      }
      await response?.discard();
      await sleep(delay, request.signal);
    }
  }

  async #followRedirects(context: OperationContext, request: HttpRequest): Promise<HttpResponse> {
    let current = request;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const response = await this.#fetchOnce(context, current);
      const location = response.headers.get('location');
      if (!REDIRECTS.has(response.status) || location === null) return response;
      await response.discard();
      const next = new URL(location, current.url);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw protocolError(
          context,
          `redirected to an unsupported URL ${next.href}`,
          response.status,
        );
      }
      const headers = { ...current.headers };
      // Credentials are for the registry; a storage service gets a signed URL.
      if (next.origin !== current.url.origin) delete headers.authorization;
      const becomesGet = response.status === 303 && current.method !== 'HEAD';
      current = {
        ...current,
        url: next,
        headers,
        ...(becomesGet ? { method: 'GET', body: undefined } : {}),
      };
    }
    throw protocolError(context, `more than ${MAX_REDIRECTS} redirects from ${request.url.host}`);
  }

  async #fetchOnce(context: OperationContext, request: HttpRequest): Promise<HttpResponse> {
    const controller = new AbortController();
    const { timeoutMs } = this.options;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(new RequestTimeout(timeoutMs)), timeoutMs);
      // The request's socket keeps the process alive while it matters; the timer need not.
      timer.unref();
    };
    const disarm = (): void => clearTimeout(timer);
    const signal = request.signal
      ? AbortSignal.any([request.signal, controller.signal])
      : controller.signal;
    const fail = (error: unknown): never => {
      disarm();
      if (request.signal?.aborted) throw request.signal.reason;
      throw networkError(context, error, request.url.host);
    };
    arm();
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers: { 'user-agent': this.options.userAgent, ...request.headers },
        ...(request.body ? { body: request.body } : {}),
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      return fail(error);
    }
    arm();
    const body = response.body;
    if (body === null) disarm();

    async function* chunks(): AsyncGenerator<Uint8Array> {
      if (body === null) return;
      const reader = body.getReader();
      try {
        for (;;) {
          const { done, value } = await reader.read().catch(fail);
          if (done) return;
          arm();
          yield value;
        }
      } finally {
        disarm();
        // Stopping early (a consumer destroyed the stream) releases the socket.
        await reader.cancel().catch(() => undefined);
      }
    }

    const bytes = async (limit = DEFAULT_BODY_LIMIT): Promise<Buffer> => {
      const declared = Number(response.headers.get('content-length') ?? NaN);
      const tooLarge = (): RegistryError =>
        protocolError(context, `response larger than ${limit} bytes`, response.status);
      if (declared > limit) {
        await discard();
        throw tooLarge();
      }
      const parts: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of chunks()) {
        size += chunk.length;
        if (size > limit) throw tooLarge();
        parts.push(chunk);
      }
      return Buffer.concat(parts, size);
    };
    const discard = async (): Promise<void> => {
      disarm();
      await body?.cancel().catch(() => undefined);
    };
    return {
      status: response.status,
      headers: response.headers,
      url: request.url,
      bytes,
      text: async (limit) => (await bytes(limit)).toString('utf8'),
      stream: () => Readable.from(chunks(), { objectMode: false }),
      discard,
    };
  }
}

/** Network failures worth another attempt: not unknown hosts, not bad certificates. */
function isRetryableNetwork(error: RegistryError): boolean {
  if (error.failure !== 'network' || error.network === 'tls') return false;
  return error.network !== 'dns' || classifyNetworkError(error.cause).code === 'EAI_AGAIN';
}

/** A RegistryError for a failed connection or a stalled transfer with `host`. */
export function networkError(
  context: OperationContext,
  error: unknown,
  host: string,
): RegistryError {
  if (error instanceof RegistryError) return error;
  const classified = classifyNetworkError(error);
  const { detail, hint } = describeNetworkFailure(classified, host);
  return new RegistryError({
    ...context,
    failure: 'network',
    network: classified.kind,
    detail,
    hint,
    cause: error,
  });
}

/** A RegistryError for an answer this client cannot use. */
export function protocolError(
  context: OperationContext,
  detail: string,
  status?: number,
): RegistryError {
  return new RegistryError({
    ...context,
    failure: 'protocol',
    detail,
    status,
  });
}
