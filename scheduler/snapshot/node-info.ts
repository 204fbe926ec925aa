// One node as the scheduler sees it (kube-scheduler's framework.NodeInfo): the
// Node, what it can give, and running totals of what its pods take, kept up to
// date as pods come and go so that no plugin ever sums a node's pods.

import type { Node, Taint } from '../../controlplane/api/generated/index.js';
import type { PodInfo } from './pod-info.js';
import {
  addAmounts,
  amountsOf,
  emptyAmounts,
  quantityNumber,
  setAmounts,
  type ResourceAmounts,
} from './resources.js';

/** The runtimes a node can offer (label `runtime.skiff.dev/<name>: "true"`). */
export type RuntimeName = 'wasm' | 'docker';

/** The label a node advertises a runtime with. */
export const RUNTIME_LABEL_PREFIX = 'runtime.skiff.dev/';

/** Kubernetes' taint for a node whose Ready condition is False. */
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
/** Kubernetes' taint for a node whose Ready condition is Unknown (no heartbeat). */
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
/** Kubernetes' taint for a cordoned node. */
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** The NoSchedule taint Kubernetes puts on a node while one of these conditions is True (TaintNodesByCondition). */
const PRESSURE_TAINTS: Readonly<Record<string, string>> = {
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
  NetworkUnavailable: 'node.kubernetes.io/network-unavailable',
};

/**
 * The node's taints plus those Kubernetes' node lifecycle controller would add
 * for its conditions (TaintNodesByCondition), so that the scheduler needs no
 * such controller: `not-ready` when Ready is False or not reported yet (the
 * kubelet registers with that taint), `unreachable` when Unknown, and
 * `memory-pressure`, `disk-pressure`, `pid-pressure`, `network-unavailable`
 * while those conditions are True. All NoSchedule; a taint the node already
 * carries is not repeated.
 */
export function effectiveTaints(node: Node): readonly Taint[] {
  const taints = node.spec?.taints ?? [];
  const conditions = node.status?.conditions ?? [];
  const added: Taint[] = [];
  const add = (key: string) => {
    if (!taints.some((t) => t.key === key && t.effect === 'NoSchedule'))
      added.push({ key, effect: 'NoSchedule' });
  };
  const ready = conditions.find((c) => c.type === 'Ready')?.status;
  if (ready !== 'True') add(ready === 'Unknown' ? TAINT_UNREACHABLE : TAINT_NOT_READY);
  for (const condition of conditions) {
    const key = PRESSURE_TAINTS[condition.type];
    if (key && condition.status === 'True') add(key);
  }
  return added.length === 0 ? taints : [...taints, ...added];
}

const NO_TAINTS: readonly Taint[] = Object.freeze([]);
const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * A node, its allocatable resources and the running totals of its pods. The
 * amounts are updated in place, so that a node's hot fields stay close
 * together in memory: a scheduling cycle reads them for hundreds of nodes.
 */
export class NodeInfo {
  // The fields every cycle reads come first, so that they share cache lines.
  unschedulable = false;
  /** The NoSchedule and NoExecute ones among `taints`, which filter (usually none: a shared empty array). */
  filteringTaints: readonly Taint[] = NO_TAINTS;
  /** How many pods count on the node (`pods.size`, kept as a number for the hot path). */
  podCount = 0;
  /** `status.allocatable.pods`: 0 when absent, as in Kubernetes (no pod fits). */
  allowedPodNumber = 0;
  // Copies of the cpu and memory figures every cycle reads, rather than in the amount objects below.
  /** allocatable − requested (NodeResourcesFit). */
  freeMilliCpu = 0;
  freeMemory = 0;
  freeEphemeralStorage = 0;
  /** allocatable (scores). */
  allocatableMilliCpu = 0;
  allocatableMemory = 0;
  /** nonZeroRequested (LeastAllocated). */
  nonZeroMilliCpu = 0;
  nonZeroMemory = 0;
  /** requested (BalancedAllocation). */
  requestedMilliCpu = 0;
  requestedMemory = 0;
  /** Position among the nodes being scored, during a ScorePlugin.scoreAll call; -1 otherwise. */
  scoreIndex = -1;
  /** The PreferNoSchedule ones among `taints`, which lower the score. */
  preferNoScheduleTaints: readonly Taint[] = NO_TAINTS;
  /** Labels of the node ({} when none). */
  labels: Readonly<Record<string, string>> = NO_LABELS;
  /** Runtimes the node's labels advertise. */
  runtimes: ReadonlySet<RuntimeName> = new Set();
  /** The Node object; undefined while only pods bound to this name are known (it is not schedulable then). */
  node: Node | undefined = undefined;
  readonly name: string;
  /** spec.taints plus the taints of its conditions (effectiveTaints). */
  taints: readonly Taint[] = NO_TAINTS;
  /** What the node offers (status.allocatable). */
  readonly allocatable: ResourceAmounts = emptyAmounts();
  /** Sum of the exact requests of the node's pods. */
  readonly requested: ResourceAmounts = emptyAmounts();
  /** Sum of the pods' requests with kube-scheduler's defaults for missing cpu/memory. */
  readonly nonZeroRequested: ResourceAmounts = emptyAmounts();
  /** Images on the node by each of their names, with their size in bytes. */
  images: ReadonlyMap<string, number> = new Map();
  /** The node's (non-terminated) pods by key, assumed ones included. */
  readonly pods = new Map<string, PodInfo>();
  /** Position in the snapshot's node list, -1 when not listed. */
  index = -1;

  constructor(name: string) {
    this.name = name;
  }

  /** Takes the node's current object: labels, taints, allocatable, images. */
  setNode(node: Node): void {
    this.node = node;
    this.labels = node.metadata.labels ?? NO_LABELS;
    const taints = effectiveTaints(node);
    const some = (list: readonly Taint[]) => (list.length === 0 ? NO_TAINTS : list);
    this.taints = some(taints);
    this.filteringTaints = some(taints.filter((t) => t.effect !== 'PreferNoSchedule'));
    this.preferNoScheduleTaints = some(taints.filter((t) => t.effect === 'PreferNoSchedule'));
    this.unschedulable = node.spec?.unschedulable === true;
    const allocatable = node.status?.allocatable;
    setAmounts(this.allocatable, amountsOf(allocatable));
    this.updateHotFields();
    const pods = allocatable?.['pods'];
    this.allowedPodNumber = pods === undefined ? 0 : quantityNumber(pods);
    const images = new Map<string, number>();
    for (const image of node.status?.images ?? [])
      for (const name of image.names ?? []) images.set(name, image.sizeBytes ?? 0);
    this.images = images;
    const runtimes = new Set<RuntimeName>();
    for (const runtime of ['wasm', 'docker'] as const)
      if (this.labels[RUNTIME_LABEL_PREFIX + runtime] === 'true') runtimes.add(runtime);
    this.runtimes = runtimes;
  }

  /** Counts `info` on this node. */
  addPod(info: PodInfo): void {
    this.pods.set(info.key, info);
    this.podCount = this.pods.size;
    addAmounts(this.requested, info.requests);
    addAmounts(this.nonZeroRequested, info.nonZeroRequests);
    this.updateHotFields();
  }

  /** Stops counting the pod `key`; returns its info if it was here. */
  removePod(key: string): PodInfo | undefined {
    const info = this.pods.get(key);
    if (!info) return undefined;
    this.pods.delete(key);
    this.podCount = this.pods.size;
    addAmounts(this.requested, info.requests, -1);
    addAmounts(this.nonZeroRequested, info.nonZeroRequests, -1);
    this.updateHotFields();
    return info;
  }

  private updateHotFields(): void {
    this.allocatableMilliCpu = this.allocatable.milliCpu;
    this.allocatableMemory = this.allocatable.memory;
    this.requestedMilliCpu = this.requested.milliCpu;
    this.requestedMemory = this.requested.memory;
    this.nonZeroMilliCpu = this.nonZeroRequested.milliCpu;
    this.nonZeroMemory = this.nonZeroRequested.memory;
    this.freeMilliCpu = this.allocatable.milliCpu - this.requested.milliCpu;
    this.freeMemory = this.allocatable.memory - this.requested.memory;
    this.freeEphemeralStorage = this.allocatable.ephemeralStorage - this.requested.ephemeralStorage;
  }
}
