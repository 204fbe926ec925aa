// What an authenticated user may do. Skiff serves every request that carries
// a known token (auth.ts), which is Kubernetes'
// `--authorization-mode=AlwaysAllow`; this module states that policy in
// Kubernetes' terms, so that the reviews (`kubectl auth can-i`) answer with
// what the server actually enforces. Roles (RBAC) are on the roadmap: they
// will replace the policy here and be enforced on every request.

import type { AuthenticatedUser } from './auth.js';

/** A request on a resource, as Kubernetes' authorizers see it (`*` is any; '' is none). */
export interface ResourceAccess {
  readonly namespace: string;
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subresource: string;
  readonly name: string;
}

/** A request for a path outside the API (`/healthz`, `/version`). */
export interface NonResourceAccess {
  readonly path: string;
  readonly verb: string;
}

/** What is asked: one of the two. */
export type AccessAttributes =
  { readonly resource: ResourceAccess } | { readonly nonResource: NonResourceAccess };

/** The verdict on one request. */
export interface AccessDecision {
  readonly allowed: boolean;
  /** Denied outright (no other authorizer may allow it); false when allowed. */
  readonly denied: boolean;
  /** Why, for people ('' when the policy has nothing to say, as AlwaysAllow). */
  readonly reason: string;
}

/** The rules that apply to a user in a namespace, as `kubectl auth can-i --list` prints them. */
export interface AccessRules {
  readonly resourceRules: readonly {
    readonly verbs: readonly string[];
    readonly apiGroups: readonly string[];
    readonly resources: readonly string[];
  }[];
  readonly nonResourceRules: readonly {
    readonly verbs: readonly string[];
    readonly nonResourceURLs: readonly string[];
  }[];
  /** Whether the list may miss rules (an authorizer that cannot enumerate its own). */
  readonly incomplete: boolean;
}

/** Decides what an authenticated user may do. Synchronous, and never throws. */
export interface Authorizer {
  authorize(user: AuthenticatedUser, attributes: AccessAttributes): AccessDecision;
  rulesFor(user: AuthenticatedUser, namespace: string): AccessRules;
}

/** Every authenticated user may do everything: Kubernetes' AlwaysAllow authorizer, word for word. */
export const alwaysAllow: Authorizer = {
  authorize: () => ({ allowed: true, denied: false, reason: '' }),
  rulesFor: () => ({
    resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }],
    nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
    incomplete: false,
  }),
};

/** The policy the server enforces today (see the file's header). */
export const serverAuthorizer: Authorizer = alwaysAllow;
