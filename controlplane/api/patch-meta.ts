// What a strategic merge patch needs to know about each built-in kind: which
// lists merge (and by which key) instead of being replaced. These are the
// `patchStrategy:"merge" patchMergeKey:"..."` tags of Kubernetes' Go types;
// every list not named here is atomic (replaced whole), as in Kubernetes
// (tolerations, envFrom, args, command, matchExpressions, ...). The server's
// strategic merge patch follows this table, and the OpenAPI v3 schemas publish
// it (`x-kubernetes-patch-strategy`, `x-kubernetes-patch-merge-key`) for
// kubectl apply, which computes its patches from them: one table, so the two
// always agree.

/** How one field patches. */
export interface PatchMeta {
  /** Fields of an object. */
  readonly fields?: Readonly<Record<string, PatchMeta>>;
  /**
   * Set for lists that merge: the key identifying items, or undefined for
   * lists of scalars (merged as a set). `mapKeys` are the key fields server-side
   * apply identifies items by (Kubernetes' `listMapKey`s) where they are more
   * than the merge key (a port is its number and its protocol).
   */
  readonly list?: { readonly mergeKey?: string; readonly mapKeys?: readonly string[] };
  /** The items of a merging list. */
  readonly items?: PatchMeta;
  /**
   * Kubernetes' `retainKeys` strategy (a Deployment's `strategy`, a pod's
   * `volumes`): a client's patch lists the keys to keep (`$retainKeys`), so
   * switching a union's member clears the other. Published for clients; the
   * server honours `$retainKeys` wherever a patch has it.
   */
  readonly retainKeys?: boolean;
  /**
   * Server-side apply owns the whole value as one field (Kubernetes'
   * `structType=atomic`: a Deployment's label selector, so one manager's
   * selector never merges with another's; `listType=atomic` for a list that
   * patches merge but whose keys repeat: a node's addresses).
   */
  readonly atomic?: boolean;
}

function mergeList(mergeKey: string, items: PatchMeta = {}, mapKeys?: string[]): PatchMeta {
  return { list: { mergeKey, ...(mapKeys ? { mapKeys } : {}) }, items };
}

/** The fields identifying an item of a merging list for server-side apply; none for a set of scalars. */
export function listMapKeys(meta: PatchMeta): readonly string[] {
  const list = meta.list;
  if (!list) return [];
  return list.mapKeys ?? (list.mergeKey !== undefined ? [list.mergeKey] : []);
}

/** A list of scalars merged as a set (`finalizers`, `podCIDRs`). */
const SCALAR_SET: PatchMeta = { list: {} };

const CONDITIONS = mergeList('type');

const OBJECT_META: PatchMeta = {
  fields: { finalizers: SCALAR_SET, ownerReferences: mergeList('uid') },
};

const CONTAINER: PatchMeta = {
  fields: {
    ports: mergeList('containerPort', {}, ['containerPort', 'protocol']),
    env: mergeList('name'),
    volumeMounts: mergeList('mountPath'),
    volumeDevices: mergeList('devicePath'),
  },
};

const POD_SPEC: PatchMeta = {
  fields: {
    containers: mergeList('name', CONTAINER),
    initContainers: mergeList('name', CONTAINER),
    ephemeralContainers: mergeList('name', CONTAINER),
    volumes: { ...mergeList('name'), retainKeys: true },
    imagePullSecrets: mergeList('name'),
    hostAliases: mergeList('ip'),
    topologySpreadConstraints: mergeList('topologyKey', {}, ['topologyKey', 'whenUnsatisfiable']),
    schedulingGates: mergeList('name'),
    resourceClaims: { ...mergeList('name'), retainKeys: true },
  },
};

const POD_STATUS: PatchMeta = {
  fields: { conditions: CONDITIONS, podIPs: mergeList('ip'), hostIPs: mergeList('ip') },
};

const POD_TEMPLATE: PatchMeta = { fields: { metadata: OBJECT_META, spec: POD_SPEC } };

/** `metav1.LabelSelector`, which Kubernetes tags `structType=atomic`. */
const LABEL_SELECTOR: PatchMeta = { atomic: true };

const REPLICA_SET: PatchMeta = {
  fields: {
    metadata: OBJECT_META,
    spec: { fields: { template: POD_TEMPLATE, selector: LABEL_SELECTOR } },
    status: { fields: { conditions: CONDITIONS } },
  },
};

const DEPLOYMENT: PatchMeta = {
  fields: {
    metadata: OBJECT_META,
    spec: {
      fields: { template: POD_TEMPLATE, strategy: { retainKeys: true }, selector: LABEL_SELECTOR },
    },
    status: { fields: { conditions: CONDITIONS } },
  },
};

const WITH_CONDITIONS: PatchMeta = {
  fields: { metadata: OBJECT_META, status: { fields: { conditions: CONDITIONS } } },
};

const BY_KIND: Readonly<Record<string, PatchMeta>> = {
  Pod: { fields: { metadata: OBJECT_META, spec: POD_SPEC, status: POD_STATUS } },
  Deployment: DEPLOYMENT,
  ReplicaSet: REPLICA_SET,
  Node: {
    fields: {
      metadata: OBJECT_META,
      spec: { fields: { podCIDRs: SCALAR_SET } },
      // Merged by type for patches, but one value for server-side apply
      // (Kubernetes' listType=atomic): a dual-stack node has two InternalIPs.
      status: {
        fields: { conditions: CONDITIONS, addresses: { ...mergeList('type'), atomic: true } },
      },
    },
  },
  Service: {
    fields: {
      metadata: OBJECT_META,
      spec: { fields: { ports: mergeList('port', {}, ['port', 'protocol']) } },
      status: { fields: { conditions: CONDITIONS } },
    },
  },
  Namespace: WITH_CONDITIONS,
  HorizontalPodAutoscaler: WITH_CONDITIONS,
};

/** What every object merges: its `metadata`'s lists (owner references, finalizers). */
export const OBJECT_PATCH_META: PatchMeta = { fields: { metadata: OBJECT_META } };

/** The patch description of a kind; kinds without merging lists still merge `metadata`'s. */
export function patchMetaFor(kind: string): PatchMeta {
  return BY_KIND[kind] ?? OBJECT_PATCH_META;
}
