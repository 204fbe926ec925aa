// The decision: which node a pod should go to, given a snapshot of the
// cluster — kube-scheduler's schedulePod. Filters run over the nodes starting
// where the previous cycle stopped, until enough feasible nodes are found
// (percentageOfNodesToScore); scores rank those; the best wins, ties broken
// at random. Nothing is changed but the snapshot's round-robin start.

import type { Pod } from '../../controlplane/api/generated/index.js';
import type { NodeInfo } from '../snapshot/node-info.js';
import { podInfo, type PodInfo } from '../snapshot/pod-info.js';
import type { Snapshot } from '../snapshot/snapshot.js';
import { fitErrorMessage } from './fit-error.js';
import { createFramework, type Framework } from './framework.js';
import { SKIP } from './types.js';

/** How schedule() reports. */
export interface ScheduleOptions {
  /** Keep every feasible node's total in `scores` (default true); the loop does without and saves the copies. */
  readonly recordScores?: boolean;
}

/** One feasible node's total score (Σ plugin score × weight). */
export interface NodeScore {
  readonly nodeName: string;
  readonly score: number;
}

/** The pod should go to `nodeName`. */
export interface ScheduleSuccess {
  readonly nodeName: string;
  /**
   * Every feasible node examined, in examination order; empty when only one
   * node fit (not scored, as kube-scheduler) or when not recorded.
   */
  readonly scores: readonly NodeScore[];
  /** Nodes examined (filtered). */
  readonly evaluatedNodes: number;
  /** Nodes that passed every filter. */
  readonly feasibleNodes: number;
}

/** No node fits the pod. */
export interface ScheduleFailure {
  readonly unschedulable: true;
  /** kube-scheduler's FitError message, e.g. `0/3 nodes are available: 3 Insufficient cpu.` */
  readonly message: string;
  /** Why each node was rejected (the reasons of its first failing filter). */
  readonly reasons: Readonly<Record<string, readonly string[]>>;
}

/** Where the pod goes, or why it goes nowhere (`'unschedulable' in result`). */
export type ScheduleResult = ScheduleSuccess | ScheduleFailure;

/** kube-scheduler's minFeasibleNodesToFind. */
const MIN_FEASIBLE_NODES_TO_FIND = 100;
/** kube-scheduler's minFeasibleNodesPercentageToFind. */
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * How many feasible nodes to look for before scoring (kube-scheduler's
 * numFeasibleNodesToFind): all below 100 nodes; else `percentage` of them,
 * by default 50% − nodes/125 (at least 5%), and never fewer than 100.
 */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let share = percentage;
  if (share <= 0)
    share = Math.max(MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND, 50 - Math.trunc(numAllNodes / 125));
  const count = Math.trunc((numAllNodes * Math.min(share, 100)) / 100);
  return Math.max(count, MIN_FEASIBLE_NODES_TO_FIND);
}

let sharedFramework: Framework | undefined;

function isPodInfo(pod: Pod | PodInfo): pod is PodInfo {
  return 'requests' in pod && 'key' in pod;
}

/**
 * Decides where `pod` should run in `snapshot` (which it does not change but
 * for `nextStartNodeIndex`). Pass a PodInfo to avoid recomputing it. The
 * default framework runs the default profile with Math.random tie-breaks.
 */
export function schedule(
  pod: Pod | PodInfo,
  snapshot: Snapshot,
  framework: Framework = (sharedFramework ??= createFramework()),
  options: ScheduleOptions = {},
): ScheduleResult {
  const info = isPodInfo(pod) ? pod : podInfo(pod);
  const nodes = snapshot.nodes;
  const total = nodes.length;
  if (total === 0) return { unschedulable: true, message: fitErrorMessage(0, {}), reasons: {} };

  const { profile, scratch } = framework;
  const filters = scratch.filters;
  const filterStates = scratch.filterStates;
  filters.length = 0;
  filterStates.length = 0;
  for (const plugin of profile.filters) {
    const state = plugin.prepare ? plugin.prepare(info, snapshot) : undefined;
    if (state === SKIP) continue;
    filters.push(plugin);
    filterStates.push(state);
  }

  const wanted = numFeasibleNodesToFind(total, profile.percentageOfNodesToScore);
  const feasible = scratch.feasible;
  feasible.length = 0;
  // Failures are kept as (node, result) pairs and turned into a record only when no node fits.
  const failedNodes = scratch.failedNodes;
  const failures = scratch.failures;
  failedNodes.length = 0;
  failures.length = 0;
  const start = snapshot.nextStartNodeIndex % total;
  let examined = 0;
  let index = start;
  while (examined < total && feasible.length < wanted) {
    const node = nodes[index] as NodeInfo;
    examined++;
    if (++index === total) index = 0;
    let fits = true;
    for (let f = 0; f < filters.length; f++) {
      const result = filters[f].filter(info, node, snapshot, filterStates[f]);
      if (!result.ok) {
        failedNodes.push(node);
        failures.push(result.reasons);
        fits = false;
        break;
      }
    }
    if (fits) feasible.push(node);
  }
  snapshot.nextStartNodeIndex = (start + examined) % total;

  if (feasible.length === 0) {
    const byNode: Record<string, readonly string[]> = {};
    for (let i = 0; i < failedNodes.length; i++)
      byNode[(failedNodes[i] as NodeInfo).name] = failures[i] as readonly string[];
    return { unschedulable: true, message: fitErrorMessage(total, byNode), reasons: byNode };
  }
  const only = feasible[0] as NodeInfo;
  if (feasible.length === 1)
    return { nodeName: only.name, scores: [], evaluatedNodes: examined, feasibleNodes: 1 };

  const totals = scoreNodes(info, feasible, snapshot, framework);
  // Reservoir sampling among the best, as kube-scheduler's selectHost.
  let best = 0;
  let ties = 1;
  for (let i = 1; i < feasible.length; i++) {
    const score = totals[i] as number;
    const top = totals[best] as number;
    if (score > top) {
      best = i;
      ties = 1;
    } else if (score === top) {
      ties++;
      if (Math.floor(framework.random() * ties) === 0) best = i;
    }
  }
  const nodeName = (feasible[best] as NodeInfo).name;
  if (options.recordScores === false)
    return { nodeName, scores: [], evaluatedNodes: examined, feasibleNodes: feasible.length };
  return success(
    nodeName,
    feasible.map((node) => node.name),
    totals.slice(0, feasible.length),
    examined,
  );
}

/** A success whose per-node scores are materialised only when read (the loop never reads them). */
function success(
  nodeName: string,
  names: readonly string[],
  totals: Float64Array,
  evaluatedNodes: number,
): ScheduleSuccess {
  let scores: NodeScore[] | undefined;
  return {
    nodeName,
    get scores() {
      return (scores ??= names.map((name, i) => ({ nodeName: name, score: totals[i] as number })));
    },
    evaluatedNodes,
    feasibleNodes: names.length,
  };
}

/** Σ plugin score × weight for each feasible node, in the framework's reused buffer. */
function scoreNodes(
  info: PodInfo,
  feasible: readonly NodeInfo[],
  snapshot: Snapshot,
  framework: Framework,
): Float64Array {
  const { profile, scratch } = framework;
  const count = feasible.length;
  scratch.reserve(count);
  const totals = scratch.totals;
  totals.fill(0, 0, count);
  const buffer = scratch.scoreBuffer;
  for (let i = 0; i < count; i++) (feasible[i] as NodeInfo).scoreIndex = i;
  try {
    for (const plugin of profile.scores) {
      const state = plugin.prepare ? plugin.prepare(info, snapshot) : undefined;
      if (state === SKIP) continue;
      if (plugin.scoreAll) plugin.scoreAll(info, feasible, count, snapshot, state, buffer);
      else
        for (let i = 0; i < count; i++)
          buffer[i] = plugin.score(info, feasible[i] as NodeInfo, snapshot, state);
      plugin.normalize?.(buffer, count, state);
      const weight = plugin.weight;
      for (let i = 0; i < count; i++)
        totals[i] = (totals[i] as number) + (buffer[i] as number) * weight;
    }
  } finally {
    for (let i = 0; i < count; i++) (feasible[i] as NodeInfo).scoreIndex = -1;
  }
  return totals;
}
