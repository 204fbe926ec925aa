// meta.k8s.io Table responses (`Accept: application/json;as=Table;...`): the
// server renders kubectl's columns so that every client prints the same
// table, and PartialObjectMetadata for `includeObject=Metadata`.

import { conversionOf } from '../../api/conversion/index.js';
import type { ResourceType } from '../../api/resources.js';
import type { KubeObject, ListMeta } from '../../api/types.js';
import type { MetaVersion } from '../media-types.js';
import type { IncludeObject } from '../query-options.js';
import {
  CONFIGMAP_PRINTER,
  EVENT_PRINTER,
  LEASE_PRINTER,
  NAMESPACE_PRINTER,
  NODE_PRINTER,
  SECRET_PRINTER,
} from './cluster-printers.js';
import type { Cell, ColumnDefinition, Printer } from './columns.js';
import { DEFAULT_PRINTER } from './columns.js';
import { ENDPOINTS_PRINTER, SERVICE_PRINTER } from './network-printers.js';
import { POD_PRINTER } from './pod-printer.js';
import { DEPLOYMENT_PRINTER, HPA_PRINTER, REPLICASET_PRINTER } from './workload-printers.js';

/** `meta.k8s.io/v1` TableRow. */
export interface TableRow {
  readonly cells: readonly Cell[];
  /** The object, its PartialObjectMetadata, or absent, per `includeObject`. */
  readonly object?: unknown;
}

/** `meta.k8s.io/v1` (or v1beta1) Table. */
export interface Table {
  readonly kind: 'Table';
  readonly apiVersion: string;
  readonly metadata: ListMeta;
  readonly columnDefinitions: readonly ColumnDefinition[];
  readonly rows: readonly TableRow[];
}

/** `meta.k8s.io/v1` PartialObjectMetadata: an object's apiVersion-less metadata view. */
export interface PartialObjectMetadata {
  readonly kind: 'PartialObjectMetadata';
  readonly apiVersion: string;
  readonly metadata: KubeObject['metadata'];
}

const PRINTERS: ReadonlyMap<string, Printer> = new Map([
  ['Pod', POD_PRINTER],
  ['Deployment', DEPLOYMENT_PRINTER],
  ['ReplicaSet', REPLICASET_PRINTER],
  ['HorizontalPodAutoscaler', HPA_PRINTER],
  ['Service', SERVICE_PRINTER],
  ['Endpoints', ENDPOINTS_PRINTER],
  ['Node', NODE_PRINTER],
  ['Namespace', NAMESPACE_PRINTER],
  ['Event', EVENT_PRINTER],
  ['ConfigMap', CONFIGMAP_PRINTER],
  ['Secret', SECRET_PRINTER],
  ['Lease', LEASE_PRINTER],
]);

/** The printer of a type's objects (NAME and AGE for types without their own). */
export function printerFor(type: ResourceType): Printer {
  return PRINTERS.get(type.kind) ?? DEFAULT_PRINTER;
}

/** How a Table is rendered. */
export interface TableOptions {
  readonly version: MetaVersion;
  readonly includeObject: IncludeObject;
  /** The clock ages are computed at (ms since the epoch). */
  readonly now: number;
}

/** The PartialObjectMetadata of `object`. */
export function partialMetadata(object: KubeObject, version: MetaVersion): PartialObjectMetadata {
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: object.metadata,
  };
}

/** A PartialObjectMetadataList of `items`, keeping the list's metadata. */
export function partialMetadataList(
  items: readonly KubeObject[],
  metadata: ListMeta,
  version: MetaVersion,
) {
  return {
    kind: 'PartialObjectMetadataList',
    apiVersion: `meta.k8s.io/${version}`,
    metadata,
    items: items.map((item) => partialMetadata(item, version)),
  };
}

function rowObject(object: KubeObject, options: TableOptions): unknown {
  switch (options.includeObject) {
    case 'None':
      return undefined;
    case 'Object':
      return object;
    default:
      return partialMetadata(object, options.version);
  }
}

/** A Table of `objects` of `type`; `metadata` is the list's (or the object's resourceVersion). */
export function toTable(
  type: ResourceType,
  objects: readonly KubeObject[],
  metadata: ListMeta,
  options: TableOptions,
): Table {
  const printer = printerFor(type);
  // A served form another version is stored as (autoscaling/v1 HPAs,
  // events.k8s.io/v1 Events) prints as that stored form: the kind's one printer.
  const conversion = conversionOf(type);
  const printed = (object: KubeObject) => (conversion ? conversion.toStored(object) : object);
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${options.version}`,
    metadata,
    columnDefinitions: printer.columns,
    rows: objects.map((object) => {
      const included = rowObject(object, options);
      return {
        cells: printer.cells(printed(object), options.now),
        ...(included !== undefined ? { object: included } : {}),
      };
    }),
  };
}
