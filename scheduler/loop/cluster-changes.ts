// Which API changes matter to the scheduler: whose pods it schedules, and
// which node or pod updates may let an unschedulable pod fit (kube-scheduler's
// queueing hints, coarsely: node heartbeats and pod status writes do not).

import { DEFAULT_SCHEDULER_NAME } from '../../controlplane/api/defaults/pod-spec.js';
import type { Node, Pod } from '../../controlplane/api/generated/index.js';

/** Whether `pod` waits for scheduler `schedulerName`: unbound, not being deleted, not finished, asking for it. */
export function needsScheduling(pod: Pod, schedulerName: string): boolean {
  if (pod.spec?.nodeName || pod.metadata.deletionTimestamp) return false;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  return (pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME) === schedulerName;
}

/** Whether a pod changed in a way that may change where it fits (spec, labels, annotations; not status). */
export function podSpecChanged(old: Pod | undefined, next: Pod): boolean {
  if (!old) return true;
  return (
    JSON.stringify(old.spec) !== JSON.stringify(next.spec) ||
    JSON.stringify(old.metadata.labels) !== JSON.stringify(next.metadata.labels) ||
    JSON.stringify(old.metadata.annotations) !== JSON.stringify(next.metadata.annotations)
  );
}

function conditionStatuses(node: Node): string {
  return (node.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`).join(',');
}

/**
 * Whether a node update may let pods fit that did not: its allocatable,
 * labels, taints, cordon or condition statuses changed (not a heartbeat).
 */
export function nodeSchedulingChanged(old: Node, next: Node): boolean {
  return (
    (old.spec?.unschedulable ?? false) !== (next.spec?.unschedulable ?? false) ||
    JSON.stringify(old.spec?.taints ?? []) !== JSON.stringify(next.spec?.taints ?? []) ||
    JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(next.metadata.labels ?? {}) ||
    JSON.stringify(old.status?.allocatable ?? {}) !==
      JSON.stringify(next.status?.allocatable ?? {}) ||
    conditionStatuses(old) !== conditionStatuses(next)
  );
}
