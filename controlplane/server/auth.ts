// Authentication: every request carries `Authorization: Bearer <token>` with
// a token the server knows, or is answered 401 (a Status, as the apiserver
// does). The health endpoints and /version stay public, as Kubernetes' default
// `system:public-info-viewer` role allows them to anyone.
//
// Every known token may do everything: authorization (RBAC-style roles,
// namespace-scoped tokens) is on the roadmap.

import type { RequestHandler } from 'express';
import { unauthorized } from '../api/errors.js';
import { sendStatus } from './responses.js';

/** A bearer token and who it authenticates. */
export interface TokenIdentity {
  readonly token: string;
  /** `admin`, `system:node:...`, ... (logged with the requests it makes). */
  readonly user: string;
  readonly groups?: readonly string[];
}

/** Who may call the API. */
export interface TokenAuth {
  readonly tokens: readonly TokenIdentity[];
}

/** The user a request was authenticated as (`response.locals.user`). */
export interface AuthenticatedUser {
  readonly name: string;
  readonly groups: readonly string[];
}

/** The group of every user with a known token, as in Kubernetes. */
export const AUTHENTICATED_GROUP = 'system:authenticated';

/** Paths served to anyone: health and version, like Kubernetes' system:public-info-viewer. */
const PUBLIC_PATH = /^\/(healthz|livez|readyz)(\/.*)?$|^\/version\/?$/;

/** Whether `path` is served without a token. */
export function isPublicPath(path: string): boolean {
  return PUBLIC_PATH.test(path);
}

/** The middleware: public paths pass; others need a known bearer token, or get 401. */
export function authenticate(auth: TokenAuth): RequestHandler {
  // Looked up in a map keyed by the token, as Kubernetes' token-file
  // authenticator does: the lookup's time depends on the presented string's
  // hash, not on how much of a known token it matches. (A digest per request
  // cost more than the rest of authentication.)
  const users = new Map<string, AuthenticatedUser>();
  for (const identity of auth.tokens) {
    if (identity.token.length < 16) throw new Error('an API token must be at least 16 characters');
    // Kubernetes puts every authenticated user in system:authenticated.
    const groups = [...new Set([...(identity.groups ?? []), AUTHENTICATED_GROUP])];
    users.set(identity.token, { name: identity.user, groups });
  }
  return (request, response, next) => {
    if (isPublicPath(request.path)) {
      response.locals.user = { name: 'system:anonymous', groups: ['system:unauthenticated'] };
      return next();
    }
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const user = match?.[1] ? users.get(match[1]) : undefined;
    if (!user) return sendStatus(response, unauthorized().status);
    response.locals.user = user;
    next();
  };
}
