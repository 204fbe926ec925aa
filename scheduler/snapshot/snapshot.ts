// The scheduler's picture of the cluster (kube-scheduler's cache and snapshot
// in one): every node with running totals of its pods, kept up to date one
// event at a time — a node added or changed, a pod bound, assumed, finished or
// deleted — so that scheduling a pod never rescans the cluster.

import type { Node, Pod } from '../../controlplane/api/generated/index.js';
import { NodeInfo, type RuntimeName } from './node-info.js';
import { podInfo, podKey, type PodInfo } from './pod-info.js';

/** Which runtime an image needs, when known (a Wasm artifact: `wasm`; a Linux image: `docker`). */
export type ImageRuntimeLookup = (image: string) => RuntimeName | undefined;

/** How a Snapshot is made. */
export interface SnapshotOptions {
  /** Tells RuntimeFit what a pod's images need when its runtimeClassName does not say. */
  readonly imageRuntime?: ImageRuntimeLookup;
}

/** Nodes and the pods bound (or assumed bound) to them. Not safe to share between schedulers. */
export class Snapshot {
  /** See SnapshotOptions.imageRuntime. */
  imageRuntime: ImageRuntimeLookup | undefined;
  /**
   * Where the next scheduling cycle starts looking, so that successive pods
   * examine nodes round-robin when not every node is examined (kube-scheduler's nextStartNodeIndex).
   */
  nextStartNodeIndex = 0;

  private readonly byName = new Map<string, NodeInfo>();
  private readonly list: NodeInfo[] = [];
  private readonly podNodes = new Map<string, NodeInfo>();
  private readonly assumed = new Set<string>();
  /** Per image name: the nodes that have it, with its size there. */
  private readonly imageNodes = new Map<string, Map<NodeInfo, number>>();
  /** Per controller uid: how many of its pods each node has. */
  private readonly ownerNodes = new Map<string, Map<NodeInfo, number>>();
  private cordoned = 0;
  private preferring = 0;

  constructor(options: SnapshotOptions = {}) {
    this.imageRuntime = options.imageRuntime;
  }

  /** The nodes pods can be scheduled to (those whose Node object is known). Do not modify. */
  get nodes(): readonly NodeInfo[] {
    return this.list;
  }

  /** The node called `name`, if its Node object is known. */
  node(name: string): NodeInfo | undefined {
    const info = this.byName.get(name);
    return info?.node ? info : undefined;
  }

  /** On how many nodes an image (by one of its names) is present (ImageLocality's spread). */
  imageNodeCount(name: string): number {
    return this.imageNodes.get(name)?.size ?? 0;
  }

  /** The nodes that have the image `name`, with its size on each (undefined: none). */
  nodesWithImage(name: string): ReadonlyMap<NodeInfo, number> | undefined {
    return this.imageNodes.get(name);
  }

  /** How many pods of the controller `ownerUid` each node has (undefined: none anywhere). */
  podsOfOwner(ownerUid: string): ReadonlyMap<NodeInfo, number> | undefined {
    return this.ownerNodes.get(ownerUid);
  }

  /** How many nodes are cordoned (NodeUnschedulable has nothing to do when none is). */
  get cordonedNodes(): number {
    return this.cordoned;
  }

  /** How many nodes have PreferNoSchedule taints (TaintToleration's score is flat when none has). */
  get nodesPreferringNoSchedule(): number {
    return this.preferring;
  }

  /** Whether any node reports any image (ImageLocality skips its work otherwise). */
  get hasImages(): boolean {
    return this.imageNodes.size > 0;
  }

  /** Adds a node or takes its new state. */
  setNode(node: Node): void {
    const name = node.metadata.name ?? '';
    let info = this.byName.get(name);
    if (!info) {
      info = new NodeInfo(name);
      this.byName.set(name, info);
    }
    this.countNode(info, -1);
    info.setNode(node);
    this.countNode(info, 1);
    if (info.index < 0) {
      info.index = this.list.length;
      this.list.push(info);
    }
  }

  /** Removes a node. Its pods stay counted under its name until they go, as in kube-scheduler's cache. */
  removeNode(name: string): void {
    const info = this.byName.get(name);
    if (!info?.node) return;
    this.countNode(info, -1);
    info.node = undefined;
    info.images = new Map();
    this.unlist(info);
    if (info.podCount === 0) this.byName.delete(name);
  }

  /**
   * Takes a pod's current state from the API: a pod bound to a node and not
   * terminated counts on that node (replacing an assumption); any other no longer counts.
   * Returns whether what the nodes hold changed.
   */
  setPod(pod: Pod): boolean {
    const key = podKey(pod);
    const nodeName = pod.spec?.nodeName;
    const phase = pod.status?.phase;
    if (!nodeName || phase === 'Succeeded' || phase === 'Failed') return this.removePod(key);
    this.assumed.delete(key);
    this.place(podInfo(pod), nodeName);
    return true;
  }

  /** Stops counting the pod `key` (deleted); returns whether it was counted. */
  removePod(key: string): boolean {
    this.assumed.delete(key);
    const node = this.podNodes.get(key);
    if (!node) return false;
    this.unplace(node, key);
    this.podNodes.delete(key);
    if (!node.node && node.podCount === 0) this.byName.delete(node.name);
    return true;
  }

  /** Counts a pod on `nodeName` before its binding is confirmed, so that the next decisions see it. */
  assumePod(info: PodInfo, nodeName: string): void {
    this.place(info, nodeName);
    this.assumed.add(info.key);
  }

  /** Undoes assumePod (the binding failed); a pod the API already showed bound is left. */
  forgetPod(key: string): boolean {
    if (!this.assumed.has(key)) return false;
    return this.removePod(key);
  }

  /** Whether the pod `key` is counted only because it was assumed. */
  isAssumed(key: string): boolean {
    return this.assumed.has(key);
  }

  /** The node the pod `key` counts on, if any. */
  nodeOfPod(key: string): string | undefined {
    return this.podNodes.get(key)?.name;
  }

  private place(info: PodInfo, nodeName: string): void {
    const current = this.podNodes.get(info.key);
    if (current) {
      this.unplace(current, info.key);
      if (current.name !== nodeName && !current.node && current.podCount === 0)
        this.byName.delete(current.name);
    }
    let target = this.byName.get(nodeName);
    if (!target) {
      target = new NodeInfo(nodeName);
      this.byName.set(nodeName, target);
    }
    target.addPod(info);
    this.podNodes.set(info.key, target);
    if (info.ownerUid !== undefined) {
      let counts = this.ownerNodes.get(info.ownerUid);
      if (!counts) this.ownerNodes.set(info.ownerUid, (counts = new Map()));
      counts.set(target, (counts.get(target) ?? 0) + 1);
    }
  }

  private unplace(node: NodeInfo, key: string): void {
    const info = node.removePod(key);
    if (info?.ownerUid === undefined) return;
    const counts = this.ownerNodes.get(info.ownerUid);
    const count = (counts?.get(node) ?? 1) - 1;
    if (count > 0) counts?.set(node, count);
    else {
      counts?.delete(node);
      if (counts?.size === 0) this.ownerNodes.delete(info.ownerUid);
    }
  }

  private unlist(info: NodeInfo): void {
    const last = this.list.pop();
    if (last && last !== info) {
      this.list[info.index] = last;
      last.index = info.index;
    }
    info.index = -1;
    if (this.nextStartNodeIndex >= this.list.length) this.nextStartNodeIndex = 0;
  }

  /** Adds (or takes back) what the snapshot counts of a node with its Node object. */
  private countNode(info: NodeInfo, sign: 1 | -1): void {
    if (!info.node) return;
    if (info.unschedulable) this.cordoned += sign;
    if (info.preferNoScheduleTaints.length > 0) this.preferring += sign;
    this.countImages(info, sign);
  }

  private countImages(info: NodeInfo, sign: 1 | -1): void {
    for (const [name, size] of info.images) {
      let nodes = this.imageNodes.get(name);
      if (sign > 0) {
        if (!nodes) this.imageNodes.set(name, (nodes = new Map()));
        nodes.set(info, size);
      } else if (nodes) {
        nodes.delete(info);
        if (nodes.size === 0) this.imageNodes.delete(name);
      }
    }
  }
}

/** A snapshot of `nodes` with `pods` (those bound and not terminated count on their node). */
export function createSnapshot(
  nodes: readonly Node[],
  pods: readonly Pod[] = [],
  options: SnapshotOptions = {},
): Snapshot {
  const snapshot = new Snapshot(options);
  for (const node of nodes) snapshot.setNode(node);
  for (const pod of pods) snapshot.setPod(pod);
  return snapshot;
}
