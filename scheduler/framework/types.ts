// The scheduling framework's contracts (kube-scheduler's Filter and Score
// extension points, reduced to what Skiff uses): filter plugins say whether a
// pod may go to a node and why not, score plugins rank the nodes that remain.

import type { NodeInfo } from '../snapshot/node-info.js';
import type { PodInfo } from '../snapshot/pod-info.js';
import type { Snapshot } from '../snapshot/snapshot.js';

/** The highest score a plugin gives a node (kube-scheduler's MaxNodeScore). */
export const MAX_NODE_SCORE = 100;

/** Returned by `prepare` when the plugin has nothing to check for this pod (kube-scheduler's Skip). */
export const SKIP: unique symbol = Symbol('skip');

/** A node passes a filter, or fails it with Kubernetes' reason strings (counted over nodes in the message). */
export type FilterResult =
  { readonly ok: true } | { readonly ok: false; readonly reasons: readonly string[] };

/** The result of a passed filter (shared: plugins return this rather than allocate). */
export const FITS: FilterResult = Object.freeze({ ok: true });

const unfitByReason = new Map<string, FilterResult>();

/** A failed filter with one reason (one shared frozen object per reason: failures are common, allocations not). */
export function unfit(reason: string): FilterResult {
  let result = unfitByReason.get(reason);
  if (!result) {
    result = Object.freeze({ ok: false, reasons: Object.freeze([reason]) });
    // Reasons are few (a taint's key and value vary most); keep the cache bounded anyway.
    if (unfitByReason.size >= 10_000) unfitByReason.clear();
    unfitByReason.set(reason, result);
  }
  return result;
}

/**
 * Decides whether a pod may run on a node. `prepare`, when present, runs once
 * per pod per scheduling cycle and its result is passed to every `filter`
 * call of that cycle (kube-scheduler's PreFilter and CycleState); returning
 * SKIP skips the plugin for the pod. `filter` must not change anything.
 */
export interface FilterPlugin<State = undefined> {
  readonly name: string;
  prepare?(pod: PodInfo, snapshot: Snapshot): State | typeof SKIP;
  filter(pod: PodInfo, node: NodeInfo, snapshot: Snapshot, state: State): FilterResult;
}

/**
 * Ranks the nodes that passed every filter. `score` gives 0..MAX_NODE_SCORE,
 * or, when the plugin has `normalize`, a raw value that `normalize` then maps
 * onto 0..MAX_NODE_SCORE in place over all feasible nodes (kube-scheduler's
 * NormalizeScore). The framework sums score × weight over plugins.
 */
export interface ScorePlugin<State = undefined> {
  readonly name: string;
  readonly weight: number;
  prepare?(pod: PodInfo, snapshot: Snapshot): State | typeof SKIP;
  score(pod: PodInfo, node: NodeInfo, snapshot: Snapshot, state: State): number;
  /**
   * Optional, faster equivalent of `score` for every feasible node at once:
   * sets `scores[i]` for `nodes[0..count)`. During the call each of those
   * nodes has `scoreIndex === i` (others -1), so a plugin can visit only the
   * nodes it knows matter (those holding an image, running a replica).
   */
  scoreAll?(
    pod: PodInfo,
    nodes: readonly NodeInfo[],
    count: number,
    snapshot: Snapshot,
    state: State,
    scores: Float64Array,
  ): void;
  /** `scores[0..count)` are this plugin's raw scores for the feasible nodes, in order. */
  normalize?(scores: Float64Array, count: number, state: State): void;
}

/** A scheduling profile: the plugins, in the order they run. */
export interface Profile {
  /** The schedulerName pods ask for (`default-scheduler`). */
  readonly schedulerName: string;
  // Method syntax in the plugin interfaces keeps plugins of any State assignable here.
  readonly filters: readonly FilterPlugin<unknown>[];
  readonly scores: readonly ScorePlugin<unknown>[];
  /**
   * Stop looking once this share of the nodes (1..100) is found feasible;
   * 0 or absent: kube-scheduler's adaptive default (50% − nodes/125, at least 5%, at least 100 nodes).
   */
  readonly percentageOfNodesToScore?: number;
}

/** kube-scheduler's DefaultNormalizeScore: scale to 0..MAX_NODE_SCORE by the maximum; `reverse` flips. */
export function defaultNormalizeScore(scores: Float64Array, count: number, reverse: boolean): void {
  let max = 0;
  for (let i = 0; i < count; i++) if ((scores[i] as number) > max) max = scores[i] as number;
  if (max === 0) {
    if (reverse) scores.fill(MAX_NODE_SCORE, 0, count);
    return;
  }
  for (let i = 0; i < count; i++) {
    const score = Math.trunc((MAX_NODE_SCORE * (scores[i] as number)) / max);
    scores[i] = reverse ? MAX_NODE_SCORE - score : score;
  }
}
