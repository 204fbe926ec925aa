// Reads a Kubernetes API path into what it addresses, the way the apiserver's
// RequestInfoResolver does:
//
//   /api/v1[/watch][/namespaces/{ns}]/{plural}[/{name}[/{subresource}]]
//   /apis/{group}/{version}[/watch][/namespaces/{ns}]/{plural}[/{name}[/{subresource}]]
//
// `/api/v1/namespaces/{name}[/status]` is the namespace itself, not a
// namespace prefix: a third segment after `namespaces/{ns}` that names a
// namespaced resource makes it a prefix.

import type { ResourceType, Subresource } from '../api/resources.js';
import { convertedTypeAt, resourceTypeAt, reviewTypeAt } from '../api/resources.js';

/** A request for a resource collection, an object or one of its subresources. */
export interface ResourceRequest {
  readonly type: ResourceType;
  /** The namespace in the path; undefined for cluster-scoped paths and all-namespace lists. */
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  /** The legacy `/watch/` path prefix was used. */
  readonly watchPrefix: boolean;
}

/** What a path under `/api` or `/apis` addresses. */
export type ApiPath =
  | { readonly kind: 'resource'; readonly request: ResourceRequest }
  /** A review's collection (`/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`). */
  | { readonly kind: 'review'; readonly type: ResourceType }
  /** A group-version prefix: discovery's APIResourceList. */
  | { readonly kind: 'groupVersion'; readonly group: string; readonly version: string }
  /** `/apis/{group}`: discovery's APIGroup. */
  | { readonly kind: 'group'; readonly group: string }
  /** `/api` or `/apis`. */
  | { readonly kind: 'root'; readonly legacy: boolean }
  /** Anything else: 404. */
  | { readonly kind: 'unknown' };

const UNKNOWN: ApiPath = { kind: 'unknown' };

/** Subresources of a namespace object, which must not be read as a namespaced resource. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Parses the path (no query) of a request under `/api` or `/apis`. */
export function parseApiPath(path: string): ApiPath {
  const segments = path.split('/').slice(1);
  // One trailing slash is tolerated (`/api/v1/`), as the apiserver does.
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  if (segments.some((s) => s === '')) return UNKNOWN;
  const decoded = decodeSegments(segments);
  if (!decoded) return UNKNOWN;

  const [root, ...rest] = decoded;
  if (root === 'api') {
    if (rest.length === 0) return { kind: 'root', legacy: true };
    const [version = '', ...tail] = rest;
    return resourcePath('', version, tail);
  }
  if (root === 'apis') {
    if (rest.length === 0) return { kind: 'root', legacy: false };
    const [group = '', version, ...tail] = rest;
    if (version === undefined) return { kind: 'group', group };
    return resourcePath(group, version, tail);
  }
  return UNKNOWN;
}

function decodeSegments(segments: readonly string[]): string[] | undefined {
  try {
    return segments.map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

function resourcePath(group: string, version: string, segments: readonly string[]): ApiPath {
  if (segments.length === 0) return { kind: 'groupVersion', group, version };
  if (segments.length === 1) {
    const review = reviewTypeAt(group, version, segments[0] ?? '');
    if (review) return { kind: 'review', type: review };
  }
  let rest = segments;
  const watchPrefix = rest[0] === 'watch';
  if (watchPrefix) rest = rest.slice(1);

  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !NAMESPACE_SUBRESOURCES.has(rest[2] ?? '')) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural = '', name, subresource, ...extra] = rest;
  if (extra.length > 0) return UNKNOWN;
  const type = resourceTypeAt(group, version, plural) ?? convertedTypeAt(group, version, plural);
  if (!type) return UNKNOWN;
  // A namespace in the path of a cluster-scoped type addresses nothing.
  if (namespace !== undefined && !type.namespaced) return UNKNOWN;
  return {
    kind: 'resource',
    request: {
      type,
      ...(namespace !== undefined ? { namespace } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(subresource !== undefined ? { subresource } : {}),
      watchPrefix,
    },
  };
}

/** Whether `type` serves `subresource` (per the resource table). */
export function servesSubresource(type: ResourceType, subresource: string): boolean {
  return (type.subresources as readonly string[]).includes(subresource as Subresource);
}
