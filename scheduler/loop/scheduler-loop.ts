// The scheduler loop (kube-scheduler's scheduleOne, thin): informers on nodes
// and pods keep a Snapshot and a SchedulingQueue current; the loop pops a pod,
// decides with schedule(), assumes the pod on the chosen node at once (so the
// next decision sees it) and binds in the background; a failed binding
// forgets the assumption and retries. Pods that fit nowhere are reported
// (condition + event) and wait for a change in the cluster.

import type { ClusterApi, ResourceClient } from '../../controlplane/api/cluster-api.js';
import { ApiError } from '../../controlplane/api/errors.js';
import type { Node, Pod } from '../../controlplane/api/generated/index.js';
import { resourceTypeFor, type ResourceType } from '../../controlplane/api/resources.js';
import { createInformer, type Informer } from '../../sdk/client/informer.js';
import { createFramework } from '../framework/framework.js';
import { defaultProfile } from '../framework/profile.js';
import { schedule } from '../framework/schedule.js';
import type { Profile } from '../framework/types.js';
import { podInfo, podKey } from '../snapshot/pod-info.js';
import { Snapshot, type ImageRuntimeLookup } from '../snapshot/snapshot.js';
import { needsScheduling, nodeSchedulingChanged, podSpecChanged } from './cluster-changes.js';
import { PodReports } from './pod-reports.js';
import { SchedulingQueue, type QueuedPod } from './scheduling-queue.js';

const POD_TYPE = resourceTypeFor('v1', 'Pod') as ResourceType;
const NODE_TYPE = resourceTypeFor('v1', 'Node') as ResourceType;

/** What startScheduler schedules, with what, and how it recovers. */
export interface SchedulerOptions {
  readonly api: ClusterApi;
  /** The spec.schedulerName of the pods to schedule (pods without one ask for `default-scheduler`); the profile's by default. */
  readonly schedulerName?: string;
  /** The plugins; the default profile by default. */
  readonly profile?: Profile;
  /** Stops the scheduler when aborted (as stop() does). */
  readonly signal?: AbortSignal;
  /** Told of every failure the scheduler recovers from (API errors, informer errors, a plugin's throw). */
  readonly onError?: (error: unknown) => void;
  /** What runtime an image needs (RuntimeFit), when known. */
  readonly imageRuntime?: ImageRuntimeLookup;
  /** Retry delays after a failed attempt: doubling from `initialMs` (1 s) to `maxMs` (10 s), as kube-scheduler's. */
  readonly retryBackoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /** How long an unschedulable pod waits for a change before it is retried anyway (30 s). */
  readonly unschedulableRetryMs?: number;
  /** Fixes tie-breaks (tests). */
  readonly seed?: number;
  /** The clock of condition and event timestamps. */
  readonly now?: () => Date;
}

/** A running scheduler. */
export interface Scheduler {
  /** Resolves once nodes and pods are listed and scheduling has begun; rejects if stopped before. */
  readonly synced: Promise<void>;
  /** Stops scheduling; resolves when the loop, the bindings and the reports in flight have ended. */
  stop(): Promise<void>;
}

/** Starts scheduling the pods of `options.api` at once. */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const profile = options.profile ?? defaultProfile();
  const schedulerName = options.schedulerName ?? profile.schedulerName;
  const onError = options.onError ?? (() => undefined);
  const now = options.now ?? (() => new Date());
  const framework = createFramework({ profile, seed: options.seed });
  const snapshot = new Snapshot({ imageRuntime: options.imageRuntime });
  const queue = new SchedulingQueue({
    initialBackoffMs: options.retryBackoff?.initialMs,
    maxBackoffMs: options.retryBackoff?.maxMs,
    unschedulableRetryMs: options.unschedulableRetryMs,
  });
  const reports = new PodReports(options.api, schedulerName, now, onError);
  const pods: ResourceClient<Pod> = options.api.resource<Pod>(POD_TYPE);
  const stopper = new AbortController();
  const signal = options.signal
    ? AbortSignal.any([options.signal, stopper.signal])
    : stopper.signal;
  const bindings = new Set<Promise<void>>();

  function onPod(old: Pod | undefined, pod: Pod): void {
    const key = podKey(pod);
    if (pod.spec?.nodeName) {
      queue.done(key);
      const wasCounted = snapshot.nodeOfPod(key) !== undefined;
      snapshot.setPod(pod);
      // A pod that finished frees its node's resources.
      if (wasCounted && snapshot.nodeOfPod(key) === undefined) queue.moveAll();
    } else if (needsScheduling(pod, schedulerName)) {
      queue.add(key, pod, podSpecChanged(old, pod));
    } else {
      queue.delete(key);
    }
  }

  function onPodDeleted(pod: Pod): void {
    const key = podKey(pod);
    queue.delete(key);
    if (snapshot.removePod(key)) queue.moveAll();
  }

  const informerOptions = { signal, onError };
  const nodeInformer: Informer<Node> = createInformer(options.api.resource<Node>(NODE_TYPE), {
    ...informerOptions,
    handlers: {
      add(node) {
        snapshot.setNode(node);
        queue.moveAll();
      },
      update(old, node) {
        snapshot.setNode(node);
        if (nodeSchedulingChanged(old, node)) queue.moveAll();
      },
      delete: (node) => snapshot.removeNode(node.metadata.name ?? ''),
    },
  });
  const podInformer: Informer<Pod> = createInformer(pods, {
    ...informerOptions,
    handlers: {
      add: (pod) => onPod(undefined, pod),
      update: (old, pod) => onPod(old, pod),
      delete: onPodDeleted,
    },
  });

  async function bind(entry: QueuedPod, pod: Pod, nodeName: string): Promise<void> {
    const key = entry.key;
    try {
      await pods.bind(pod.metadata.name ?? '', nodeName, { namespace: pod.metadata.namespace });
    } catch (error) {
      snapshot.forgetPod(key);
      // What the pod held on the node is free again.
      queue.moveAll();
      const code = error instanceof ApiError ? error.code : 0;
      // 409: bound elsewhere or being deleted; 404 for a pod the informer no longer has: deleted.
      // Either way the informer brings (or brought) the truth.
      const gone =
        code === 404 && !podInformer.get(pod.metadata.name ?? '', pod.metadata.namespace);
      if (code === 409 || gone) queue.done(key);
      else {
        onError(error);
        queue.backoff(key);
      }
      return;
    }
    queue.done(key);
    await reports.scheduled(pod, nodeName);
  }

  function scheduleOne(entry: QueuedPod): void {
    const pod = entry.pod;
    const key = entry.key;
    // Bound or assumed meanwhile (a stale event re-queued it).
    if (!needsScheduling(pod, schedulerName) || snapshot.nodeOfPod(key) !== undefined) {
      queue.done(key);
      return;
    }
    const info = podInfo(pod);
    let result;
    try {
      result = schedule(info, snapshot, framework, { recordScores: false });
    } catch (error) {
      onError(error);
      queue.backoff(key);
      return;
    }
    if ('unschedulable' in result) {
      queue.unschedulable(key);
      void reports.unschedulable(pod, result.message);
      return;
    }
    snapshot.assumePod(info, result.nodeName);
    const binding = bind(entry, pod, result.nodeName).catch(onError);
    bindings.add(binding);
    void binding.finally(() => bindings.delete(binding));
  }

  async function run(): Promise<void> {
    await Promise.all([nodeInformer.synced, podInformer.synced]);
    while (!signal.aborted) {
      const entry = await queue.pop();
      if (!entry || signal.aborted) break;
      scheduleOne(entry);
      // Let informer events and binding replies in between decisions.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  signal.addEventListener('abort', () => queue.close(), { once: true });
  const loop = run();
  const ended = (async () => {
    try {
      await loop;
    } catch (error) {
      if (!signal.aborted) onError(error);
    }
    queue.close();
    await Promise.allSettled([...bindings]);
    await reports.idle();
    await Promise.all([nodeInformer.stop(), podInformer.stop()]);
  })();
  const synced = Promise.all([nodeInformer.synced, podInformer.synced]).then(() => undefined);
  synced.catch(() => undefined);

  return {
    synced,
    async stop() {
      stopper.abort();
      await ended;
    },
  };
}
