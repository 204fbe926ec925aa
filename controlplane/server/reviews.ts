// The reviews: `kubectl auth whoami` (SelfSubjectReview), `kubectl auth
// can-i` (SelfSubjectAccessReview) and `kubectl auth can-i --list`
// (SelfSubjectRulesReview). Each is a POST of a question that the server
// answers in the response (201, as Kubernetes) and never stores. The body is
// checked as any other (apiVersion and kind against the URL, the kind's JSON
// Schema, unknown fields per `fieldValidation`, Kubernetes' rules of the
// kind), then answered for the user the request was authenticated as.

import type { Request, Response } from 'express';
import { dropNullFields } from '../api/defaults/values.js';
import { badRequest, invalid, strictDecodingError, type FieldError } from '../api/errors.js';
import type {
  SelfSubjectAccessReview,
  SelfSubjectReview,
  SelfSubjectRulesReview,
} from '../api/generated/index.js';
import { rfc3339 } from '../api/json-values.js';
import { apiVersionOf, type ResourceType } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { invalidValue } from '../api/validation/field-errors.js';
import { checkSchema } from '../api/validation/schema-check.js';
import type { AuthenticatedUser } from './auth.js';
import type { AccessAttributes, Authorizer } from './authorization.js';
import { negotiateResponse } from './media-types.js';
import { checkBody } from './object-checks.js';
import { fieldValidationOf } from './query-options.js';
import { readObjectBody } from './request-body.js';
import { addWarning, sendJson, verbNotAllowed } from './responses.js';

/** What a review needs besides the request. */
export interface ReviewSettings {
  readonly maxBodyBytes: number;
  /** Whose verdicts the access reviews report: the policy the server enforces. */
  readonly authorizer: Authorizer;
  /** The clock of SelfSubjectReview's creationTimestamp. */
  readonly now: () => number;
}

/** Serves a POST to the collection of review `type`; any other method is 405. */
export async function serveReview(
  settings: ReviewSettings,
  type: ResourceType,
  query: URLSearchParams,
  request: Request,
  response: Response,
): Promise<void> {
  if (request.method !== 'POST') throw verbNotAllowed();
  negotiateResponse(request.headers.accept, false);
  const body = await readObjectBody(request, settings.maxBodyBytes);
  const review = checkBody(body, { apiVersion: apiVersionOf(type), kind: type.kind });
  // A null field is an absent one, as Kubernetes' decoder reads it
  // (`creationTimestamp: null` in what kubectl sends as JSON).
  dropNullFields(review);
  checkFields(type, review, query, response);
  const user = response.locals.user as AuthenticatedUser;
  sendJson(response, 201, answer(settings, review, user));
}

/** The schema's verdict: 422 for wrong fields, unknown fields refused or warned about. */
function checkFields(
  type: ResourceType,
  review: KubeObject,
  query: URLSearchParams,
  response: Response,
): void {
  const report = checkSchema(type.kind, review);
  if (report.errors.length > 0) throw invalid(type.kind, '', report.errors, type.group);
  // Unknown fields never reach the answer, which is built from the known ones.
  if (report.unknownFields.length === 0) return;
  const mode = fieldValidationOf(query) ?? 'Warn';
  if (mode === 'Strict') throw strictDecodingError(type.kind, type.version, report.unknownFields);
  if (mode === 'Warn') {
    for (const field of report.unknownFields) addWarning(response, `unknown field "${field}"`);
  }
}

function answer(settings: ReviewSettings, review: KubeObject, user: AuthenticatedUser): KubeObject {
  switch (review.kind) {
    case 'SelfSubjectReview':
      return whoAmI(review as SelfSubjectReview, user, settings.now());
    case 'SelfSubjectAccessReview':
      return canI(review as SelfSubjectAccessReview, user, settings.authorizer);
    case 'SelfSubjectRulesReview':
      return rulesOf(review as SelfSubjectRulesReview, user, settings.authorizer);
    default:
      throw new Error(`${review.kind} is not a review`);
  }
}

/** `kubectl auth whoami`: the user, with Kubernetes' group of every authenticated user. */
function whoAmI(
  review: SelfSubjectReview,
  user: AuthenticatedUser,
  now: number,
): SelfSubjectReview {
  return {
    apiVersion: review.apiVersion,
    kind: review.kind,
    metadata: { creationTimestamp: rfc3339(new Date(now)) },
    status: { userInfo: { username: user.name, groups: [...user.groups] } },
  };
}

/** `kubectl auth can-i VERB RESOURCE` and `kubectl auth can-i VERB /path`. */
function canI(
  review: SelfSubjectAccessReview,
  user: AuthenticatedUser,
  authorizer: Authorizer,
): SelfSubjectAccessReview {
  const errors = accessReviewErrors(review);
  if (errors.length > 0) throw invalid(review.kind, '', errors, 'authorization.k8s.io');
  const { resourceAttributes: resource, nonResourceAttributes: nonResource } = review.spec;
  const attributes: AccessAttributes = resource
    ? {
        resource: {
          namespace: resource.namespace ?? '',
          verb: resource.verb ?? '',
          group: resource.group ?? '',
          version: resource.version ?? '',
          resource: resource.resource ?? '',
          subresource: resource.subresource ?? '',
          name: resource.name ?? '',
        },
      }
    : { nonResource: { path: nonResource?.path ?? '', verb: nonResource?.verb ?? '' } };
  const decision = authorizer.authorize(user, attributes);
  return {
    apiVersion: review.apiVersion,
    kind: review.kind,
    metadata: {},
    spec:
      'resource' in attributes
        ? { resourceAttributes: withoutEmpty(attributes.resource) }
        : { nonResourceAttributes: withoutEmpty(attributes.nonResource) },
    status: {
      allowed: decision.allowed,
      ...(decision.denied ? { denied: true } : {}),
      ...(decision.reason !== '' ? { reason: decision.reason } : {}),
    },
  };
}

/** Kubernetes' ValidateSelfSubjectAccessReview. */
function accessReviewErrors(review: SelfSubjectAccessReview): FieldError[] {
  const errors: FieldError[] = [];
  const { resourceAttributes, nonResourceAttributes } = review.spec;
  if (resourceAttributes && nonResourceAttributes) {
    errors.push(
      invalidValue(
        'spec.nonResourceAttributes',
        nonResourceAttributes,
        'cannot be specified in combination with resourceAttributes',
      ),
    );
  }
  if (!resourceAttributes && !nonResourceAttributes) {
    errors.push(
      invalidValue(
        'spec.resourceAttributes',
        null,
        'exactly one of nonResourceAttributes or resourceAttributes must be specified',
      ),
    );
  }
  // managedFields aside, as Kubernetes compares it.
  const set = Object.entries(review.metadata).filter(([field]) => field !== 'managedFields');
  if (set.length > 0) {
    errors.push(invalidValue('metadata', Object.fromEntries(set), 'must be empty'));
  }
  return errors;
}

/** `kubectl auth can-i --list [-n NS]`. */
function rulesOf(
  review: SelfSubjectRulesReview,
  user: AuthenticatedUser,
  authorizer: Authorizer,
): SelfSubjectRulesReview {
  const namespace = review.spec.namespace ?? '';
  // Kubernetes' wording, from its REST storage of this review.
  if (namespace === '') throw badRequest('no namespace on request');
  const rules = authorizer.rulesFor(user, namespace);
  return {
    apiVersion: review.apiVersion,
    kind: review.kind,
    metadata: {},
    spec: { namespace },
    status: {
      resourceRules: rules.resourceRules.map((r) => ({
        verbs: [...r.verbs],
        apiGroups: [...r.apiGroups],
        resources: [...r.resources],
      })),
      nonResourceRules: rules.nonResourceRules.map((r) => ({
        verbs: [...r.verbs],
        nonResourceURLs: [...r.nonResourceURLs],
      })),
      incomplete: rules.incomplete,
    },
  };
}

/** The fields with a value, as Go's JSON writes `omitempty` strings. */
function withoutEmpty<T extends object>(attributes: T): Partial<T> {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== '')) as Partial<T>;
}
