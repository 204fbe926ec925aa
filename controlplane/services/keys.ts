// Where objects live in the store. Keys follow Kubernetes' etcd layout:
// `/registry/<plural>[.<group>]/<namespace>/<name>`, cluster-scoped types
// without the namespace segment. Every prefix ends in `/`, and a type's
// segment is its group-qualified plural, so one type's prefix can never match
// another type's keys (`pods/` does not prefix `podtemplates/`, and
// `deployments.apps/` is not `deployments.extensions/`).

import type { ResourceType } from '../api/resources.js';

const ROOT = '/registry/';

/** `pods` or `deployments.apps`: the type's segment of every key. */
export function typeSegment(type: ResourceType): string {
  return type.group === '' ? type.plural : `${type.plural}.${type.group}`;
}

/** Every object of the type, all namespaces. */
export function typePrefix(type: ResourceType): string {
  return `${ROOT}${typeSegment(type)}/`;
}

/**
 * The objects of the type in `namespace` (namespaced types), or all of them
 * (cluster-scoped types, or no namespace given).
 */
export function listPrefix(type: ResourceType, namespace: string | undefined): string {
  if (!type.namespaced || !namespace) return typePrefix(type);
  return `${typePrefix(type)}${namespace}/`;
}

/** The key of one object. Callers check `isKeySafe` on user-given parts first. */
export function objectKey(type: ResourceType, namespace: string | undefined, name: string): string {
  return type.namespaced
    ? `${typePrefix(type)}${namespace ?? ''}/${name}`
    : `${typePrefix(type)}${name}`;
}

/**
 * Whether a name or namespace can be a key segment. A `/` would let one
 * object's key masquerade as another's (or as a prefix), so such names never
 * reach the store; validation rejects them on create, and reads see NotFound,
 * as Kubernetes' path routing does.
 */
export function isKeySafe(segment: string): boolean {
  return segment !== '' && segment !== '.' && segment !== '..' && !segment.includes('/');
}
