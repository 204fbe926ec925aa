// Registration and heartbeats of a node, as the kubelet does them: register
// the Node (or take over the existing one of that name), renew a Lease in
// `kube-node-lease` every 10 s (the cheap liveness signal the node lifecycle
// controller watches), and write the Node's status when it changed, or at
// least every minute.

import type { ClusterApi, ResourceClient } from '../../controlplane/api/cluster-api.js';
import { ApiError } from '../../controlplane/api/errors.js';
import type { ContainerImage, Lease, Node } from '../../controlplane/api/generated/index.js';
import { deepEqual } from '../../controlplane/api/json-values.js';
import { resourceTypeForKind, type ResourceType } from '../../controlplane/api/resources.js';
import { newNode, nodeLabels, nodeStatus, type NodeFacts } from './node-object.js';

export interface NodeHeartbeatOptions {
  readonly api: ClusterApi;
  readonly facts: NodeFacts;
  /** The images present on the node, for `status.images` (image locality). */
  readonly images: () => Promise<ContainerImage[]>;
  /** Lease renewal period; Kubernetes': 10 s with a 40 s lease. */
  readonly leaseRenewMs?: number;
  /** Status check period (10 s); an unchanged status is still written every `statusReportMs` (1 min). */
  readonly statusUpdateMs?: number;
  readonly statusReportMs?: number;
  readonly onError?: (error: unknown) => void;
}

const LEASE_NAMESPACE = 'kube-node-lease';

function client<T extends Node | Lease>(api: ClusterApi, kind: string): ResourceClient<T> {
  return api.resource<T>(resourceTypeForKind(kind) as ResourceType);
}

/** `metav1.MicroTime`: RFC 3339 with microseconds. */
function microTime(date: Date): string {
  return date.toISOString().replace(/Z$/, '000Z');
}

function isCode(error: unknown, code: number): boolean {
  return error instanceof ApiError && error.status.code === code;
}

/** Keeps a Node registered and alive in the API. */
export class NodeHeartbeat {
  readonly #options: NodeHeartbeatOptions;
  readonly #nodes: ResourceClient<Node>;
  readonly #leases: ResourceClient<Lease>;
  #timers: NodeJS.Timeout[] = [];
  #node: Node | undefined;
  #lastReport = 0;

  constructor(options: NodeHeartbeatOptions) {
    this.#options = options;
    this.#nodes = client<Node>(options.api, 'Node');
    this.#leases = client<Lease>(options.api, 'Lease');
  }

  /** Registers the Node, or updates the one of this name; resolves with it as stored (with its podCIDR). */
  async register(): Promise<Node> {
    const { facts } = this.#options;
    const images = await this.#options.images();
    let node: Node;
    try {
      node = await this.#nodes.create(newNode(facts, images));
    } catch (error) {
      if (!isCode(error, 409)) throw error;
      const existing = await this.#nodes.get(facts.name);
      node = await this.#nodes.patch(
        facts.name,
        { metadata: { labels: nodeLabels(facts) } },
        'merge',
      );
      node = await this.#nodes.patch(
        facts.name,
        { status: nodeStatus(facts, existing.status?.conditions ?? [], images, new Date()) },
        'merge',
        { subresource: 'status' },
      );
    }
    this.#node = node;
    this.#lastReport = Date.now();
    await this.#renewLease();
    return node;
  }

  /** Starts the lease and status loops. */
  start(): void {
    const onError = this.#options.onError ?? (() => undefined);
    const every = (ms: number, job: () => Promise<void>) => {
      let busy = false;
      const timer = setInterval(() => {
        if (busy) return;
        busy = true;
        job()
          .catch(onError)
          .finally(() => (busy = false));
      }, ms);
      timer.unref();
      this.#timers.push(timer);
    };
    every(this.#options.leaseRenewMs ?? 10_000, () => this.#renewLease());
    every(this.#options.statusUpdateMs ?? 10_000, () => this.updateStatus());
  }

  stop(): void {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
  }

  /** The Node as last written (spec.podCIDR, taints, unschedulable as last seen). */
  get node(): Node | undefined {
    return this.#node;
  }

  /** Writes the status when it changed, or when the last write is older than the report period. */
  async updateStatus(force = false): Promise<void> {
    const { facts } = this.#options;
    const previous = this.#node?.status;
    const status = nodeStatus(
      facts,
      previous?.conditions ?? [],
      await this.#options.images(),
      new Date(),
    );
    const strip = (s: typeof status | undefined) => ({
      ...s,
      conditions: (s?.conditions ?? []).map((c) => ({ ...c, lastHeartbeatTime: '' })),
    });
    const due = Date.now() - this.#lastReport >= (this.#options.statusReportMs ?? 60_000);
    if (!force && !due && deepEqual(strip(status), strip(previous))) return;
    try {
      this.#node = await this.#nodes.patch(facts.name, { status }, 'merge', {
        subresource: 'status',
      });
      this.#lastReport = Date.now();
    } catch (error) {
      // Deleted by someone (kubectl delete node): register again, as the kubelet does.
      if (isCode(error, 404)) await this.register();
      else throw error;
    }
  }

  async #renewLease(): Promise<void> {
    const { facts } = this.#options;
    const now = microTime(new Date());
    const lease: Lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name: facts.name,
        namespace: LEASE_NAMESPACE,
        ...(this.#node?.metadata.uid
          ? {
              ownerReferences: [
                { apiVersion: 'v1', kind: 'Node', name: facts.name, uid: this.#node.metadata.uid },
              ],
            }
          : {}),
      },
      spec: { holderIdentity: facts.name, leaseDurationSeconds: 40, renewTime: now },
    };
    try {
      await this.#leases.patch(
        facts.name,
        { spec: { renewTime: now, holderIdentity: facts.name } },
        'merge',
        {
          namespace: LEASE_NAMESPACE,
        },
      );
    } catch (error) {
      if (!isCode(error, 404)) throw error;
      await this.#leases.create(lease, { namespace: LEASE_NAMESPACE }).catch((created: unknown) => {
        if (!isCode(created, 409)) throw created;
      });
    }
  }
}
