// ImageLocality: a node that already has the pod's images ranks higher, by
// their size, scaled by how many nodes have each image (an image on every
// node says little), as kube-scheduler computes it.

import { MAX_NODE_SCORE, SKIP, type ScorePlugin } from '../framework/types.js';
import type { NodeInfo } from '../snapshot/node-info.js';

const MB = 1024 * 1024;
/** Below this sum of image sizes a node gets 0 (kube-scheduler's minThreshold, 23 MB). */
export const IMAGE_MIN_THRESHOLD = 23 * MB;
/** Image bytes per container that earn the full score (kube-scheduler's maxContainerThreshold, 1000 MB). */
export const IMAGE_MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** For each of the pod's images that some node has: those nodes (with its size) and its spread. */
interface ImageState {
  readonly holders: readonly ReadonlyMap<NodeInfo, number>[];
  /** The share of all nodes that have each image. */
  readonly spreads: readonly number[];
  readonly maxThreshold: number;
}

/** kube-scheduler's calculatePriority: the sum of scaled sizes clamped and mapped onto 0..100. */
export function imageLocalityScore(sum: number, maxThreshold: number): number {
  const clamped = Math.min(Math.max(sum, IMAGE_MIN_THRESHOLD), maxThreshold);
  return Math.trunc(
    (MAX_NODE_SCORE * (clamped - IMAGE_MIN_THRESHOLD)) / (maxThreshold - IMAGE_MIN_THRESHOLD),
  );
}

/** The ImageLocality score (weight 1). Node image names must equal the pod's (`:latest` added when untagged). */
export const imageLocality: ScorePlugin<ImageState> = {
  name: 'ImageLocality',
  weight: 1,
  prepare(pod, snapshot) {
    const total = snapshot.nodes.length;
    const holders: ReadonlyMap<NodeInfo, number>[] = [];
    const spreads: number[] = [];
    for (const image of pod.images) {
      const nodes = snapshot.nodesWithImage(image);
      if (!nodes) continue;
      holders.push(nodes);
      spreads.push(nodes.size / total);
    }
    // No node has any of the images: every node scores 0.
    if (holders.length === 0) return SKIP;
    return {
      holders,
      spreads,
      maxThreshold: IMAGE_MAX_CONTAINER_THRESHOLD * pod.images.length,
    };
  },
  score(_pod, node, _snapshot, state) {
    let sum = 0;
    for (let i = 0; i < state.holders.length; i++) {
      const size = (state.holders[i] as ReadonlyMap<NodeInfo, number>).get(node);
      if (size !== undefined) sum += Math.trunc(size * (state.spreads[i] as number));
    }
    return imageLocalityScore(sum, state.maxThreshold);
  },
  scoreAll(_pod, _nodes, count, _snapshot, state, scores) {
    // Sum over the nodes that hold each image rather than look every node up.
    scores.fill(0, 0, count);
    for (let i = 0; i < state.holders.length; i++) {
      const spread = state.spreads[i] as number;
      for (const [node, size] of state.holders[i] as ReadonlyMap<NodeInfo, number>) {
        const at = node.scoreIndex;
        if (at >= 0) scores[at] = (scores[at] as number) + Math.trunc(size * spread);
      }
    }
    for (let i = 0; i < count; i++)
      scores[i] = imageLocalityScore(scores[i] as number, state.maxThreshold);
  },
};
