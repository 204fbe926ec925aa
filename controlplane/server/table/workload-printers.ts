// Tables of workloads: deployments, replica sets and horizontal pod
// autoscalers, with kubectl's columns.

import type { KubeObject } from '../../api/types.js';
import type { Printer } from './columns.js';
import { AGE_COLUMN, NAME_COLUMN, ageOf, column, nameOf } from './columns.js';
import { NONE, at, numberOf, record, records, stringMap, text } from './fields.js';

/** A label selector as kubectl prints it: `app=web,tier in (a,b),!canary`, sorted by key. */
export function formatSelector(selector: unknown): string {
  const parts: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(stringMap(record(selector).matchLabels))) {
    parts.push({ key, text: `${key}=${value}` });
  }
  for (const expression of records(record(selector).matchExpressions)) {
    const key = text(expression.key);
    const values = (Array.isArray(expression.values) ? expression.values : [])
      .filter((v): v is string => typeof v === 'string')
      .sort()
      .join(',');
    const operator = text(expression.operator);
    const formatted =
      operator === 'In'
        ? `${key} in (${values})`
        : operator === 'NotIn'
          ? `${key} notin (${values})`
          : operator === 'Exists'
            ? key
            : `!${key}`;
    parts.push({ key, text: formatted });
  }
  if (parts.length === 0) return NONE;
  return parts
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((p) => p.text)
    .join(',');
}

/** CONTAINERS and IMAGES of a pod template, comma-separated. */
function templateContainers(object: KubeObject): [string, string] {
  const containers = records(at(object, 'spec.template.spec.containers'));
  return [
    containers.map((c) => text(c.name)).join(','),
    containers.map((c) => text(c.image)).join(','),
  ];
}

const WIDE_TEMPLATE_COLUMNS = [
  column('Containers', 'Names of each container in the template.', { wide: true }),
  column('Images', 'Images referenced by each container in the template.', { wide: true }),
  column(
    'Selector',
    'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.',
    { wide: true },
  ),
];

function count(object: KubeObject, path: string): number {
  return numberOf(at(object, path)) ?? 0;
}

/** Desired replicas: spec.replicas, 1 when unset (the API's default). */
function desired(object: KubeObject): number {
  return numberOf(at(object, 'spec.replicas')) ?? 1;
}

export const DEPLOYMENT_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'Number of the pod with ready state'),
    column(
      'Up-to-date',
      'Total number of non-terminated pods targeted by this deployment that have the desired template spec.',
      { type: 'integer' },
    ),
    column(
      'Available',
      'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.',
      { type: 'integer' },
    ),
    AGE_COLUMN,
    ...WIDE_TEMPLATE_COLUMNS,
  ],
  cells(deployment, now) {
    const [containers, images] = templateContainers(deployment);
    return [
      nameOf(deployment),
      `${count(deployment, 'status.readyReplicas')}/${desired(deployment)}`,
      count(deployment, 'status.updatedReplicas'),
      count(deployment, 'status.availableReplicas'),
      ageOf(deployment, now),
      containers,
      images,
      formatSelector(at(deployment, 'spec.selector')),
    ];
  },
};

export const REPLICASET_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Desired', 'Number of desired pods.', { type: 'integer' }),
    column('Current', 'Number of actual pods.', { type: 'integer' }),
    column('Ready', 'Number of ready pods.', { type: 'integer' }),
    AGE_COLUMN,
    ...WIDE_TEMPLATE_COLUMNS,
  ],
  cells(replicaSet, now) {
    const [containers, images] = templateContainers(replicaSet);
    return [
      nameOf(replicaSet),
      desired(replicaSet),
      count(replicaSet, 'status.replicas'),
      count(replicaSet, 'status.readyReplicas'),
      ageOf(replicaSet, now),
      containers,
      images,
      formatSelector(at(replicaSet, 'spec.selector')),
    ];
  },
};

/** One metric of an HPA as `cpu: 40%/50%` (current/target), `<unknown>` before it is measured. */
function formatMetric(spec: Readonly<Record<string, unknown>>, current: unknown): string {
  const type = text(spec.type);
  const source = record(spec[type.charAt(0).toLowerCase() + type.slice(1)]);
  const target = record(source.target);
  const now = record(record(current)[type.charAt(0).toLowerCase() + type.slice(1)]);
  const measured = record(now.current);
  const prefix =
    type === 'Resource' || type === 'ContainerResource' ? `${text(source.name)}: ` : '';
  if (target.averageUtilization !== undefined) {
    const value = numberOf(measured.averageUtilization);
    return `${prefix}${value === undefined ? '<unknown>' : `${value}%`}/${String(target.averageUtilization)}%`;
  }
  const wanted = target.averageValue ?? target.value;
  const value = measured.averageValue ?? measured.value;
  return `${prefix}${value === undefined ? '<unknown>' : String(value)}/${wanted === undefined ? '<unknown>' : String(wanted)}`;
}

function hpaTargets(hpa: KubeObject): string {
  const metrics = records(at(hpa, 'spec.metrics'));
  if (metrics.length === 0) return NONE;
  const currents = records(at(hpa, 'status.currentMetrics'));
  const shown = metrics.slice(0, 2).map((m, i) => formatMetric(m, currents[i]));
  const more = metrics.length > 2 ? ` + ${metrics.length - 2} more...` : '';
  return `${shown.join(', ')}${more}`;
}

export const HPA_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Reference', 'The reference to the scaled resource.'),
    column('Targets', 'The current and desired values of the metrics the autoscaler acts on.'),
    column('MinPods', 'The lower limit for the number of pods that can be set by the autoscaler.'),
    column('MaxPods', 'The upper limit for the number of pods that can be set by the autoscaler.', {
      type: 'integer',
    }),
    column('Replicas', 'Current number of replicas of pods managed by this autoscaler.', {
      type: 'integer',
    }),
    AGE_COLUMN,
  ],
  cells(hpa, now) {
    const ref = record(at(hpa, 'spec.scaleTargetRef'));
    const min = numberOf(at(hpa, 'spec.minReplicas'));
    return [
      nameOf(hpa),
      `${text(ref.kind)}/${text(ref.name)}`,
      hpaTargets(hpa),
      min === undefined ? '<unset>' : min,
      count(hpa, 'spec.maxReplicas'),
      count(hpa, 'status.currentReplicas'),
      ageOf(hpa, now),
    ];
  },
};
