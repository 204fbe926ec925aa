// NodeUnschedulable: a cordoned node (spec.unschedulable) takes no new pods,
// unless the pod tolerates `node.kubernetes.io/unschedulable:NoSchedule`
// (as DaemonSet pods do).

import type { FilterPlugin } from '../framework/types.js';
import { FITS, SKIP, unfit } from '../framework/types.js';
import { TAINT_UNSCHEDULABLE } from '../snapshot/node-info.js';
import { toleratesAny } from './tolerations.js';

/** kube-scheduler's reason for a cordoned node. */
export const REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

const CORDONED = unfit(REASON_UNSCHEDULABLE);

const UNSCHEDULABLE_TAINT = { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' } as const;

/** The NodeUnschedulable filter. */
export const nodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  prepare: (_pod, snapshot) => (snapshot.cordonedNodes === 0 ? SKIP : undefined),
  filter(pod, node) {
    if (!node.unschedulable || toleratesAny(pod.tolerations, UNSCHEDULABLE_TAINT)) return FITS;
    return CORDONED;
  },
};
