// NodeResourcesFit: the pod's requests must fit in what the node has left —
// allocatable minus the requests of the pods already on it (assumed ones
// included) — and the node must have room for one more pod. Every resource
// that does not fit is a reason of its own, as in kube-scheduler.

import { FITS, unfit, type FilterPlugin } from '../framework/types.js';
import type { NodeInfo } from '../snapshot/node-info.js';
import type { PodInfo } from '../snapshot/pod-info.js';

/** kube-scheduler's reason when the node has `status.allocatable.pods` pods already. */
export const REASON_TOO_MANY_PODS = 'Too many pods';

/** kube-scheduler's reason for a resource the node lacks: `Insufficient cpu`, `Insufficient memory`, ... */
export function insufficientReason(resource: string): string {
  return `Insufficient ${resource}`;
}

/** The reasons `pod` does not fit `node`'s free resources (empty: it fits). */
export function insufficientResources(pod: PodInfo, node: NodeInfo): string[] {
  const reasons: string[] = [];
  if (node.podCount + 1 > node.allowedPodNumber) reasons.push(REASON_TOO_MANY_PODS);
  const want = pod.requests;
  const free = node.allocatable;
  const used = node.requested;
  if (want.milliCpu > 0 && want.milliCpu > free.milliCpu - used.milliCpu)
    reasons.push(insufficientReason('cpu'));
  if (want.memory > 0 && want.memory > free.memory - used.memory)
    reasons.push(insufficientReason('memory'));
  if (
    want.ephemeralStorage > 0 &&
    want.ephemeralStorage > free.ephemeralStorage - used.ephemeralStorage
  )
    reasons.push(insufficientReason('ephemeral-storage'));
  if (want.scalar) {
    for (const [name, amount] of want.scalar) {
      if (amount > 0 && amount > (free.scalar?.get(name) ?? 0) - (used.scalar?.get(name) ?? 0))
        reasons.push(insufficientReason(name));
    }
  }
  return reasons;
}

/** The NodeResourcesFit filter. */
export const nodeResourcesFit: FilterPlugin = {
  name: 'NodeResourcesFit',
  filter(pod, node) {
    const want = pod.requests;
    // The common case, reading only the node's own fields: everything fits.
    if (
      node.podCount < node.allowedPodNumber &&
      want.milliCpu <= node.freeMilliCpu &&
      want.memory <= node.freeMemory &&
      want.ephemeralStorage <= node.freeEphemeralStorage &&
      !want.scalar
    )
      return FITS;
    const reasons = insufficientResources(pod, node);
    if (reasons.length === 0) return FITS;
    return reasons.length === 1 ? unfit(reasons[0] as string) : { ok: false, reasons };
  },
};
