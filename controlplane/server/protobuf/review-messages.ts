// The messages of the reviews kubectl sends in protobuf: `kubectl auth can-i`
// (SelfSubjectAccessReview), `kubectl auth can-i --list`
// (SelfSubjectRulesReview), `kubectl auth whoami` (SelfSubjectReview), with
// the field numbers of k8s.io/api's authorization/v1 and authentication/v1.

import { b, list, msg, s, type MessageSpec } from './field-specs.js';

/** The names of the reviews' messages. */
export type ReviewMessageName =
  | 'SelfSubjectAccessReview'
  | 'SelfSubjectAccessReviewSpec'
  | 'ResourceAttributes'
  | 'NonResourceAttributes'
  | 'SubjectAccessReviewStatus'
  | 'SelfSubjectRulesReview'
  | 'SelfSubjectRulesReviewSpec'
  | 'SubjectRulesReviewStatus'
  | 'ResourceRule'
  | 'NonResourceRule'
  | 'SelfSubjectReview'
  | 'SelfSubjectReviewStatus'
  | 'UserInfo';

/** The reviews' messages, by name. */
export const REVIEW_MESSAGES: Readonly<Record<ReviewMessageName, MessageSpec>> = {
  SelfSubjectAccessReview: {
    1: msg('metadata', 'ObjectMeta'),
    2: msg('spec', 'SelfSubjectAccessReviewSpec'),
    3: msg('status', 'SubjectAccessReviewStatus'),
  },
  SelfSubjectAccessReviewSpec: {
    1: msg('resourceAttributes', 'ResourceAttributes'),
    2: msg('nonResourceAttributes', 'NonResourceAttributes'),
  },
  ResourceAttributes: {
    1: s('namespace'),
    2: s('verb'),
    3: s('group'),
    4: s('version'),
    5: s('resource'),
    6: s('subresource'),
    7: s('name'),
  },
  NonResourceAttributes: { 1: s('path'), 2: s('verb') },
  SubjectAccessReviewStatus: {
    1: b('allowed'),
    2: s('reason'),
    3: s('evaluationError'),
    4: b('denied'),
  },
  SelfSubjectRulesReview: {
    1: msg('metadata', 'ObjectMeta'),
    2: msg('spec', 'SelfSubjectRulesReviewSpec'),
    3: msg('status', 'SubjectRulesReviewStatus'),
  },
  SelfSubjectRulesReviewSpec: { 1: s('namespace') },
  SubjectRulesReviewStatus: {
    1: list(msg('resourceRules', 'ResourceRule')),
    2: list(msg('nonResourceRules', 'NonResourceRule')),
    3: b('incomplete'),
    4: s('evaluationError'),
  },
  ResourceRule: {
    1: list(s('verbs')),
    2: list(s('apiGroups')),
    3: list(s('resources')),
    4: list(s('resourceNames')),
  },
  NonResourceRule: { 1: list(s('verbs')), 2: list(s('nonResourceURLs')) },
  SelfSubjectReview: {
    1: msg('metadata', 'ObjectMeta'),
    2: msg('status', 'SelfSubjectReviewStatus'),
  },
  SelfSubjectReviewStatus: { 1: msg('userInfo', 'UserInfo') },
  UserInfo: { 1: s('username'), 2: s('uid'), 3: list(s('groups')) },
};

/** The reviews' top-level kinds, by `apiVersion/kind`. */
export const REVIEW_KINDS: readonly (readonly [string, ReviewMessageName])[] = [
  ['authorization.k8s.io/v1/SelfSubjectAccessReview', 'SelfSubjectAccessReview'],
  ['authorization.k8s.io/v1/SelfSubjectRulesReview', 'SelfSubjectRulesReview'],
  ['authentication.k8s.io/v1/SelfSubjectReview', 'SelfSubjectReview'],
];
