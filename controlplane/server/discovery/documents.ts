// The discovery documents of the legacy form: APIVersions (`/api`),
// APIGroupList (`/apis`), APIGroup (`/apis/{group}`) and APIResourceList
// (`/api/v1`, `/apis/{group}/{version}`), all read from the resource table
// and the reviews.

import type { ResourceType, Subresource } from '../../api/resources.js';
import { CONVERTED_TYPES, RESOURCE_TYPES, REVIEW_TYPES } from '../../api/resources.js';

/** A subresource as discovery describes it: the kind it speaks and its verbs. */
export interface SubresourceInfo {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly verbs: readonly string[];
}

const UPDATE_VERBS = ['get', 'patch', 'update'];

/** What each subresource of `type` reads and writes. */
export function subresourceInfo(type: ResourceType, subresource: Subresource): SubresourceInfo {
  switch (subresource) {
    case 'status':
      return { group: type.group, version: type.version, kind: type.kind, verbs: UPDATE_VERBS };
    case 'scale':
      return { group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: UPDATE_VERBS };
    case 'binding':
      return { group: '', version: 'v1', kind: 'Binding', verbs: ['create'] };
    case 'log':
      return { group: '', version: 'v1', kind: 'Pod', verbs: ['get'] };
    case 'exec':
      return { group: '', version: 'v1', kind: 'PodExecOptions', verbs: ['create', 'get'] };
  }
}

/** A served group and its (single) version, in discovery order. */
export interface GroupVersion {
  readonly group: string;
  readonly version: string;
}

/** What discovery lists: the stored types, the reviews, then the older versions of stored types. */
const SERVED_TYPES: readonly ResourceType[] = [
  ...RESOURCE_TYPES,
  ...REVIEW_TYPES,
  ...CONVERTED_TYPES,
];

/** Every group-version served, the core group first, in the resource table's order. */
export function servedGroupVersions(): GroupVersion[] {
  const seen = new Map<string, GroupVersion>();
  for (const type of SERVED_TYPES) {
    const key = `${type.group}/${type.version}`;
    if (!seen.has(key)) seen.set(key, { group: type.group, version: type.version });
  }
  return [...seen.values()];
}

/** The types served at one group-version. */
export function typesAt(group: string, version: string): ResourceType[] {
  return SERVED_TYPES.filter((t) => t.group === group && t.version === version);
}

function groupVersionString(group: string, version: string): string {
  return group === '' ? version : `${group}/${version}`;
}

/** `/api`: APIVersions. */
export function apiVersions(serverAddress: string) {
  return {
    kind: 'APIVersions',
    versions: servedGroupVersions()
      .filter((gv) => gv.group === '')
      .map((gv) => gv.version),
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDocument(group: string) {
  const versions = servedGroupVersions()
    .filter((gv) => gv.group === group)
    .map((gv) => ({ groupVersion: groupVersionString(group, gv.version), version: gv.version }));
  const [preferred] = versions;
  return preferred ? { name: group, versions, preferredVersion: preferred } : undefined;
}

/** `/apis`: APIGroupList of the named groups. */
export function apiGroupList() {
  const groups = [...new Set(servedGroupVersions().map((gv) => gv.group))].filter((g) => g !== '');
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((g) => groupDocument(g)).filter((g) => g !== undefined),
  };
}

/** `/apis/{group}`: APIGroup, or undefined when the group is not served. */
export function apiGroup(group: string) {
  const document = group === '' ? undefined : groupDocument(group);
  return document ? { kind: 'APIGroup', apiVersion: 'v1', ...document } : undefined;
}

/** `/api/v1`, `/apis/{group}/{version}`: APIResourceList, or undefined when not served. */
export function apiResourceList(group: string, version: string) {
  const types = typesAt(group, version);
  if (types.length === 0) return undefined;
  const resources = types.flatMap((type) => [
    {
      name: type.plural,
      singularName: type.singular,
      namespaced: type.namespaced,
      kind: type.kind,
      verbs: type.verbs,
      ...(type.shortNames.length > 0 ? { shortNames: type.shortNames } : {}),
      ...(type.categories.length > 0 ? { categories: type.categories } : {}),
    },
    ...type.subresources.map((subresource) => {
      const info = subresourceInfo(type, subresource);
      const crossGroup = info.group !== type.group || info.version !== type.version;
      return {
        name: `${type.plural}/${subresource}`,
        singularName: '',
        namespaced: type.namespaced,
        ...(crossGroup ? { group: info.group, version: info.version } : {}),
        kind: info.kind,
        verbs: info.verbs,
      };
    }),
  ]);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersionString(group, version),
    resources,
  };
}
