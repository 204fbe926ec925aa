// Requests to one registry, authenticated: where it lives (its base URL and
// scheme), the 401 → challenge → retry dance, and turning an unexpected
// answer into a RegistryError that says what to do.

import { isLocalRegistry } from '../oci/reference.js';
import { authenticationHint, Authenticator, type RegistryCredentials } from './authenticator.js';
import {
  RegistryError,
  describeHttpFailure,
  parseErrorBody,
  type OperationContext,
} from './errors.js';
import type { HttpMethod, HttpRequest, HttpResponse, HttpTransport } from './http-transport.js';

/** A request to the registry: a path under its base URL, or a URL it gave us. */
export interface RegistryRequest {
  readonly method: HttpMethod;
  /** `/v2/...`, or an absolute URL (an upload's Location, a Link). */
  readonly target: string | URL;
  /** The token scopes the request needs (`repository:<name>:pull`, …). */
  readonly scopes: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
  readonly retry?: boolean;
  readonly signal?: AbortSignal;
}

/** Where to find a registry and how to reach it. */
export interface SessionOptions {
  readonly credentials?: RegistryCredentials;
  /** Speak plain HTTP (as for a local registry). */
  readonly insecure: boolean;
  readonly transport: HttpTransport;
}

/** Docker Hub's name is `docker.io`; its API is served elsewhere. */
const API_HOSTS: Readonly<Record<string, string>> = { 'docker.io': 'registry-1.docker.io' };
const MAX_ERROR_BODY = 64 * 1024;

export class RegistrySession {
  readonly baseUrl: URL;
  readonly #auth: Authenticator;
  readonly #transport: HttpTransport;

  constructor(
    readonly registry: string,
    options: SessionOptions,
  ) {
    const scheme = options.insecure || isLocalRegistry(registry) ? 'http' : 'https';
    this.baseUrl = new URL(`${scheme}://${API_HOSTS[registry] ?? registry}/`);
    this.#transport = options.transport;
    this.#auth = new Authenticator(registry, options.credentials, options.transport);
  }

  get hasCredentials(): boolean {
    return this.#auth.hasCredentials;
  }

  /** An absolute URL for a registry path or a (possibly relative) URL it sent. */
  url(target: string | URL): URL {
    return new URL(target, this.baseUrl);
  }

  /**
   * Sends `request`, authenticating as the registry asks (once more after a
   * 401). Returns whatever the registry finally answered, a 401 included when
   * nothing better could be sent; throws a RegistryError for network failures
   * and token-server refusals.
   */
  async send(context: OperationContext, request: RegistryRequest): Promise<HttpResponse> {
    const url = this.url(request.target);
    // Credentials go to the registry only, never to a host one of its URLs names.
    const ours = url.origin === this.baseUrl.origin;
    const first = ours
      ? await this.#auth.preemptive(context, request.scopes, request.signal)
      : undefined;
    const response = await this.#transport.send(context, httpRequest(request, url, first));
    if (response.status !== 401 || !ours) return response;
    const challenge = response.headers.get('www-authenticate');
    let second: string | undefined;
    try {
      second = await this.#auth.answer(context, challenge, request.scopes, first, request.signal);
    } catch (error) {
      await response.discard(); // the token server's refusal is the error now
      throw error;
    }
    if (second === undefined) return response;
    await response.discard();
    return this.#transport.send(context, httpRequest(request, url, second));
  }

  /** Like send, but any status outside `ok` becomes a RegistryError (see errorFor). */
  async expect(
    context: OperationContext,
    request: RegistryRequest,
    ok: readonly number[],
  ): Promise<HttpResponse> {
    const response = await this.send(context, request);
    if (ok.includes(response.status)) return response;
    throw await this.errorFor(context, response);
  }

  /** The RegistryError for an error response: status, the registry's codes, advice. */
  async errorFor(context: OperationContext, response: HttpResponse): Promise<RegistryError> {
    const body = await response.text(MAX_ERROR_BODY).catch(() => '');
    const errors = parseErrorBody(body);
    const hint = authenticationHint(response.status, this.registry, this.hasCredentials);
    return new RegistryError({
      ...context,
      failure: 'http',
      status: response.status,
      errors,
      detail: describeHttpFailure(response.status, errors),
      hint,
    });
  }
}

function httpRequest(
  request: RegistryRequest,
  url: URL,
  authorization: string | undefined,
): HttpRequest {
  return {
    method: request.method,
    url,
    headers: { ...request.headers, ...(authorization ? { authorization } : {}) },
    body: request.body,
    retry: request.retry,
    signal: request.signal,
  };
}
