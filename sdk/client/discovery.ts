// Discovery as Kubernetes serves it: `/api` and `/apis` name the group
// versions, `/api/v1` and `/apis/<group>/<version>` list their resources.
// `skiff api-resources` prints this; kubectl reads the same documents.

import { groupVersionPath } from './paths.js';
import type { Transport } from './transport.js';

/** `metav1.APIResource`, with its group and version filled in. */
export interface DiscoveredResource {
  /** The plural, or `plural/subresource` for a subresource. */
  readonly name: string;
  readonly singularName: string;
  readonly namespaced: boolean;
  readonly kind: string;
  readonly group: string;
  readonly version: string;
  readonly verbs: readonly string[];
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
}

interface APIResourceList {
  readonly groupVersion?: string;
  readonly resources?: readonly {
    readonly name: string;
    readonly singularName?: string;
    readonly namespaced?: boolean;
    readonly kind: string;
    readonly group?: string;
    readonly version?: string;
    readonly verbs?: readonly string[];
    readonly shortNames?: readonly string[];
    readonly categories?: readonly string[];
  }[];
}

interface APIVersions {
  readonly versions?: readonly string[];
}

interface APIGroupList {
  readonly groups?: readonly {
    readonly name: string;
    readonly versions?: readonly { readonly groupVersion: string; readonly version: string }[];
    readonly preferredVersion?: { readonly groupVersion: string; readonly version: string };
  }[];
}

/**
 * Every resource (and subresource) the server lists, in the preferred version
 * of each group: the core group's first, then each group in the order `/apis`
 * names them. Throws the ApiError of any failed discovery request.
 */
export async function discoverResources(transport: Transport): Promise<DiscoveredResource[]> {
  const [core, groups] = await Promise.all([
    transport.json<APIVersions>('GET', '/api'),
    transport.json<APIGroupList>('GET', '/apis'),
  ]);
  const groupVersions: { group: string; version: string }[] = [];
  const coreVersion = core.versions?.[0];
  if (coreVersion) groupVersions.push({ group: '', version: coreVersion });
  for (const group of groups.groups ?? []) {
    const version = group.preferredVersion?.version ?? group.versions?.[0]?.version;
    if (version) groupVersions.push({ group: group.name, version });
  }
  const lists = await Promise.all(
    groupVersions.map((gv) => transport.json<APIResourceList>('GET', groupVersionPath(gv))),
  );
  return lists.flatMap((list, index) => {
    const { group, version } = groupVersions[index] ?? { group: '', version: '' };
    return (list.resources ?? []).map((resource) => ({
      name: resource.name,
      singularName: resource.singularName ?? '',
      namespaced: resource.namespaced ?? false,
      kind: resource.kind,
      group: resource.group ?? group,
      version: resource.version ?? version,
      verbs: resource.verbs ?? [],
      shortNames: resource.shortNames ?? [],
      categories: resource.categories ?? [],
    }));
  });
}
