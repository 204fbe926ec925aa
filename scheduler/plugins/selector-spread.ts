// SelectorSpread: replicas of one controller (pods with the same controller
// ownerReference uid) spread over nodes — the fewer of them a node already
// runs, the higher it ranks. kube-scheduler's SelectorSpread normalisation by
// hostname; weight 2, as PodTopologySpread's system default that replaced it.

import { MAX_NODE_SCORE, SKIP, type ScorePlugin } from '../framework/types.js';
import type { NodeInfo } from '../snapshot/node-info.js';

/** The SelectorSpread score; pods without a controller, or the first of theirs, are not spread. */
export const selectorSpread: ScorePlugin<ReadonlyMap<NodeInfo, number>> = {
  name: 'SelectorSpread',
  weight: 2,
  // No replica anywhere yet: every node would score the same.
  prepare: (pod, snapshot) => (pod.ownerUid && snapshot.podsOfOwner(pod.ownerUid)) || SKIP,
  score: (_pod, node, _snapshot, counts) => counts.get(node) ?? 0,
  scoreAll(_pod, _nodes, count, _snapshot, counts, scores) {
    // Only nodes running replicas score above 0: visit those, not every node.
    scores.fill(0, 0, count);
    for (const [node, replicas] of counts)
      if (node.scoreIndex >= 0) scores[node.scoreIndex] = replicas;
  },
  normalize(scores, count) {
    let max = 0;
    for (let i = 0; i < count; i++) if ((scores[i] as number) > max) max = scores[i] as number;
    for (let i = 0; i < count; i++) {
      scores[i] =
        max === 0
          ? MAX_NODE_SCORE
          : Math.trunc((MAX_NODE_SCORE * (max - (scores[i] as number))) / max);
    }
  },
};
