// The fields a field selector may name, per kind, and their values for one
// object: Kubernetes' GetAttrs of each registry. A missing field selects as
// '' (so `spec.nodeName=` finds unscheduled pods, as the scheduler asks).

import type { ResourceType } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { stringAt } from './object-utils.js';

type FieldPaths = Readonly<Record<string, readonly string[]>>;

const OBJECT_META: FieldPaths = {
  'metadata.name': ['metadata', 'name'],
  'metadata.namespace': ['metadata', 'namespace'],
};

const BY_KIND: Readonly<Record<string, FieldPaths>> = {
  Pod: {
    'spec.nodeName': ['spec', 'nodeName'],
    'spec.restartPolicy': ['spec', 'restartPolicy'],
    'spec.schedulerName': ['spec', 'schedulerName'],
    'spec.serviceAccountName': ['spec', 'serviceAccountName'],
    'spec.hostNetwork': ['spec', 'hostNetwork'],
    'status.phase': ['status', 'phase'],
    'status.podIP': ['status', 'podIP'],
    'status.nominatedNodeName': ['status', 'nominatedNodeName'],
  },
  Node: { 'spec.unschedulable': ['spec', 'unschedulable'] },
  Namespace: { 'status.phase': ['status', 'phase'] },
  Secret: { type: ['type'] },
  ReplicaSet: { 'status.replicas': ['status', 'replicas'] },
  Service: { 'spec.clusterIP': ['spec', 'clusterIP'], 'spec.type': ['spec', 'type'] },
  Event: {
    'involvedObject.kind': ['involvedObject', 'kind'],
    'involvedObject.namespace': ['involvedObject', 'namespace'],
    'involvedObject.name': ['involvedObject', 'name'],
    'involvedObject.uid': ['involvedObject', 'uid'],
    'involvedObject.apiVersion': ['involvedObject', 'apiVersion'],
    'involvedObject.resourceVersion': ['involvedObject', 'resourceVersion'],
    'involvedObject.fieldPath': ['involvedObject', 'fieldPath'],
    reason: ['reason'],
    reportingComponent: ['reportingComponent'],
    source: ['source', 'component'],
    type: ['type'],
  },
};

/** Booleans Kubernetes reports as "false" when unset. */
const FALSE_WHEN_UNSET = new Set(['spec.hostNetwork', 'spec.unschedulable']);

function pathsOf(type: ResourceType): FieldPaths {
  return { ...OBJECT_META, ...(BY_KIND[type.kind] ?? {}) };
}

/** Whether field selectors on `type` may name `field`. */
export function isSelectableField(type: ResourceType, field: string): boolean {
  return field in pathsOf(type);
}

/** The value of a selectable `field` of `object` ('' when absent). */
export function selectableFieldValue(
  type: ResourceType,
  object: KubeObject,
  field: string,
): string {
  const path = pathsOf(type)[field];
  if (!path) return '';
  return stringAt(object, path) ?? (FALSE_WHEN_UNSET.has(field) ? 'false' : '');
}
