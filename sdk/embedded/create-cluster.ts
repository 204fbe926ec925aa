// A whole Skiff cluster in this process: the control plane (LMDB under a data
// directory, the HTTPS API), the scheduler and `nodes` node agents, wired as
// `skiff up` wires them. For apps that embed Skiff and for tests.
//
//   const cluster = await createCluster({ dataDir: './.skiff', nodes: 3 });
//   await cluster.api.resource(podType).create(pod);   // in-process ClusterApi
//   await cluster.stop();

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ClusterApi } from '../../controlplane/api/cluster-api.js';
import {
  selfSignedServingCertificate,
  startControlPlane,
  type ControlPlane,
  type ControlPlaneStoreKind,
} from '../../controlplane/index.js';
import { startNodeAgent, type BackoffOptions, type NodeAgent } from '../../runtime/agent/index.js';
import { registryClient, type RegistryClient } from '../../runtime/images/distribution/index.js';
import type { LocalImageStore } from '../../runtime/images/store/index.js';
import { startScheduler, type Scheduler } from '../../scheduler/index.js';

export interface ClusterOptions {
  /** Everything the cluster keeps: `controlplane/` and `nodes/<name>/` under it. */
  readonly dataDir: string;
  /** Node agents to start (default 1), named `<namePrefix>-0`, `-1`, … */
  readonly nodes?: number;
  /** Default `skiff-node` (one node: `skiff-node-0`). */
  readonly namePrefix?: string;
  /** The API's address; port 0 (default) picks a free one. */
  readonly host?: string;
  readonly port?: number;
  /** An image store every node shares (`skiff up` passes the CLI's, so built images are present). */
  readonly imageStore?: LocalImageStore;
  /** Registry clients for the agents; default: anonymous, plain HTTP for local registries. */
  readonly registryClient?: (registry: string) => Promise<RegistryClient>;
  /** Per node: `status.capacity.pods` etc. */
  readonly maxPods?: number;
  readonly backoff?: BackoffOptions;
  readonly probeTimeScale?: number;
  /** Told of failures the components recover from. */
  readonly onError?: (error: unknown) => void;
  /** The control plane's store: `lmdb` (default, kept under dataDir) or `memory` (gone at stop). */
  readonly store?: ControlPlaneStoreKind;
}

/** A running in-process cluster. */
export interface Cluster {
  /** The API in-process (no HTTP): a typed ClusterApi. */
  readonly api: ClusterApi;
  /** The HTTPS API (`https://127.0.0.1:PORT`), for kubectl, skiff and other processes. */
  readonly url: string;
  /** An admin kubeconfig for it. */
  readonly kubeconfigPath: string;
  /** The token `skiff node join` needs. */
  readonly nodeToken: string;
  readonly caCertificate: string;
  readonly controlPlane: ControlPlane;
  readonly nodes: readonly NodeAgent[];
  /** Starts one more node agent in this process. */
  addNode(name?: string): Promise<NodeAgent>;
  /** Stops the agents (their pods stop), the scheduler and the control plane. */
  stop(): Promise<void>;
}

/** Starts a cluster; resolves once the API serves, the scheduler listed, and the nodes registered. */
export async function createCluster(options: ClusterOptions): Promise<Cluster> {
  const controlPlaneDir = path.join(options.dataDir, 'controlplane');
  await mkdir(controlPlaneDir, { recursive: true });
  const controlPlane = await startControlPlane({
    dataDir: controlPlaneDir,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    ...(options.store ? { store: options.store } : {}),
  });
  const onError = options.onError ?? (() => undefined);
  const scheduler: Scheduler = startScheduler({ api: controlPlane.api, onError });
  const nodes: NodeAgent[] = [];
  const prefix = options.namePrefix ?? 'skiff-node';
  const clients =
    options.registryClient ?? ((registry: string) => Promise.resolve(registryClient(registry)));

  const addNode = async (name = `${prefix}-${nodes.length}`): Promise<NodeAgent> => {
    const dataDir = path.join(options.dataDir, 'nodes', name);
    await mkdir(dataDir, { recursive: true });
    const serving = await selfSignedServingCertificate(name, ['127.0.0.1', 'localhost', name]);
    const agent = await startNodeAgent({
      api: controlPlane.api,
      name,
      dataDir,
      token: controlPlane.tokens.node,
      tls: { cert: serving.certificate, key: serving.key },
      registryClient: clients,
      ...(options.imageStore ? { imageStore: options.imageStore } : {}),
      ...(options.maxPods ? { maxPods: options.maxPods } : {}),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      ...(options.probeTimeScale ? { probeTimeScale: options.probeTimeScale } : {}),
      onError,
    });
    nodes.push(agent);
    return agent;
  };

  try {
    await scheduler.synced;
    for (let i = 0; i < (options.nodes ?? 1); i++) await addNode();
  } catch (error) {
    await Promise.all(nodes.map((n) => n.stop()));
    await scheduler.stop();
    await controlPlane.close();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    api: controlPlane.api,
    url: controlPlane.url,
    kubeconfigPath: controlPlane.kubeconfigPath,
    nodeToken: controlPlane.tokens.node,
    caCertificate: controlPlane.caCertificate,
    controlPlane,
    nodes,
    addNode,
    stop() {
      stopping ??= (async () => {
        await Promise.all(nodes.map((n) => n.stop()));
        await scheduler.stop();
        await controlPlane.close();
      })();
      return stopping;
    },
  };
}
