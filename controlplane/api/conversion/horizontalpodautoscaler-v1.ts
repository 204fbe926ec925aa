// autoscaling/v1 ⇄ autoscaling/v2 HorizontalPodAutoscalers. Kubernetes stores
// HPAs as v2 and still serves v1, which `kubectl autoscale` (1.32) writes. v1
// has one target, `targetCPUUtilizationPercentage`: v2's Resource metric of
// cpu with a Utilization target. What v1 cannot say (other metrics,
// `behavior`, conditions) is not shown in v1 and is kept from the stored
// object when a v1 client writes, so a v1 client never erases it. (Kubernetes
// carries it in `autoscaling.alpha.kubernetes.io/*` annotations of the v1
// form instead; Skiff does not write those.)

import { copyJson, isRecord } from '../json-values.js';
import type { KubeObject } from '../types.js';

type Json = Record<string, unknown>;

function record(value: unknown): Json {
  return isRecord(value) ? value : {};
}

function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** Copies the fields of `from` named in `fields` that are set. */
function pick(from: Json, fields: readonly string[]): Json {
  const out: Json = {};
  for (const field of fields) if (from[field] !== undefined) out[field] = copyJson(from[field]);
  return out;
}

/** Whether a v2 metric (spec or status) is the resource metric of cpu: v1's one metric. */
function isCpuResource(metric: Json): boolean {
  return metric['type'] === 'Resource' && record(metric['resource'])['name'] === 'cpu';
}

/** v2's spec metric for v1's target: cpu, Utilization. */
function isCpuUtilizationTarget(metric: Json): boolean {
  return (
    isCpuResource(metric) && record(record(metric['resource'])['target'])['type'] === 'Utilization'
  );
}

/**
 * v1's cpu utilization (a spec's `target`, a status's `current`) as v2's
 * Resource metric, first, before `others` (copied); just `others` without it.
 */
function withCpuMetric(others: Json[], side: 'target' | 'current', percentage: unknown): Json[] {
  const kept = copyJson(others);
  if (percentage === undefined) return kept;
  const value =
    side === 'target'
      ? { type: 'Utilization', averageUtilization: percentage }
      : { averageUtilization: percentage };
  return [{ type: 'Resource', resource: { name: 'cpu', [side]: value } }, ...kept];
}

const SPEC_FIELDS = ['scaleTargetRef', 'minReplicas', 'maxReplicas'];
const STATUS_FIELDS = ['observedGeneration', 'lastScaleTime', 'currentReplicas', 'desiredReplicas'];

/** The autoscaling/v1 form of a stored (v2) HPA. */
export function horizontalPodAutoscalerToV1(stored: KubeObject): KubeObject {
  const object = stored as unknown as Json;
  const served: Json = {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: copyJson(stored.metadata),
  };
  if (isRecord(object['spec'])) {
    const spec = object['spec'];
    const target = records(spec['metrics']).find(isCpuUtilizationTarget);
    const utilization = record(record(target?.['resource'])['target'])['averageUtilization'];
    served['spec'] = {
      ...pick(spec, SPEC_FIELDS),
      ...(typeof utilization === 'number' ? { targetCPUUtilizationPercentage: utilization } : {}),
    };
  }
  if (isRecord(object['status'])) {
    const status = object['status'];
    const current = records(status['currentMetrics']).find(isCpuResource);
    const utilization = record(record(current?.['resource'])['current'])['averageUtilization'];
    served['status'] = {
      ...pick(status, STATUS_FIELDS),
      ...(typeof utilization === 'number' ? { currentCPUUtilizationPercentage: utilization } : {}),
    };
  }
  return served as unknown as KubeObject;
}

/**
 * The v2 form of a v1 HPA to store. `stored`, the object it replaces (if
 * any), gives the fields v1 cannot say: its other metrics, `behavior`, its
 * status's other metrics and conditions.
 */
export function horizontalPodAutoscalerFromV1(served: KubeObject, stored?: KubeObject): KubeObject {
  const object = served as unknown as Json;
  const old = (stored ?? {}) as unknown as Json;
  const oldSpec = record(old['spec']);
  const oldStatus = record(old['status']);
  const converted: Json = {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: copyJson(served.metadata),
  };
  if (isRecord(object['spec'])) {
    const spec = object['spec'];
    const metrics = withCpuMetric(
      records(oldSpec['metrics']).filter((m) => !isCpuUtilizationTarget(m)),
      'target',
      spec['targetCPUUtilizationPercentage'],
    );
    converted['spec'] = {
      ...pick(spec, SPEC_FIELDS),
      ...(metrics.length > 0 ? { metrics } : {}),
      ...pick(oldSpec, ['behavior']),
    };
  }
  if (isRecord(object['status'])) {
    const status = object['status'];
    const currentMetrics = withCpuMetric(
      records(oldStatus['currentMetrics']).filter((m) => !isCpuResource(m)),
      'current',
      status['currentCPUUtilizationPercentage'],
    );
    converted['status'] = {
      ...pick(status, STATUS_FIELDS),
      ...(currentMetrics.length > 0 ? { currentMetrics } : {}),
      ...pick(oldStatus, ['conditions']),
    };
  }
  return converted as unknown as KubeObject;
}
