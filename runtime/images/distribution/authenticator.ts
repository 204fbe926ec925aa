// Registry authentication: anonymous first, then whatever the registry's 401
// asks for (Docker's flow, which every OCI registry follows).
//
// - `Basic realm=…`: the stored username and password on every request.
// - `Bearer realm=…,service=…,scope=…` (Docker's token auth): a token from the
//   realm for the scopes the request needs, fetched with the stored
//   credentials as Basic auth (anonymously without any), cached per scope set
//   until `expires_in`. Concurrent requests for one scope share one fetch.
//
// Once a registry has answered a challenge, later requests authenticate up
// front, so only the first request of a client pays the extra round trip.

import {
  RegistryError,
  describeHttpFailure,
  parseErrorBody,
  type OperationContext,
} from './errors.js';
import { protocolError, type HttpTransport } from './http-transport.js';
import { findChallenge, parseWwwAuthenticate } from './www-authenticate.js';

/** A user's credentials for one registry (what `skiff login` stores). */
export interface RegistryCredentials {
  readonly username: string;
  readonly password: string;
}

/** What a token grants on a repository. */
export type RepositoryAction = 'pull' | 'push' | 'delete';

/** A token scope: `repository:team/kubia:pull,push`. */
export function repositoryScope(repository: string, actions: readonly RepositoryAction[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}

/** Advice for a 401 or 403, depending on whether credentials were used. */
export function authenticationHint(
  status: number,
  registry: string,
  hasCredentials: boolean,
): string | undefined {
  if (status === 401) {
    return hasCredentials
      ? `check your credentials: skiff login ${registry}`
      : `log in first: skiff login ${registry}`;
  }
  if (status === 403 && !hasCredentials) return `log in first: skiff login ${registry}`;
  return undefined;
}

type Learned = { scheme: 'basic' } | { scheme: 'bearer'; realm: string; service?: string };

interface CachedToken {
  readonly token: string;
  readonly expiresAt: number;
}

/** Tokens are used at most this long when the server does not say (the spec's default). */
const DEFAULT_TOKEN_SECONDS = 60;
const MAX_TOKEN_RESPONSE = 256 * 1024;

export class Authenticator {
  #learned: Learned | undefined;
  readonly #tokens = new Map<string, CachedToken>();
  readonly #pending = new Map<string, Promise<string>>();

  constructor(
    readonly registry: string,
    private readonly credentials: RegistryCredentials | undefined,
    private readonly transport: HttpTransport,
    private readonly now: () => number = Date.now,
  ) {}

  get hasCredentials(): boolean {
    return this.credentials !== undefined;
  }

  /** The Authorization header to send before any 401, from what earlier challenges taught. */
  async preemptive(
    context: OperationContext,
    scopes: readonly string[],
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const learned = this.#learned;
    if (learned?.scheme === 'basic') return this.#basic();
    if (learned?.scheme === 'bearer')
      return `Bearer ${await this.#token(context, learned, scopes, signal)}`;
    return undefined;
  }

  /**
   * After a 401 with `header` (its WWW-Authenticate): the Authorization header
   * to try once more with, or undefined when nothing better than `previous` can
   * be sent (no credentials for Basic, the same Basic credentials again).
   * Throws a RegistryError when the token server refuses or fails.
   */
  async answer(
    context: OperationContext,
    header: string | null,
    scopes: readonly string[],
    previous: string | undefined,
    signal?: AbortSignal,
  ): Promise<string | undefined> {
    const challenges = parseWwwAuthenticate(header ?? '');
    const bearer = findChallenge(challenges, 'bearer');
    const realm = bearer?.params.realm;
    if (bearer && realm) {
      const learned: Learned = {
        scheme: 'bearer',
        realm,
        service: bearer.params.service,
      };
      this.#learned = learned;
      // The registry may need more than we asked for (a mount reads another repository).
      const asked = bearer.params.scope?.split(' ').filter(Boolean) ?? [];
      const wanted = [...new Set([...scopes, ...asked])];
      // A token that was just refused is not offered again.
      if (previous?.startsWith('Bearer ')) this.#tokens.delete(tokenKey(learned, wanted));
      return `Bearer ${await this.#token(context, learned, wanted, signal)}`;
    }
    if (findChallenge(challenges, 'basic')) {
      this.#learned = { scheme: 'basic' };
      const basic = this.#basic();
      return basic === previous ? undefined : basic;
    }
    return undefined;
  }

  #basic(): string | undefined {
    if (!this.credentials) return undefined;
    const { username, password } = this.credentials;
    return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  async #token(
    context: OperationContext,
    learned: Extract<Learned, { scheme: 'bearer' }>,
    scopes: readonly string[],
    signal?: AbortSignal,
  ): Promise<string> {
    const key = tokenKey(learned, scopes);
    const cached = this.#tokens.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.token;
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#fetchToken(context, learned, scopes, signal).finally(() =>
        this.#pending.delete(key),
      );
      this.#pending.set(key, pending);
    }
    return pending;
  }

  async #fetchToken(
    context: OperationContext,
    learned: Extract<Learned, { scheme: 'bearer' }>,
    scopes: readonly string[],
    signal?: AbortSignal,
  ): Promise<string> {
    let url: URL;
    try {
      url = new URL(learned.realm);
    } catch {
      throw protocolError(context, `the registry's token realm "${learned.realm}" is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw protocolError(context, `the registry's token realm "${learned.realm}" is not http(s)`);
    }
    if (learned.service) url.searchParams.set('service', learned.service);
    for (const scope of scopes) url.searchParams.append('scope', scope);
    if (this.credentials) url.searchParams.set('account', this.credentials.username);
    const basic = this.#basic();
    const response = await this.transport.send(context, {
      method: 'GET',
      url,
      headers: basic ? { authorization: basic } : {},
      signal,
    });
    const body = await response.text(MAX_TOKEN_RESPONSE);
    if (response.status !== 200) {
      const errors = parseErrorBody(body);
      const hint = authenticationHint(response.status, this.registry, this.hasCredentials);
      throw new RegistryError({
        ...context,
        failure: 'http',
        status: response.status,
        errors,
        detail: `token server ${url.host}: ${describeHttpFailure(response.status, errors)}`,
        hint,
      });
    }
    const { token, expiresIn } = readTokenResponse(body);
    if (token === undefined) {
      throw protocolError(context, `the token server ${url.host} answered without a token`, 200);
    }
    const lifetimeMs = (expiresIn ?? DEFAULT_TOKEN_SECONDS) * 1000;
    // Stop using a token a little before it expires, so it does not expire in flight.
    const expiresAt = this.now() + lifetimeMs - Math.min(10_000, lifetimeMs / 10);
    this.#tokens.set(tokenKey(learned, scopes), { token, expiresAt });
    return token;
  }
}

function tokenKey(learned: { realm: string; service?: string }, scopes: readonly string[]): string {
  return [learned.realm, learned.service ?? '', ...[...scopes].sort()].join(' ');
}

/** `token` (Docker) or `access_token` (OAuth2), and `expires_in` when it is a positive number. */
function readTokenResponse(body: string): { token?: string; expiresIn?: number } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return {};
  }
  if (typeof json !== 'object' || json === null) return {};
  const {
    token,
    access_token: accessToken,
    expires_in: expiresIn,
  } = json as Record<string, unknown>;
  const chosen = typeof token === 'string' && token ? token : accessToken;
  return {
    ...(typeof chosen === 'string' && chosen ? { token: chosen } : {}),
    ...(typeof expiresIn === 'number' && expiresIn > 0 ? { expiresIn } : {}),
  };
}
