// Fetching what resource arguments select: each named object (failures
// collected, so the others still print), or the list of a type in a scope.

import { apiVersionOf, type ResourceType } from '../../../controlplane/api/resources.js';
import type { KubeObject } from '../../../controlplane/api/types.js';
import type { HttpClusterApi } from '../../client/index.js';
import type { ResourceSelection } from './resource-args.js';

/** Where and what to list: `namespace` undefined means every namespace (`-A`). */
export interface Scope {
  readonly namespace: string | undefined;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

/** The namespace to send for `selection`: its own, else the scope's; none for cluster-scoped types. */
export function namespaceFor(selection: ResourceSelection, scope: Scope): string | undefined {
  return selection.type.namespaced ? (selection.namespace ?? scope.namespace) : undefined;
}

/** `object` with apiVersion and kind (list items of Kubernetes' typed lists have neither). */
export function withTypeMeta(object: KubeObject, type: ResourceType): KubeObject {
  return {
    ...object,
    apiVersion: object.apiVersion || apiVersionOf(type),
    kind: object.kind || type.kind,
  };
}

/** What a selection fetched, and the failures of the named objects that could not be. */
export interface Fetched {
  readonly objects: KubeObject[];
  readonly errors: unknown[];
  /** The list's resourceVersion (lists only), to watch from. */
  readonly resourceVersion?: string;
}

/** The objects of `selection` in `scope`. A failed list throws; failed gets are collected. */
export async function fetchObjects(
  api: HttpClusterApi,
  selection: ResourceSelection,
  scope: Scope,
): Promise<Fetched> {
  const client = api.resource(selection.type);
  const namespace = namespaceFor(selection, scope);
  if (selection.names.length === 0) {
    const list = await client.list({
      namespace,
      labelSelector: scope.labelSelector,
      fieldSelector: scope.fieldSelector,
    });
    return {
      objects: list.items.map((item) => withTypeMeta(item, selection.type)),
      errors: [],
      resourceVersion: list.metadata.resourceVersion,
    };
  }
  const objects: KubeObject[] = [];
  const errors: unknown[] = [];
  for (const name of selection.names) {
    try {
      objects.push(withTypeMeta(await client.get(name, { namespace }), selection.type));
    } catch (error) {
      errors.push(error);
    }
  }
  return { objects, errors };
}
