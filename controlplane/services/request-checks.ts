// Checks on what a write request names before anything else happens: the
// body's apiVersion and kind, and its namespace against the request's.

import { badRequest } from '../api/errors.js';
import { apiVersionOf, type ResourceType } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import type { TypeContext } from './context.js';
import { effectiveNamespace } from './object-access.js';
import { isKubeObject, isRecord } from './object-utils.js';

/**
 * Checks (in place) that `object` is one of this type: apiVersion and kind
 * must match when given (Kubernetes' 400 wording) and are filled in when
 * absent (the endpoint says what the body is, as Kubernetes' decoder defaults them).
 */
export function checkTypeMeta(type: ResourceType, object: unknown): asserts object is KubeObject {
  if (!isRecord(object))
    throw badRequest(`the object provided is unrecognized (must be of type ${type.kind})`);
  if (object['metadata'] === undefined) object['metadata'] = {};
  if (!isKubeObject(object)) {
    throw badRequest(
      `${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: metadata must be an object`,
    );
  }
  const expected = apiVersionOf(type);
  const body = object;
  if (body.apiVersion === undefined || body.apiVersion === '') body.apiVersion = expected;
  if (body.kind === undefined || body.kind === '') body.kind = type.kind;
  if (body.apiVersion !== expected) {
    throw badRequest(
      `the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${expected})`,
    );
  }
  if (body.kind !== type.kind) {
    throw badRequest(
      `the kind in the data (${String(body.kind)}) does not match the expected kind (${type.kind})`,
    );
  }
}

/**
 * The namespace a write acts in: the request's and the body's must agree when
 * both are given; namespaced types default to `default`; cluster-scoped
 * objects carry no namespace (it is cleared, as Kubernetes does).
 */
export function resolveWriteNamespace(
  ctx: TypeContext,
  object: KubeObject,
  requested: string | undefined,
): string | undefined {
  const inBody = object.metadata.namespace;
  if (!ctx.type.namespaced) {
    delete object.metadata.namespace;
    return undefined;
  }
  if (requested && inBody && requested !== inBody) {
    throw badRequest(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
  const namespace = effectiveNamespace(ctx, requested || inBody);
  object.metadata.namespace = namespace;
  return namespace;
}
