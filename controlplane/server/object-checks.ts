// Checks of a request body against the URL it was sent to, as the apiserver
// makes before its registry sees the object: the apiVersion and kind are the
// endpoint's (filled in when absent), the namespace is the URL's (filled in
// when absent), and on update the name is the URL's.

import { badRequest } from '../api/errors.js';
import type { KubeObject, ObjectMeta } from '../api/types.js';

/** The endpoint a body was sent to. */
export interface BodyTarget {
  /** `v1`, `apps/v1`, `autoscaling/v1` (Scale), ... */
  readonly apiVersion: string;
  readonly kind: string;
  /** The URL's namespace (namespaced endpoints only). */
  readonly namespace?: string;
  /** The URL's name (update, subresources). */
  readonly name?: string;
}

/**
 * `body` as an object of the endpoint's type, or 400 BadRequest with the
 * apiserver's wording. The body is not copied: the caller owns it.
 */
export function checkBody(body: Record<string, unknown>, target: BodyTarget): KubeObject {
  const { apiVersion, kind } = body;
  if (apiVersion === undefined || apiVersion === '') body.apiVersion = target.apiVersion;
  else if (apiVersion !== target.apiVersion) {
    throw badRequest(
      `the API version in the data (${String(apiVersion)}) does not match the expected API version (${target.apiVersion})`,
    );
  }
  if (kind === undefined || kind === '') body.kind = target.kind;
  else if (kind !== target.kind) {
    throw badRequest(
      `the kind in the data (${String(kind)}) does not match the expected kind (${target.kind})`,
    );
  }
  const metadata = (body.metadata ?? {}) as ObjectMeta;
  body.metadata = metadata;
  if (target.namespace !== undefined) {
    if (metadata.namespace === undefined || metadata.namespace === '')
      metadata.namespace = target.namespace;
    else if (metadata.namespace !== target.namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
  }
  if (target.name !== undefined && metadata.name !== target.name) {
    throw badRequest(
      `the name of the object (${metadata.name ?? ''}) does not match the name on the URL (${target.name})`,
    );
  }
  return body as KubeObject;
}
