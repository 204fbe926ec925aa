// The resource types the API serves, with Kubernetes' names: group, version,
// plural, short names, scope and subresources. Discovery, the server's routes,
// the client and the CLI's short names all read this one table.

/** A subresource served under `/<plural>/<name>/<subresource>`. */
export type Subresource = 'status' | 'scale' | 'binding' | 'log' | 'exec';

export interface ResourceType {
  readonly kind: string;
  readonly listKind: string;
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly namespaced: boolean;
  /** kubectl's `all` category and the like. */
  readonly categories: readonly string[];
  readonly subresources: readonly Subresource[];
  /** Verbs as discovery lists them. */
  readonly verbs: readonly string[];
}

const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

function resource(
  kind: string,
  group: string,
  version: string,
  plural: string,
  options: {
    shortNames?: string[];
    namespaced?: boolean;
    categories?: string[];
    subresources?: Subresource[];
    verbs?: string[];
  } = {},
): ResourceType {
  return {
    kind,
    listKind: `${kind}List`,
    group,
    version,
    plural,
    singular: kind.toLowerCase(),
    shortNames: options.shortNames ?? [],
    namespaced: options.namespaced ?? true,
    categories: options.categories ?? [],
    subresources: options.subresources ?? [],
    verbs: options.verbs ?? ALL_VERBS,
  };
}

/** Every resource type, in discovery order. */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  resource('Namespace', '', 'v1', 'namespaces', {
    shortNames: ['ns'],
    namespaced: false,
    subresources: ['status'],
  }),
  resource('Node', '', 'v1', 'nodes', {
    shortNames: ['no'],
    namespaced: false,
    subresources: ['status'],
  }),
  resource('Pod', '', 'v1', 'pods', {
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status', 'binding', 'log', 'exec'],
  }),
  resource('Service', '', 'v1', 'services', {
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
  }),
  resource('Endpoints', '', 'v1', 'endpoints', { shortNames: ['ep'] }),
  resource('Event', '', 'v1', 'events', { shortNames: ['ev'] }),
  resource('ConfigMap', '', 'v1', 'configmaps', { shortNames: ['cm'] }),
  resource('Secret', '', 'v1', 'secrets'),
  resource('ReplicaSet', 'apps', 'v1', 'replicasets', {
    shortNames: ['rs'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  resource('Deployment', 'apps', 'v1', 'deployments', {
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status', 'scale'],
  }),
  resource('Lease', 'coordination.k8s.io', 'v1', 'leases'),
  resource('HorizontalPodAutoscaler', 'autoscaling', 'v2', 'horizontalpodautoscalers', {
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: ['status'],
  }),
];

/**
 * Types also served at an older version than they are stored as, converted on
 * the way in and out (conversion/): Kubernetes' storage versions. Discovery
 * lists them after the stored version, which stays the preferred one; names
 * (`hpa`, `horizontalpodautoscalers`) resolve to the stored version.
 */
export const CONVERTED_TYPES: readonly ResourceType[] = [
  resource('HorizontalPodAutoscaler', 'autoscaling', 'v1', 'horizontalpodautoscalers', {
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: ['status'],
  }),
  resource('Event', 'events.k8s.io', 'v1', 'events', { shortNames: ['ev'] }),
];

/**
 * The reviews: questions a client asks by creating an object, which the
 * server answers in the response and does not store (`kubectl auth can-i`,
 * `kubectl auth whoami`). Discovery lists them beside the stored types.
 */
export const REVIEW_TYPES: readonly ResourceType[] = [
  resource('SelfSubjectReview', 'authentication.k8s.io', 'v1', 'selfsubjectreviews', {
    namespaced: false,
    verbs: ['create'],
  }),
  resource('SelfSubjectAccessReview', 'authorization.k8s.io', 'v1', 'selfsubjectaccessreviews', {
    namespaced: false,
    verbs: ['create'],
  }),
  resource('SelfSubjectRulesReview', 'authorization.k8s.io', 'v1', 'selfsubjectrulesreviews', {
    namespaced: false,
    verbs: ['create'],
  }),
];

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}

/** The type of objects with this apiVersion and kind, if Skiff serves it. */
export function resourceTypeFor(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.kind === kind && apiVersionOf(t) === apiVersion);
}

/**
 * The type a manifest of `apiVersion` `kind` is written to: a stored type, or
 * a version served by conversion (an autoscaling/v1 HPA), as kubectl maps it.
 */
export function servedTypeFor(apiVersion: string, kind: string): ResourceType | undefined {
  return (
    resourceTypeFor(apiVersion, kind) ??
    CONVERTED_TYPES.find((t) => t.kind === kind && apiVersionOf(t) === apiVersion)
  );
}

/** The type a kind is served as (any version), for messages like "no matches for kind". */
export function resourceTypeForKind(kind: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.kind === kind);
}

/**
 * The type a user means by `name`: a plural, singular, short name or kind, any
 * case, optionally `plural.group` (kubectl's resource arguments).
 */
export function resourceTypeByName(name: string): ResourceType | undefined {
  const lower = name.toLowerCase();
  const [base = lower, ...groupParts] = lower.split('.');
  const group = groupParts.join('.');
  return RESOURCE_TYPES.find(
    (t) =>
      (group === '' || t.group === group) &&
      (t.plural === base ||
        t.singular === base ||
        t.kind.toLowerCase() === base ||
        t.shortNames.includes(base)),
  );
}

/** The entry of `table` served at `group`/`version`/`plural`, if any. */
function typeIn(
  table: readonly ResourceType[],
  group: string,
  version: string,
  plural: string,
): ResourceType | undefined {
  return table.find((t) => t.group === group && t.version === version && t.plural === plural);
}

/** The review served at `group`/`version`/`plural`, if any. */
export function reviewTypeAt(
  group: string,
  version: string,
  plural: string,
): ResourceType | undefined {
  return typeIn(REVIEW_TYPES, group, version, plural);
}

/** The converted type served at `group`/`version`/`plural`, if any. */
export function convertedTypeAt(
  group: string,
  version: string,
  plural: string,
): ResourceType | undefined {
  return typeIn(CONVERTED_TYPES, group, version, plural);
}

/** The type served at `group`/`version`/`plural`, if any. */
export function resourceTypeAt(
  group: string,
  version: string,
  plural: string,
): ResourceType | undefined {
  return typeIn(RESOURCE_TYPES, group, version, plural);
}
