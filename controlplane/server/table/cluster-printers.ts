// Tables of nodes, namespaces, events, config maps, secrets and leases, with
// kubectl's columns.

import type { KubeObject } from '../../api/types.js';
import { age } from './age.js';
import type { Printer } from './columns.js';
import { AGE_COLUMN, NAME_COLUMN, ageOf, column, nameOf } from './columns.js';
import { at, numberOf, orNone, record, records, text } from './fields.js';

/** STATUS of a node: Ready / NotReady / Unknown, plus SchedulingDisabled when cordoned. */
export function nodeStatus(node: KubeObject): string {
  const ready = records(at(node, 'status.conditions')).find((c) => c.type === 'Ready');
  const status = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (at(node, 'spec.unschedulable') === true) status.push('SchedulingDisabled');
  return status.join(',');
}

const ROLE_PREFIX = 'node-role.kubernetes.io/';

/** ROLES: from `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role`. */
function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata.labels ?? {})) {
    if (key.startsWith(ROLE_PREFIX) && key.length > ROLE_PREFIX.length)
      roles.add(key.slice(ROLE_PREFIX.length));
    else if (key === 'kubernetes.io/role' && value !== '') roles.add(value);
  }
  return orNone([...roles].sort().join(','));
}

function nodeAddress(node: KubeObject, type: string): string {
  return orNone(text(records(at(node, 'status.addresses')).find((a) => a.type === type)?.address));
}

function nodeInfo(node: KubeObject, field: string): string {
  return text(at(node, `status.nodeInfo.${field}`)) || '<unknown>';
}

export const NODE_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Status', 'The status of the node'),
    column('Roles', 'The roles of the node'),
    AGE_COLUMN,
    column('Version', 'Kubelet Version reported by the node.'),
    column('Internal-IP', 'List of internal IPs attached to the node.', { wide: true }),
    column('External-IP', 'List of external IPs attached to the node.', { wide: true }),
    column('OS-Image', 'OS Image reported by the node from /etc/os-release.', { wide: true }),
    column('Kernel-Version', 'Kernel Version reported by the node.', { wide: true }),
    column('Container-Runtime', 'Container Runtime Version reported by the node.', { wide: true }),
  ],
  cells: (node, now) => [
    nameOf(node),
    nodeStatus(node),
    nodeRoles(node),
    ageOf(node, now),
    text(at(node, 'status.nodeInfo.kubeletVersion')),
    nodeAddress(node, 'InternalIP'),
    nodeAddress(node, 'ExternalIP'),
    nodeInfo(node, 'osImage'),
    nodeInfo(node, 'kernelVersion'),
    nodeInfo(node, 'containerRuntimeVersion'),
  ],
};

export const NAMESPACE_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Status', 'The status of the namespace'), AGE_COLUMN],
  cells: (namespace, now) => [
    nameOf(namespace),
    text(at(namespace, 'status.phase')),
    ageOf(namespace, now),
  ],
};

/** LAST SEEN: the series' or last timestamp, `<age> (xN over <first>)` for repeated events. */
function lastSeen(event: KubeObject, now: number): string {
  const series = record(event.series);
  const last = age(
    text(series.lastObservedTime) || text(event.lastTimestamp) || text(event.eventTime),
    now,
  );
  const count = numberOf(series.count) ?? numberOf(event.count) ?? 1;
  if (count <= 1) return last;
  const first = age(text(event.firstTimestamp) || text(event.eventTime), now);
  return `${last} (x${count} over ${first})`;
}

export const EVENT_PRINTER: Printer = {
  columns: [
    column('Last Seen', 'Time when this event was last observed.'),
    column('Type', 'Type of this event (Normal, Warning).'),
    column(
      'Reason',
      'A short, machine understandable string that gives the reason for this event.',
    ),
    column('Object', 'The object this event is about.'),
    column('Subobject', 'The field of the object this event is about.', { wide: true }),
    column('Source', 'The component reporting this event.', { wide: true }),
    column('Message', 'A human-readable description of the status of this operation.'),
    column('First Seen', 'The time at which the event was first recorded.', { wide: true }),
    column('Count', 'The number of times this event has occurred.', { wide: true }),
    column('Name', 'The name of the event.', { format: 'name', wide: true }),
  ],
  cells(event, now) {
    const involved = record(event.involvedObject);
    const source = record(event.source);
    const component = text(source.component) || text(event.reportingComponent);
    const host = text(source.host);
    return [
      lastSeen(event, now),
      text(event.type),
      text(event.reason),
      `${text(involved.kind).toLowerCase()}/${text(involved.name)}`,
      text(involved.fieldPath),
      host ? `${component}, ${host}` : component,
      text(event.message),
      age(text(event.firstTimestamp) || text(event.eventTime), now),
      numberOf(event.count) ?? 1,
      nameOf(event),
    ];
  },
};

function entries(value: unknown): number {
  return Object.keys(record(value)).length;
}

export const CONFIGMAP_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Data', 'Number of entries in data and binaryData.', { type: 'integer' }),
    AGE_COLUMN,
  ],
  cells: (configMap, now) => [
    nameOf(configMap),
    entries(configMap.data) + entries(configMap.binaryData),
    ageOf(configMap, now),
  ],
};

export const SECRET_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Type', 'The type of the secret'),
    column('Data', 'The number of entries in data and stringData.', { type: 'integer' }),
    AGE_COLUMN,
  ],
  cells: (secret, now) => [
    nameOf(secret),
    text(secret.type) || 'Opaque',
    entries(secret.data),
    ageOf(secret, now),
  ],
};

export const LEASE_PRINTER: Printer = {
  columns: [NAME_COLUMN, column('Holder', 'The holder of the lease.'), AGE_COLUMN],
  cells: (lease, now) => [nameOf(lease), text(at(lease, 'spec.holderIdentity')), ageOf(lease, now)],
};
