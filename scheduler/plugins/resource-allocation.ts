// The two scores NodeResourcesFit and BalancedAllocation give from cpu and
// memory: kube-scheduler's LeastAllocated strategy (more room left ranks
// higher) and BalancedAllocation (cpu and memory used in equal shares ranks
// higher), with its integer arithmetic.

import { MAX_NODE_SCORE, SKIP, type ScorePlugin } from '../framework/types.js';
import type { NodeInfo } from '../snapshot/node-info.js';
import type { PodInfo } from '../snapshot/pod-info.js';

/** kube-scheduler's leastRequestedScore: the free share of `capacity` after `requested`, 0..100. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

function leastAllocatedScore(pod: PodInfo, node: NodeInfo): number {
  let sum = 0;
  let weights = 0;
  const cpu = node.allocatableMilliCpu;
  if (cpu !== 0) {
    sum += leastRequestedScore(node.nonZeroMilliCpu + pod.nonZeroRequests.milliCpu, cpu);
    weights++;
  }
  const memory = node.allocatableMemory;
  if (memory !== 0) {
    sum += leastRequestedScore(node.nonZeroMemory + pod.nonZeroRequests.memory, memory);
    weights++;
  }
  return weights === 0 ? 0 : Math.trunc(sum / weights);
}

/**
 * NodeResourcesFit's score with the LeastAllocated strategy (cpu and memory
 * weighted 1 each), from the requests with defaults for containers that
 * request nothing; a resource the node does not advertise is left out (weight 1).
 */
export const leastAllocated: ScorePlugin = {
  name: 'NodeResourcesFit',
  weight: 1,
  score: leastAllocatedScore,
  scoreAll(pod, nodes, count, _snapshot, _state, scores) {
    for (let i = 0; i < count; i++) scores[i] = leastAllocatedScore(pod, nodes[i] as NodeInfo);
  },
};

function balancedAllocationScore(pod: PodInfo, node: NodeInfo): number {
  const cpu = node.allocatableMilliCpu;
  const memory = node.allocatableMemory;
  let fractions = 0;
  let first = 0;
  let second = 0;
  if (cpu !== 0) {
    first = Math.min(1, (node.requestedMilliCpu + pod.requests.milliCpu) / cpu);
    fractions++;
  }
  if (memory !== 0) {
    const share = Math.min(1, (node.requestedMemory + pod.requests.memory) / memory);
    if (fractions === 0) first = share;
    else second = share;
    fractions++;
  }
  // With two resources the standard deviation is half their difference; with one, zero.
  const std = fractions === 2 ? Math.abs((first - second) / 2) : 0;
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

/**
 * NodeResourcesBalancedAllocation: 100 × (1 − the standard deviation of the
 * cpu and memory shares the node would have in use), from exact requests;
 * skipped for pods that request neither, as kube-scheduler does (weight 1).
 */
export const balancedAllocation: ScorePlugin = {
  name: 'NodeResourcesBalancedAllocation',
  weight: 1,
  prepare(pod) {
    return pod.requests.milliCpu === 0 && pod.requests.memory === 0 ? SKIP : undefined;
  },
  score: balancedAllocationScore,
  scoreAll(pod, nodes, count, _snapshot, _state, scores) {
    for (let i = 0; i < count; i++) scores[i] = balancedAllocationScore(pod, nodes[i] as NodeInfo);
  },
};
