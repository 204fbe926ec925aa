// Which lists of the built-in types merge element by element, and by which
// key: the `patchMergeKey` / `patchStrategy:"merge"` tags of Kubernetes' Go
// types (containers by name, ports by containerPort, env by name, ...). Every
// other list is atomic: it is replaced as a whole, as a JSON merge patch does.

/** The merge behaviour below one field of an object. */
export interface MergeSchema {
  /** Object fields with behaviour of their own. */
  readonly fields?: Readonly<Record<string, MergeSchema>>;
  /** For a list: the key of its elements (`name`), or `primitive` for a set of scalars (finalizers). */
  readonly mergeKey?: string;
  /** For a list: the schema of its elements. */
  readonly items?: MergeSchema;
}

const keyed = (mergeKey: string, items: MergeSchema = {}): MergeSchema => ({ mergeKey, items });

const OBJECT_META: MergeSchema = {
  fields: { finalizers: { mergeKey: 'primitive' }, ownerReferences: keyed('uid') },
};

const CONTAINER: MergeSchema = {
  fields: {
    ports: keyed('containerPort'),
    env: keyed('name'),
    volumeMounts: keyed('mountPath'),
    volumeDevices: keyed('devicePath'),
  },
};

const POD_SPEC: MergeSchema = {
  fields: {
    containers: keyed('name', CONTAINER),
    initContainers: keyed('name', CONTAINER),
    ephemeralContainers: keyed('name', CONTAINER),
    volumes: keyed('name'),
    imagePullSecrets: keyed('name'),
    hostAliases: keyed('ip'),
  },
};

const CONDITIONS = keyed('type');

const POD_TEMPLATE: MergeSchema = { fields: { metadata: OBJECT_META, spec: POD_SPEC } };

const WORKLOAD: MergeSchema = {
  fields: {
    metadata: OBJECT_META,
    spec: { fields: { template: POD_TEMPLATE } },
    status: { fields: { conditions: CONDITIONS } },
  },
};

const SCHEMAS: Readonly<Record<string, MergeSchema>> = {
  Pod: {
    fields: {
      metadata: OBJECT_META,
      spec: POD_SPEC,
      status: { fields: { conditions: CONDITIONS } },
    },
  },
  Deployment: WORKLOAD,
  ReplicaSet: WORKLOAD,
  Service: { fields: { metadata: OBJECT_META, spec: { fields: { ports: keyed('port') } } } },
  Node: {
    fields: {
      metadata: OBJECT_META,
      status: { fields: { conditions: CONDITIONS, addresses: keyed('type') } },
    },
  },
};

const GENERIC: MergeSchema = { fields: { metadata: OBJECT_META } };

/** The merge schema of a kind (any kind: unknown ones merge only their metadata lists). */
export function mergeSchemaFor(kind: string): MergeSchema {
  return SCHEMAS[kind] ?? GENERIC;
}
