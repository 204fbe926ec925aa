// One container of a pod on the node, from image pull to its last exit.
//
//   ┌────────────┐ pull ok ┌──────────┐ started ┌─────────┐ exit ┌────────────┐
//   │  Waiting   │────────▶│ Creating │────────▶│ Running │─────▶│ Terminated │
//   │ (pulling)  │         └──────────┘         └─────────┘      └─────┬──────┘
//   └─────▲──────┘              │ config/start error  ▲ liveness/startup │
//         │ ErrImagePull        ▼                     │ failure: stop    │ restartPolicy
//         │ ImagePullBackOff  (back-off, retry)       └──────────────────┤ says restart
//         └──────────────────────────────── CrashLoopBackOff ◀────────────┘ (back-off)
//
// Init containers run once to success (a failure is retried unless the pod's
// restartPolicy is Never); regular containers follow the restartPolicy:
// Always restarts on any exit, OnFailure on a non-zero exit, Never not at all.
// Back-off between starts is the kubelet's: immediate, then 10 s doubling to
// 5 min. Probes: a startup probe holds liveness and readiness off until it
// succeeds; a failed liveness or startup probe stops the container (then the
// restart policy decides); readiness only sets `ready`.

import type { Container, ContainerState } from '../../controlplane/api/generated/index.js';
import { rfc3339 } from '../../controlplane/api/json-values.js';
import {
  copyLogs,
  formatDelay,
  messageOf,
  sleep,
  terminatedState,
} from './container-run-support.js';
import type { ContainerHandle, ExitResult, ResolvedImage } from '../runtime.js';
import { RuntimeError } from '../runtime.js';
import { ContainerConfigError, containerSpecFor } from './container-config.js';
import { CrashBackoff } from './crash-backoff.js';
import { ImagePullError, type ImagePullPolicy } from './image-puller.js';
import type { PodContext } from './pod-context.js';
import type { ContainerFacts } from './pod-status.js';
import { probeEvent, ProbeWorker, type ProbeKind, type ProbeState } from './probes/index.js';

/** Runs one container of a pod; its facts feed the pod's status. */
export class ContainerRunner {
  readonly #ctx: PodContext;
  readonly #container: Container;
  readonly #init: boolean;
  readonly #backoff: CrashBackoff;
  #state: ContainerState = { waiting: { reason: 'ContainerCreating' } };
  #lastState: ContainerState | undefined;
  #restartCount: number;
  #imageID = '';
  #containerID: string | undefined;
  #handle: ContainerHandle | undefined;
  #image: ResolvedImage | undefined;
  #probes: ProbeWorker[] = [];
  #ready = false;
  #started = false;
  #done = false;
  /** Why the running container is being stopped by the agent (probe failure), if it is. */
  #stopping: Promise<unknown> | undefined;

  constructor(
    ctx: PodContext,
    container: Container,
    options: {
      readonly init: boolean;
      readonly restartCount: number;
      readonly lastState?: ContainerState;
    },
  ) {
    this.#ctx = ctx;
    this.#container = container;
    this.#init = options.init;
    this.#restartCount = options.restartCount;
    this.#lastState = options.lastState;
    this.#backoff = new CrashBackoff(ctx.services.backoff);
    if (options.init) this.#state = { waiting: { reason: 'PodInitializing' } };
  }

  get name(): string {
    return this.#container.name;
  }

  /** The container's current facts, for the pod status. */
  facts(): ContainerFacts {
    return {
      name: this.#container.name,
      image: this.#container.image ?? '',
      imageID: this.#imageID,
      ...(this.#containerID ? { containerID: this.#containerID } : {}),
      state: this.#state,
      ...(this.#lastState ? { lastState: this.#lastState } : {}),
      restartCount: this.#restartCount,
      ready: this.#ready,
      started: this.#started,
      done: this.#done,
    };
  }

  /** Whether the container completed successfully (init containers: the pod may go on). */
  succeeded(): boolean {
    return this.#state.terminated?.exitCode === 0;
  }

  /**
   * Starts the container and keeps it per the restart policy until it is done
   * for good or the pod stops. Resolves when no further start will happen.
   */
  async run(): Promise<void> {
    const { stopping } = this.#ctx;
    const policy = this.#ctx.pod().spec?.restartPolicy ?? 'Always';
    while (!stopping.aborted) {
      const result = await this.#runOnce();
      if (stopping.aborted) break;
      if (result === 'retry') continue;
      if (!result) break;
      const failed = result.exitCode !== 0;
      const restart = this.#init
        ? failed && policy !== 'Never'
        : policy === 'Always' || (policy === 'OnFailure' && failed);
      if (!restart) break;
      const runMs = result.finishedAt.getTime() - result.startedAt.getTime();
      const delay = this.#backoff.next(runMs);
      this.#lastState = this.#state;
      if (delay > 0) {
        const pod = this.#ctx.pod();
        this.#state = {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off ${formatDelay(delay)} restarting failed container=${this.name} pod=${pod.metadata.name ?? ''}_${pod.metadata.namespace ?? ''}(${pod.metadata.uid ?? ''})`,
          },
        };
        this.#ctx.event(
          'Warning',
          'BackOff',
          'Back-off restarting failed container ' +
            this.name +
            ' in pod ' +
            (pod.metadata.name ?? ''),
          this.#fieldPath(),
        );
        this.#ctx.changed();
        if (!(await sleep(delay, stopping))) break;
      }
    }
    this.#done = true;
    this.#ctx.changed();
  }

  /**
   * Stops the running container (graceful `graceMs`, then killed) and keeps
   * it from starting again; resolves once it has ended.
   */
  async stop(graceMs: number): Promise<void> {
    const handle = this.#handle;
    if (handle) await handle.stop({ signal: 'SIGTERM', graceMs });
  }

  /**
   * Runs `command` in this container's context: its image, environment,
   * mounts and pod network. Output goes to `onOutput` as it comes; resolves
   * with the exit code. Aborting `signal` (or `timeoutMs`) kills the command.
   */
  async execStreaming(
    command: readonly string[],
    onOutput: (data: Uint8Array) => void,
    signal: AbortSignal,
    timeoutMs = 0,
  ): Promise<number> {
    const image = this.#image;
    if (!image || !this.#state.running) {
      throw new Error(`container ${this.name} is not running`);
    }
    const spec = await this.#spec(image);
    const handle = await this.#ctx.services.runtime.start(
      { ...spec, name: `${this.name}-exec`, command: [...command], args: [], ports: [] },
      this.#ctx.sandbox,
      signal,
    );
    const kill = () => void handle.stop({ signal: 'SIGKILL' });
    signal.addEventListener('abort', kill, { once: true });
    const timer = timeoutMs > 0 ? setTimeout(kill, timeoutMs) : undefined;
    try {
      for await (const chunk of handle.logs({ follow: true })) onOutput(chunk.data);
      return (await handle.wait()).exitCode;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', kill);
    }
  }

  /** An exec whose output is collected (the first 10 KiB): what exec probes need. */
  async exec(
    command: readonly string[],
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<{ exitCode: number; output: string }> {
    const chunks: Buffer[] = [];
    let size = 0;
    const exitCode = await this.execStreaming(
      command,
      (data) => {
        if (size < 10_240) chunks.push(Buffer.from(data));
        size += data.length;
      },
      signal,
      timeoutMs,
    );
    return { exitCode, output: Buffer.concat(chunks).toString('utf8') };
  }

  #fieldPath(): string {
    return `spec.${this.#init ? 'initContainers' : 'containers'}{${this.name}}`;
  }

  #policy(): ImagePullPolicy {
    return this.#container.imagePullPolicy ?? 'IfNotPresent';
  }

  /** Pull (with ImagePullBackOff), configure and start; 'retry' after a failed attempt, undefined when stopped. */
  async #runOnce(): Promise<ExitResult | 'retry' | undefined> {
    const { services, stopping } = this.#ctx;
    const text = this.#container.image ?? '';
    let image: ResolvedImage;
    try {
      const wasPresent = this.#image !== undefined;
      const pulled = await services.images.ensure(text, this.#policy(), stopping);
      image = pulled.image;
      this.#image = image;
      this.#imageID = `${pulled.local.repository}@${pulled.local.manifestDigest}`;
      if (pulled.pulled) {
        this.#ctx.event(
          'Normal',
          'Pulled',
          `Successfully pulled image "${text}" in ${pulled.pullMs ?? 0}ms`,
          this.#fieldPath(),
        );
      } else if (!wasPresent) {
        this.#ctx.event(
          'Normal',
          'Pulled',
          `Container image "${text}" already present on machine`,
          this.#fieldPath(),
        );
      }
    } catch (error) {
      if (stopping.aborted) return undefined;
      const reason = error instanceof ImagePullError ? error.reason : 'ErrImagePull';
      return this.#failedAttempt(
        reason,
        messageOf(error),
        'Failed',
        reason === 'ErrImagePull' ? 'ImagePullBackOff' : reason,
        `Back-off pulling image "${text}": ${reason}: ${messageOf(error)}`,
      );
    }
    if (!services.runtime.canRun(image)) {
      return this.#failedAttempt(
        'CreateContainerError',
        `image "${text}" is not a Wasm image: it needs the Docker runtime, which this node does not offer`,
        'Failed',
      );
    }
    let handle: ContainerHandle;
    try {
      const spec = await this.#spec(image);
      const restartCount = await this.#ctx.recordStart(this.name);
      this.#restartCount = restartCount;
      handle = await services.runtime.start(spec, this.#ctx.sandbox, stopping);
    } catch (error) {
      if (stopping.aborted) return undefined;
      const reason =
        error instanceof ContainerConfigError
          ? 'CreateContainerConfigError'
          : error instanceof RuntimeError
            ? 'CreateContainerError'
            : 'RunContainerError';
      return this.#failedAttempt(reason, messageOf(error), 'Failed');
    }
    return this.#supervise(handle);
  }

  /** Reports a failed attempt as waiting `reason`, waits the back-off (shown as `backoffReason`), then asks for a retry. */
  async #failedAttempt(
    reason: string,
    message: string,
    eventReason: string,
    backoffReason = reason,
    backoffMessage = message,
  ): Promise<'retry' | undefined> {
    this.#state = { waiting: { reason, message } };
    this.#ctx.event('Warning', eventReason, message, this.#fieldPath());
    this.#ctx.changed();
    const delay = Math.max(this.#backoff.next(0), this.#ctx.services.backoff.initialMs ?? 10_000);
    this.#state = { waiting: { reason: backoffReason, message: backoffMessage } };
    if (backoffReason !== reason)
      this.#ctx.event('Normal', 'BackOff', backoffMessage, this.#fieldPath());
    this.#ctx.changed();
    return (await sleep(delay, this.#ctx.stopping)) ? 'retry' : undefined;
  }

  async #spec(image: ResolvedImage) {
    const { services, sandbox } = this.#ctx;
    const volumes = this.#ctx.volumes();
    return containerSpecFor({
      api: services.api,
      pod: this.#ctx.pod(),
      container: this.#container,
      image,
      volumes,
      facts: { podIP: sandbox.network.podIP, hostIP: services.hostIP },
    });
  }

  /** A started container: logs, probes, and its exit. */
  async #supervise(handle: ContainerHandle): Promise<ExitResult> {
    const pod = this.#ctx.pod();
    this.#handle = handle;
    this.#containerID = `wasm://${handle.id}`;
    this.#state = { running: { startedAt: rfc3339(handle.startedAt) } };
    const hasStartup = !this.#init && this.#container.startupProbe !== undefined;
    this.#started = !hasStartup;
    this.#ready = !this.#init && !this.#container.readinessProbe && this.#started;
    this.#ctx.event('Normal', 'Created', `Created container ${this.name}`, this.#fieldPath());
    this.#ctx.event('Normal', 'Started', `Started container ${this.name}`, this.#fieldPath());
    this.#ctx.changed();
    const writer = this.#ctx.services.logs.open(
      {
        namespace: pod.metadata.namespace ?? 'default',
        pod: pod.metadata.name ?? '',
        podUid: pod.metadata.uid ?? '',
        container: this.name,
      },
      this.#restartCount,
    );
    const copied = copyLogs(handle, writer);
    if (!this.#init) {
      if (hasStartup) this.#startProbe('startup');
      else this.#startProbes();
    }
    const result = await handle.wait();
    this.#stopProbes();
    await copied;
    await this.#stopping;
    this.#stopping = undefined;
    this.#handle = undefined;
    this.#ready = false;
    this.#state = terminatedState(result, this.#containerID);
    this.#ctx.changed();
    return result;
  }

  #startProbes(): void {
    if (this.#container.livenessProbe) this.#startProbe('liveness');
    if (this.#container.readinessProbe) this.#startProbe('readiness');
  }

  #startProbe(kind: ProbeKind): void {
    const probe =
      kind === 'liveness'
        ? this.#container.livenessProbe
        : kind === 'readiness'
          ? this.#container.readinessProbe
          : this.#container.startupProbe;
    const handle = this.#handle;
    if (!probe || !handle) return;
    const worker = new ProbeWorker({
      kind,
      probe,
      timeScale: this.#ctx.services.probeTimeScale,
      containerStartedAt: handle.startedAt,
      target: {
        podIP: this.#ctx.sandbox.network.podIP,
        network: this.#ctx.sandbox.network,
        ports: this.#container.ports ?? [],
        exec: (command, timeoutMs, signal) => this.#exec(command, timeoutMs, signal),
      },
      onAttempt: (result) => {
        const event = probeEvent(kind, result);
        if (event) this.#ctx.event(event.type, event.reason, event.message, this.#fieldPath());
      },
      onResult: (state) => this.#onProbe(kind, state, handle),
    });
    this.#probes.push(worker);
    worker.start();
  }

  #exec(command: readonly string[], timeoutMs: number, signal: AbortSignal) {
    return this.exec(command, timeoutMs, signal);
  }

  #onProbe(kind: ProbeKind, state: ProbeState, handle: ContainerHandle): void {
    if (this.#handle !== handle) return;
    if (kind === 'readiness') {
      this.#ready = state.status === 'success';
      this.#ctx.changed();
      return;
    }
    if (kind === 'startup' && state.status === 'success') {
      this.#started = true;
      this.#ready = !this.#container.readinessProbe;
      this.#startProbes();
      this.#ctx.changed();
      return;
    }
    if (state.status !== 'failure') return;
    const what = kind === 'liveness' ? 'liveness' : 'startup';
    this.#ctx.event(
      'Normal',
      'Killing',
      `Container ${this.name} failed ${what} probe, will be restarted`,
      this.#fieldPath(),
    );
    const graceSeconds = this.#ctx.pod().spec?.terminationGracePeriodSeconds ?? 30;
    this.#stopping = handle.stop({ signal: 'SIGTERM', graceMs: graceSeconds * 1000 });
  }

  #stopProbes(): void {
    for (const worker of this.#probes) worker.stop();
    this.#probes = [];
  }
}
