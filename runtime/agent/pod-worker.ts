// One pod on the node, from its binding to its removal.
//
//   bound ──▶ sandbox (pod IP, volumes) ──▶ init containers, in order ──▶ containers
//                                             │ one fails, restartPolicy Never      │ all done
//                                             ▼                                      ▼
//                                           Failed                     Succeeded / Failed
//   deletionTimestamp set (any time) ──▶ stop containers (SIGTERM, grace, kill)
//                                    ──▶ delete the pod object (grace 0) ──▶ free IP, volumes, logs
//
// Status is written as a merge patch of `status` after each change, coalesced
// so a burst of changes makes one write. Restarts of the agent: the pod's
// record in the agent's LMDB gives back its IP and how many times each
// container started, so a container that was running counts as restarted once;
// a pod that had already Succeeded or Failed is left as it ended.

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ResourceClient } from '../../controlplane/api/cluster-api.js';
import { ApiError } from '../../controlplane/api/errors.js';
import type { Pod, PodCondition } from '../../controlplane/api/generated/index.js';
import type { EventType } from '../../sdk/client/event-recorder.js';
import { publishPort, type PublishedPort } from '../network/publish.js';
import { VirtualPodNetwork } from '../network/virtual-pod-network.js';
import type { PodSandbox } from '../runtime.js';
import type { AgentState, PodRecord } from './agent-state.js';
import { ContainerRunner } from './container-runner.js';
import type { AgentServices, PodContext } from './pod-context.js';
import type { PodIpAllocator } from './pod-ips.js';
import { podStatus } from './pod-status.js';
import {
  preparePodVolumes,
  removePodDir,
  VolumeError,
  type PreparedVolume,
} from './pod-volumes.js';

/** What a pod worker needs beyond the agent's shared services. */
export interface PodWorkerOptions {
  readonly services: AgentServices;
  readonly pods: ResourceClient<Pod>;
  readonly state: AgentState;
  readonly ips: PodIpAllocator;
  /** `<data-dir>/pods`: each pod gets `<uid>/` under it. */
  readonly podsDir: string;
  /** Called once the pod is gone from the node and the API. */
  readonly onRemoved: (uid: string) => void;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs one pod. `update()` feeds it the pod as the API changes it. */
export class PodWorker {
  readonly #options: PodWorkerOptions;
  #pod: Pod;
  readonly #uid: string;
  readonly #stopping = new AbortController();
  #record: PodRecord | undefined;
  #sandbox: PodSandbox | undefined;
  #volumes: ReadonlyMap<string, PreparedVolume> = new Map();
  #init: ContainerRunner[] = [];
  #containers: ContainerRunner[] = [];
  #initialized = false;
  #initFailed = false;
  #startTime = new Date();
  #message: { reason: string; message: string } | undefined;
  #conditions: PodCondition[] = [];
  #sync: Promise<void> | undefined;
  #dirty = false;
  /**
   * No more status writes: the pod had ended before an agent restart (its
   * status is final), or the agent is shutting down (the pod stays as last
   * reported, for the next start to re-adopt; a container stopped by the
   * shutdown is not the pod failing).
   */
  #statusFrozen = false;
  #terminating: Promise<void> | undefined;
  #running: Promise<void> | undefined;
  #released: Promise<void> | undefined;
  #hostPorts: PublishedPort[] = [];

  constructor(pod: Pod, options: PodWorkerOptions) {
    this.#pod = pod;
    this.#uid = pod.metadata.uid ?? '';
    this.#options = options;
    this.#conditions = pod.status?.conditions ?? [];
    if (pod.status?.startTime) this.#startTime = new Date(pod.status.startTime);
  }

  get uid(): string {
    return this.#uid;
  }

  /** Starts the pod (once). */
  start(): void {
    this.#running ??= this.#run().catch((error: unknown) => {
      this.#message = { reason: 'Error', message: messageOf(error) };
      this.#changed();
    });
  }

  /** The pod changed in the API; a deletion starts stopping it. */
  update(pod: Pod): void {
    this.#pod = pod;
    this.#conditions = pod.status?.conditions ?? this.#conditions;
    if (pod.metadata.deletionTimestamp) void this.terminate();
  }

  /**
   * Stops every container (SIGTERM, then a kill after the pod's grace period),
   * then removes the pod from the API and frees what it held on the node.
   */
  terminate(): Promise<void> {
    this.#terminating ??= this.#terminate();
    return this.#terminating;
  }

  /** Stops the containers without touching the API (the agent is shutting down). */
  async shutdown(): Promise<void> {
    this.#statusFrozen = true;
    this.#stopping.abort();
    await Promise.all([...this.#init, ...this.#containers].map((c) => c.stop(0)));
    await this.#running;
    await this.#sync;
    await Promise.all(this.#hostPorts.map((port) => port.close()));
    this.#hostPorts = [];
  }

  /** The names of the pod's containers, init containers included (the node server's lookups). */
  containerNames(): string[] {
    const spec = this.#pod.spec;
    return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.name);
  }

  /** A container of this pod, for exec and logs. */
  container(name: string): ContainerRunner | undefined {
    return this.#containers.find((c) => c.name === name) ?? this.#init.find((c) => c.name === name);
  }

  async #run(): Promise<void> {
    const { state, ips, podsDir, services } = this.#options;
    const pod = this.#pod;
    const remembered = state.get(this.#uid);
    // A pod that had finished before the agent restarted stays as it ended:
    // the kubelet runs no container of a Succeeded or Failed pod again, and
    // its status in the API is final.
    const phase = pod.status?.phase;
    if (remembered && (phase === 'Succeeded' || phase === 'Failed')) {
      this.#record = remembered;
      this.#statusFrozen = true;
      return;
    }
    const podIP = remembered?.podIP ?? ips.allocate();
    this.#record = remembered ?? {
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name ?? '',
      podIP,
      starts: {},
    };
    await state.put(this.#uid, this.#record);
    this.#sandbox = {
      id: randomBytes(16).toString('hex'),
      name: pod.metadata.name ?? '',
      namespace: pod.metadata.namespace ?? 'default',
      hostname: pod.spec?.hostname ?? pod.metadata.name ?? '',
      network: new VirtualPodNetwork(podIP),
    };
    const ctx = this.#context(this.#sandbox);
    const restartCount = (name: string) => Math.max(0, (this.#record?.starts[name] ?? 0) - 1);
    const interrupted = (name: string) =>
      (this.#record?.starts[name] ?? 0) > 0
        ? {
            lastState: {
              terminated: {
                exitCode: 137,
                reason: 'Error',
                message: 'The container was stopped when the node agent restarted',
              },
            },
          }
        : {};
    this.#init = (pod.spec?.initContainers ?? []).map(
      (c) => new ContainerRunner(ctx, c, { init: true, restartCount: restartCount(c.name) }),
    );
    this.#containers = (pod.spec?.containers ?? []).map(
      (c) =>
        new ContainerRunner(ctx, c, {
          init: false,
          restartCount: restartCount(c.name),
          ...interrupted(c.name),
        }),
    );
    this.#changed();
    try {
      this.#volumes = await preparePodVolumes(services.api, pod, path.join(podsDir, this.#uid));
    } catch (error) {
      const message = messageOf(error);
      this.#message = { reason: error instanceof VolumeError ? 'FailedMount' : 'Error', message };
      this.#event('Warning', 'FailedMount', message);
      this.#changed();
      return;
    }
    if (this.#stopping.signal.aborted) return;
    if (!(await this.#publishHostPorts(this.#sandbox))) return;
    // Containers already started before an agent restart do not re-run their init containers.
    const initDone =
      remembered && this.#containers.some((c) => (remembered.starts[c.name] ?? 0) > 0);
    if (!initDone) {
      for (const runner of this.#init) {
        await runner.run();
        if (this.#stopping.signal.aborted) return;
        if (!runner.succeeded()) {
          this.#initFailed = true;
          this.#changed();
          return;
        }
      }
    }
    this.#initialized = true;
    this.#changed();
    await Promise.all(this.#containers.map((c) => c.run()));
  }

  /**
   * `hostPort`s: the node's port forwards to the pod's, as the CNI portmap
   * plugin does. A port the node cannot bind fails the pod's start with an event.
   */
  async #publishHostPorts(sandbox: PodSandbox): Promise<boolean> {
    const ports = (this.#pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
    for (const port of ports) {
      if (!port.hostPort) continue;
      const hostIP = port.hostIP ?? this.#options.services.hostIP;
      try {
        this.#hostPorts.push(
          await publishPort(sandbox.network, {
            hostIP,
            hostPort: port.hostPort,
            containerPort: port.containerPort,
          }),
        );
      } catch (error) {
        const message = `cannot bind host port ${hostIP}:${port.hostPort}: ${messageOf(error)}`;
        this.#message = { reason: 'HostPortUnavailable', message };
        this.#event('Warning', 'FailedCreatePodSandBox', message);
        this.#changed();
        return false;
      }
    }
    return true;
  }

  #context(sandbox: PodSandbox): PodContext {
    return {
      services: this.#options.services,
      pod: () => this.#pod,
      sandbox,
      volumes: () => this.#volumes,
      stopping: this.#stopping.signal,
      changed: () => this.#changed(),
      recordStart: (name) => this.#recordStart(name),
      event: (type, reason, message, fieldPath) => this.#event(type, reason, message, fieldPath),
    };
  }

  async #recordStart(container: string): Promise<number> {
    const record = this.#record;
    if (!record) return 0;
    const starts = (record.starts[container] ?? 0) + 1;
    this.#record = { ...record, starts: { ...record.starts, [container]: starts } };
    await this.#options.state.put(this.#uid, this.#record);
    return starts - 1;
  }

  #event(type: EventType, reason: string, message: string, fieldPath?: string): void {
    const { events, nodeName } = this.#options.services;
    const pod = this.#pod;
    void events
      .recordEvent(
        {
          apiVersion: 'v1',
          kind: 'Pod',
          name: pod.metadata.name ?? '',
          namespace: pod.metadata.namespace ?? 'default',
          uid: this.#uid,
          ...(fieldPath ? { fieldPath } : {}),
        },
        type,
        reason,
        message,
        { component: 'kubelet', host: nodeName },
      )
      .catch(() => undefined);
  }

  #changed(): void {
    if (this.#statusFrozen) return;
    this.#dirty = true;
    this.#sync ??= this.#writeStatus().finally(() => {
      this.#sync = undefined;
    });
  }

  /** Writes the status until nothing changed while writing. */
  async #writeStatus(): Promise<void> {
    await Promise.resolve();
    while (this.#dirty) {
      this.#dirty = false;
      const status = podStatus({
        initContainers: this.#init.map((c) => c.facts()),
        containers: this.#containers.map((c) => c.facts()),
        initialized: this.#initialized,
        initFailed: this.#initFailed,
        ...(this.#sandbox ? { podIP: this.#sandbox.network.podIP } : {}),
        hostIP: this.#options.services.hostIP,
        startTime: this.#startTime,
        sandboxReady: this.#sandbox !== undefined,
        previousConditions: this.#conditions,
        now: new Date(),
      });
      if (this.#message) Object.assign(status, this.#message);
      this.#conditions = status.conditions ?? [];
      try {
        const written = await this.#options.pods.patch(
          this.#pod.metadata.name ?? '',
          { status },
          'merge',
          { namespace: this.#pod.metadata.namespace ?? 'default', subresource: 'status' },
        );
        if (written.metadata.uid === this.#uid && !this.#terminating) this.#pod = written;
      } catch (error) {
        // The pod is gone: nothing to report to. Anything else: the next change retries.
        if (error instanceof ApiError && error.status.code === 404) return;
      }
    }
  }

  async #terminate(): Promise<void> {
    const pod = this.#pod;
    const graceSeconds =
      pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    const running = this.#containers.filter((c) => c.facts().state.running);
    for (const runner of running)
      this.#event(
        'Normal',
        'Killing',
        `Stopping container ${runner.name}`,
        `spec.containers{${runner.name}}`,
      );
    this.#stopping.abort();
    await Promise.all([...this.#init, ...this.#containers].map((c) => c.stop(graceSeconds * 1000)));
    await this.#running;
    this.#changed();
    await this.#sync;
    try {
      await this.#options.pods.delete(pod.metadata.name ?? '', {
        namespace: pod.metadata.namespace ?? 'default',
        gracePeriodSeconds: 0,
        preconditions: { uid: this.#uid },
      });
    } catch (error) {
      // Gone already, or replaced by a pod of the same name (another uid): ours is gone either way.
      if (!(error instanceof ApiError && (error.status.code === 404 || error.status.code === 409)))
        throw error;
    }
    await this.release();
  }

  /** Frees what the pod held on the node: its IP, volumes, logs and record. */
  release(): Promise<void> {
    this.#released ??= this.#release();
    return this.#released;
  }

  async #release(): Promise<void> {
    const { state, ips, podsDir, services } = this.#options;
    await Promise.all(this.#hostPorts.map((port) => port.close()));
    this.#hostPorts = [];
    if (this.#sandbox) ips.release(this.#sandbox.network.podIP);
    else if (this.#record) ips.release(this.#record.podIP);
    await removePodDir(path.join(podsDir, this.#uid));
    await services.logs.removePod({
      namespace: this.#pod.metadata.namespace ?? 'default',
      pod: this.#pod.metadata.name ?? '',
      podUid: this.#uid,
    });
    await state.delete(this.#uid);
    this.#options.onRemoved(this.#uid);
  }
}
