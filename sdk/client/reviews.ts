// The reviews behind `kubectl auth`: who a client's credentials authenticate
// as (SelfSubjectReview), whether they may make a request
// (SelfSubjectAccessReview), and the rules that apply to them in a namespace
// (SelfSubjectRulesReview). Each is one POST whose answer is the server's
// verdict; nothing is stored.

import type {
  NonResourceAttributes,
  ResourceAttributes,
  SelfSubjectAccessReview,
  SelfSubjectReview,
  SelfSubjectRulesReview,
  SubjectAccessReviewStatus,
  SubjectRulesReviewStatus,
  UserInfo,
} from '../../controlplane/api/generated/index.js';
import type { Transport } from './transport.js';

/** What `canI` asks about: a request on a resource, or one for a path (`/healthz`). */
export type AccessQuestion =
  | { readonly resourceAttributes: ResourceAttributes }
  | { readonly nonResourceAttributes: NonResourceAttributes };

/** The reviews of one client's credentials. */
export interface ClientReviews {
  /** The user and groups the server authenticates these credentials as. */
  whoAmI(): Promise<UserInfo>;
  /** The server's verdict on `question`: `allowed`, and why when it says. */
  canI(question: AccessQuestion): Promise<SubjectAccessReviewStatus>;
  /** The rules that apply to these credentials in `namespace`. */
  rulesIn(namespace: string): Promise<SubjectRulesReviewStatus>;
}

/** The reviews, sent through `transport`. Failures throw as the transport's calls do. */
export function clientReviews(transport: Transport): ClientReviews {
  return {
    async whoAmI() {
      const review = await transport.json<SelfSubjectReview>(
        'POST',
        '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        {
          body: {
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'SelfSubjectReview',
            metadata: {},
          } satisfies SelfSubjectReview,
        },
      );
      return review.status?.userInfo ?? {};
    },
    async canI(question) {
      const review = await transport.json<SelfSubjectAccessReview>(
        'POST',
        '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            metadata: {},
            spec: question,
          } satisfies SelfSubjectAccessReview,
        },
      );
      // An answer without a verdict allows nothing.
      return review.status ?? { allowed: false };
    },
    async rulesIn(namespace) {
      const review = await transport.json<SelfSubjectRulesReview>(
        'POST',
        '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
        {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectRulesReview',
            metadata: {},
            spec: { namespace },
          } satisfies SelfSubjectRulesReview,
        },
      );
      // An answer without rules says none, and that the list may be incomplete.
      return review.status ?? { resourceRules: [], nonResourceRules: [], incomplete: true };
    },
  };
}
