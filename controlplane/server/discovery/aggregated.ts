// Aggregated discovery (`apidiscovery.k8s.io/v2`): every group, version and
// resource in one document per root (`/api`, `/apis`). kubectl 1.32 and
// client-go ask for it first; one request then replaces one per group-version.

import type { DiscoveryVersion } from '../media-types.js';
import { servedGroupVersions, subresourceInfo, typesAt } from './documents.js';

function resourceDiscovery(group: string, version: string) {
  return typesAt(group, version).map((type) => ({
    resource: type.plural,
    responseKind: { group: type.group, version: type.version, kind: type.kind },
    scope: type.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: type.singular,
    verbs: type.verbs,
    ...(type.shortNames.length > 0 ? { shortNames: type.shortNames } : {}),
    ...(type.categories.length > 0 ? { categories: type.categories } : {}),
    ...(type.subresources.length > 0
      ? {
          subresources: type.subresources.map((subresource) => {
            const info = subresourceInfo(type, subresource);
            return {
              subresource,
              responseKind: { group: info.group, version: info.version, kind: info.kind },
              verbs: info.verbs,
            };
          }),
        }
      : {}),
  }));
}

/** The APIGroupDiscoveryList of the core group (`legacy`, `/api`) or of the named groups (`/apis`). */
export function aggregatedDiscovery(legacy: boolean, version: DiscoveryVersion) {
  const byGroup = new Map<string, string[]>();
  for (const gv of servedGroupVersions()) {
    if ((gv.group === '') !== legacy) continue;
    byGroup.set(gv.group, [...(byGroup.get(gv.group) ?? []), gv.version]);
  }
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: [...byGroup].map(([group, versions]) => ({
      metadata: group === '' ? {} : { name: group },
      versions: versions.map((v) => ({
        version: v,
        resources: resourceDiscovery(group, v),
        freshness: 'Current',
      })),
    })),
  };
}
