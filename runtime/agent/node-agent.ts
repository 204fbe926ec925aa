// The node agent (Skiff's kubelet): registers its Node, serves its HTTP API
// (logs), watches the pods bound to it and runs one PodWorker per pod.
//
// State on disk, under the agent's data dir:
//   state/   the agent's LMDB (pod IPs, container starts) — see agent-state.ts
//   pods/    per pod uid: its volumes
//   logs/    container logs, the kubelet's layout
//   images/  the node's image store (unless one is given)
//   cache/   compiled and transpiled Wasm, by digest
//   pki/     the serving certificate, when `skiff node join` made it (agent.crt, agent.key)

import path from 'node:path';
import type { ClusterApi, ResourceClient } from '../../controlplane/api/cluster-api.js';
import type { ContainerImage, Node, Pod } from '../../controlplane/api/generated/index.js';
import { resourceTypeForKind, type ResourceType } from '../../controlplane/api/resources.js';
import { createEventRecorder } from '../../sdk/client/event-recorder.js';
import { createInformer, type Informer } from '../../sdk/client/informer.js';
import type { RegistryClient } from '../images/distribution/index.js';
import { createImageStore, type LocalImageStore } from '../images/store/index.js';
import type { ContainerRuntime } from '../runtime.js';
import { WasmRuntime } from '../wasm/wasm-runtime.js';
import { AgentState } from './agent-state.js';
import type { BackoffOptions } from './crash-backoff.js';
import { ImagePuller } from './image-puller.js';
import { createContainerLogStore } from './logs/index.js';
import {
  ExecTargetError,
  createNodeServer,
  type NodeServerListener,
  type NodeServerTls,
} from './node-server/index.js';
import { NodeHeartbeat } from './node-heartbeat.js';
import type { NodeFacts } from './node-object.js';
import type { AgentServices } from './pod-context.js';
import { PodIpAllocator } from './pod-ips.js';
import { PodWorker } from './pod-worker.js';

export interface NodeAgentOptions {
  /** The cluster, in-process or over HTTPS with the node token. */
  readonly api: ClusterApi;
  /** The Node's name (`kubernetes.io/hostname`). */
  readonly name: string;
  readonly dataDir: string;
  /** The cluster's node token: what the API server presents to this agent's HTTP API. */
  readonly token: string;
  /** Where the agent's HTTP API listens, and the address reported as InternalIP. Default 127.0.0.1:0. */
  readonly address?: string;
  readonly port?: number;
  readonly tls?: NodeServerTls;
  /** A registry client for a registry host (credentials, plain HTTP for local ones). */
  readonly registryClient: (registry: string) => Promise<RegistryClient>;
  /** An image store to share (skiff up shares the CLI's); default: `<dataDir>/images`. */
  readonly imageStore?: LocalImageStore;
  /** The container runtime; default a WasmRuntime caching under `<dataDir>/cache`. */
  readonly runtime?: ContainerRuntime;
  /** `status.capacity.pods`; default 1,000 (Kubernetes' default is 110; Wasm pods are smaller). */
  readonly maxPods?: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly backoff?: BackoffOptions;
  readonly probeTimeScale?: number;
  readonly heartbeat?: { readonly leaseRenewMs?: number; readonly statusUpdateMs?: number };
  readonly version?: string;
  /** Told of failures the agent recovers from (a status write, a heartbeat). */
  readonly onError?: (error: unknown) => void;
}

/** A running node agent. */
export interface NodeAgent {
  readonly name: string;
  /** The agent's HTTP API (`https://127.0.0.1:PORT`). */
  readonly url: string;
  /** The Node as last registered or reported. */
  node(): Node | undefined;
  /** Pods this agent runs, by uid. */
  podCount(): number;
  /**
   * Stops watching and stops every container, leaving the pods in the API as
   * they are (another start of the agent re-adopts them). Idempotent.
   */
  stop(): Promise<void>;
}

function imagesOf(store: LocalImageStore): () => Promise<ContainerImage[]> {
  return async () =>
    (await store.list()).map((image) => ({
      names: [image.reference, `${image.repository}@${image.manifestDigest}`],
      sizeBytes: image.size,
    }));
}

/** Starts a node agent: registers the Node and begins running the pods bound to it. */
export async function startNodeAgent(options: NodeAgentOptions): Promise<NodeAgent> {
  const onError = options.onError ?? (() => undefined);
  const state = AgentState.open(path.join(options.dataDir, 'state'));
  const ownStore = options.imageStore
    ? undefined
    : await createImageStore(path.join(options.dataDir, 'images'));
  const store = options.imageStore ?? (ownStore as LocalImageStore);
  const runtime =
    options.runtime ?? new WasmRuntime({ cacheDir: path.join(options.dataDir, 'cache') });
  const logs = createContainerLogStore({ root: path.join(options.dataDir, 'logs') });
  const workers = new Map<string, PodWorker>();
  const byName = new Map<string, PodWorker>();

  const server = createNodeServer({
    logs,
    token: options.token,
    resolvePod: (namespace, name) => {
      const worker = byName.get(`${namespace}/${name}`);
      if (!worker) return undefined;
      return { uid: worker.uid, containers: worker.containerNames() };
    },
    exec: async ({ namespace, pod, container }, command, write, signal) => {
      const runner = byName.get(`${namespace}/${pod}`)?.container(container);
      if (!runner)
        throw new ExecTargetError(
          404,
          `container ${container} of pod ${namespace}/${pod} not found on this node`,
        );
      if (!runner.facts().state.running)
        throw new ExecTargetError(400, `container ${container} is not running`);
      return runner.execStreaming(command, write, signal);
    },
    ...(options.tls ? { tls: options.tls } : {}),
  });
  const listener: NodeServerListener = await server.listen({
    host: options.address ?? '127.0.0.1',
    port: options.port ?? 0,
  });

  const facts: NodeFacts = {
    name: options.name,
    address: listener.host,
    port: listener.port,
    runtimes: [runtime.name],
    maxPods: options.maxPods ?? 1000,
    dataDir: options.dataDir,
    ...(options.labels ? { labels: options.labels } : {}),
    version: options.version ?? '0.1.0',
  };
  const heartbeat = new NodeHeartbeat({
    api: options.api,
    facts,
    images: imagesOf(store),
    ...options.heartbeat,
    onError,
  });
  const node = await heartbeat.register();
  heartbeat.start();
  const remembered = state.all();
  const ips = new PodIpAllocator(
    node.spec?.podCIDR ?? '10.224.0.0/20',
    [...remembered.values()].map((r) => r.podIP),
  );

  const services: AgentServices = {
    api: options.api,
    nodeName: options.name,
    hostIP: listener.host,
    runtime,
    images: new ImagePuller({ store, registryClient: options.registryClient }),
    logs,
    events: createEventRecorder(options.api),
    backoff: options.backoff ?? {},
    probeTimeScale: options.probeTimeScale ?? 1,
  };
  const pods = options.api.resource<Pod>(
    resourceTypeForKind('Pod') as ResourceType,
  ) as ResourceClient<Pod>;
  const podsDir = path.join(options.dataDir, 'pods');
  const key = (pod: Pod) => `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`;

  const removed = (uid: string) => {
    const worker = workers.get(uid);
    workers.delete(uid);
    for (const [name, w] of byName) if (w === worker) byName.delete(name);
  };
  const workerFor = (pod: Pod): PodWorker => {
    const uid = pod.metadata.uid ?? '';
    let worker = workers.get(uid);
    if (!worker) {
      worker = new PodWorker(pod, { services, pods, state, ips, podsDir, onRemoved: removed });
      workers.set(uid, worker);
      byName.set(key(pod), worker);
    }
    return worker;
  };
  const observe = (pod: Pod) => {
    const uid = pod.metadata.uid ?? '';
    const known = workers.has(uid) || remembered.has(uid);
    const phase = pod.status?.phase;
    // A pod that finished before this agent started has nothing left to run.
    if (!known && (phase === 'Succeeded' || phase === 'Failed') && !pod.metadata.deletionTimestamp)
      return;
    const worker = workerFor(pod);
    worker.update(pod);
    if (!pod.metadata.deletionTimestamp) worker.start();
  };
  const informer: Informer<Pod> = createInformer(pods, {
    fieldSelector: `spec.nodeName=${options.name}`,
    onError,
    handlers: {
      add: observe,
      update: (_old, pod) => observe(pod),
      delete: (pod) => {
        // Gone from the API (force-deleted, or our own final delete): stop and free.
        const worker = workers.get(pod.metadata.uid ?? '');
        if (worker)
          void worker
            .shutdown()
            .then(() => worker.release())
            .catch(onError);
      },
    },
  });
  await informer.synced;
  // Pods remembered but deleted while the agent was down: free what they held.
  const live = new Set(informer.list().map((pod) => pod.metadata.uid ?? ''));
  for (const [uid, record] of remembered) {
    if (live.has(uid)) continue;
    ips.release(record.podIP);
    await state.delete(uid);
    await logs.removePod({ namespace: record.namespace, pod: record.name, podUid: uid });
  }

  let stopped: Promise<void> | undefined;
  return {
    name: options.name,
    url: listener.url,
    node: () => heartbeat.node,
    podCount: () => workers.size,
    stop() {
      stopped ??= (async () => {
        heartbeat.stop();
        await informer.stop();
        await Promise.all([...workers.values()].map((w) => w.shutdown()));
        await listener.close();
        await runtime.close();
        await state.close();
        await ownStore?.close();
      })();
      return stopped;
    },
  };
}
