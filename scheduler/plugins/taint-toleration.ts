// TaintToleration: a node's NoSchedule and NoExecute taints keep out pods that
// do not tolerate them (the node's conditions count as taints: Ready, pressure; see
// effectiveTaints); PreferNoSchedule taints only lower the node's score, by
// how many of them the pod does not tolerate.

import type { Taint, Toleration } from '../../controlplane/api/generated/index.js';
import {
  defaultNormalizeScore,
  FITS,
  SKIP,
  unfit,
  type FilterResult,
  type FilterPlugin,
  type ScorePlugin,
} from '../framework/types.js';
import type { NodeInfo } from '../snapshot/node-info.js';
import { toleratesAny } from './tolerations.js';

const NAME = 'TaintToleration';

/** kube-scheduler's reason, e.g. `node(s) had untolerated taint {node.kubernetes.io/not-ready: }`. */
export function untoleratedTaintReason(taint: Taint): string {
  return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
}

/** Each taint object's failure, built once (a node's taints are replaced, not changed, on update). */
const failureOf = new WeakMap<Taint, FilterResult>();

/** The TaintToleration filter. */
export const taintTolerationFilter: FilterPlugin = {
  name: NAME,
  filter(pod, node) {
    const taints = node.filteringTaints;
    if (taints.length === 0) return FITS;
    let taint: Taint | undefined;
    for (const candidate of taints) {
      if (!toleratesAny(pod.tolerations, candidate)) {
        taint = candidate;
        break;
      }
    }
    if (!taint) return FITS;
    let result = failureOf.get(taint);
    if (!result) {
      result = unfit(untoleratedTaintReason(taint));
      failureOf.set(taint, result);
    }
    return result;
  },
};

function untoleratedPreferNoSchedule(node: NodeInfo, tolerations: readonly Toleration[]): number {
  let count = 0;
  for (const taint of node.preferNoScheduleTaints) if (!toleratesAny(tolerations, taint)) count++;
  return count;
}

/** The TaintToleration score: fewer untolerated PreferNoSchedule taints rank higher (weight 3, as kube-scheduler's). */
export const taintTolerationScore: ScorePlugin<readonly Toleration[]> = {
  name: NAME,
  weight: 3,
  prepare(pod, snapshot) {
    // No node prefers to keep pods away: every node scores the same.
    if (snapshot.nodesPreferringNoSchedule === 0) return SKIP;
    // Only tolerations that could tolerate a PreferNoSchedule taint matter here.
    return pod.tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  },
  score: (_pod, node, _snapshot, tolerations) => untoleratedPreferNoSchedule(node, tolerations),
  scoreAll(_pod, nodes, count, _snapshot, tolerations, scores) {
    for (let i = 0; i < count; i++)
      scores[i] = untoleratedPreferNoSchedule(nodes[i] as NodeInfo, tolerations);
  },
  normalize(scores, count) {
    defaultNormalizeScore(scores, count, true);
  },
};
