// The contracts every container runtime implements (Wasm today, Docker later).
//
// Shape borrowed from Nomad's task drivers and containerd's task API: a runtime
// starts a container from a resolved image inside a pod sandbox and hands back a
// handle; the node agent only ever talks to handles, never to runtime internals.

import type { PodNetwork } from './network/pod-network.js';

/** Names of the runtimes a node can offer (node label `skiff.dev/runtimes`). */
export type RuntimeName = 'wasm' | 'docker';

/** What an image turned out to be once pulled and inspected. */
export type ImageKind = 'wasm' | 'oci';

/** Defaults an image brings, with Docker's config field meanings. */
export interface ImageConfig {
  /** Docker `Entrypoint`: argv prefix. For a bare .wasm file: the file's name. */
  readonly entrypoint?: readonly string[];
  /** Docker `Cmd`: default arguments, replaced by the container's args or command. */
  readonly cmd?: readonly string[];
  /** Docker `Env`: `NAME=value` strings, overridden by the container's env. */
  readonly env?: readonly string[];
  /** Docker `WorkingDir`: the guest's initial working directory. */
  readonly workingDir?: string;
  /** Docker `ExposedPorts` keys, e.g. `8080/tcp`. */
  readonly exposedPorts?: readonly string[];
}

/**
 * An image ready to run: its bytes are on local disk and its kind is known.
 * Produced by runtime/images; consumed by runtimes. Immutable.
 */
export interface ResolvedImage {
  /** The reference as the user wrote it (a file path or `registry/repo:tag`). */
  readonly ref: string;
  /** `sha256:<hex>` of the runnable artifact (the .wasm bytes for Wasm images). */
  readonly digest: string;
  readonly kind: ImageKind;
  /** Wasm images: absolute path of the module or component to run. */
  readonly wasmPath?: string;
  /** Images with filesystem layers: absolute path of the unpacked, read-only rootfs. */
  readonly rootfs?: string;
  readonly config: ImageConfig;
}

/** A Kubernetes `EnvVar` after resolution (valueFrom already turned into a value). */
export interface EnvVar {
  readonly name: string;
  readonly value: string;
}

/** A host directory made visible to the guest at `guestPath`. */
export interface Mount {
  /** Absolute guest path, e.g. `/data`. */
  readonly guestPath: string;
  /** Absolute host path of an existing directory. */
  readonly hostPath: string;
  /** A read-only mount refuses every write, create, rename and delete. */
  readonly readOnly: boolean;
}

export type PortProtocol = 'TCP' | 'UDP' | 'SCTP';

/** A Kubernetes `ContainerPort`: a port the container listens on in its pod. */
export interface ContainerPort {
  readonly containerPort: number;
  readonly protocol: PortProtocol;
  readonly name?: string;
}

/** Limits enforced on the guest; absent fields mean the runtime's defaults. */
export interface ContainerResources {
  /** Hard cap on the guest's memory; past it the guest is OOMKilled (exit 137). */
  readonly memoryLimitBytes?: number;
}

/** A source of bytes for the guest's standard input (`docker run -i`). */
export type StdinSource = AsyncIterable<Uint8Array>;

/**
 * Everything needed to start one container. Argument rules are Kubernetes':
 * `command` replaces the image entrypoint and drops its cmd; `args` replaces cmd.
 */
export interface ContainerSpec {
  readonly name: string;
  readonly image: ResolvedImage;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env: readonly EnvVar[];
  readonly workingDir?: string;
  readonly mounts: readonly Mount[];
  readonly ports: readonly ContainerPort[];
  readonly resources: ContainerResources;
  /** Absent: the guest reads end-of-file at once (Docker without `-i`). */
  readonly stdin?: StdinSource;
}

/**
 * What the containers of one pod share: one network namespace (one IP, one port
 * space, `localhost` between them) and one hostname.
 */
export interface PodSandbox {
  /** Unique per sandbox on this node. */
  readonly id: string;
  readonly name: string;
  readonly namespace: string;
  /** The hostname every container of the pod sees (and gets as `HOSTNAME`). */
  readonly hostname: string;
  readonly network: PodNetwork;
}

/** Kubernetes' `ContainerStateTerminated.reason` values that Skiff reports. */
export type TerminationReason = 'Completed' | 'Error' | 'OOMKilled' | 'StartError';

/** How a container ended, in the terms of Kubernetes' `ContainerStateTerminated`. */
export interface ExitResult {
  /** Guest's exit code; 128+N when ended by signal N (137 killed, 143 terminated). */
  readonly exitCode: number;
  readonly reason: TerminationReason;
  /** Human-readable detail: a trap message, the limit that was hit, ... */
  readonly message?: string;
  /** The signal that ended it, when it was stopped: `SIGTERM`, `SIGKILL`, `SIGINT`. */
  readonly signal?: StopSignal;
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGKILL';

export interface StopOptions {
  /** First signal; `SIGKILL` skips the grace period. Default `SIGTERM`. */
  readonly signal?: StopSignal;
  /** How long a guest that can shut down gracefully gets before it is killed. */
  readonly graceMs?: number;
}

export type LogStream = 'stdout' | 'stderr';

/** One write by the guest to stdout or stderr, as it happened. */
export interface LogChunk {
  readonly stream: LogStream;
  readonly data: Uint8Array;
  readonly time: Date;
}

export interface LogOptions {
  /** Keep yielding new output until the container exits. */
  readonly follow?: boolean;
  /** Stop yielding when this signal aborts (the iterator then returns). */
  readonly signal?: AbortSignal;
}

/** Point-in-time resource usage, as `docker stats` or the kubelet summary API report it. */
export interface ContainerStats {
  /** Bytes of guest linear memory currently allocated across its live instances. */
  readonly memoryBytes: number;
  readonly memoryLimitBytes: number;
  /** Live guest instances (0 for an idle server container between requests). */
  readonly instances: number;
}

/** A running (or finished) container. Every method is safe to call after exit. */
export interface ContainerHandle {
  /** Unique id (64 hex digits, like Docker's container ids). */
  readonly id: string;
  readonly name: string;
  readonly startedAt: Date;
  /** Resolves exactly once, when the container has ended, however it ended. */
  wait(): Promise<ExitResult>;
  /**
   * Asks the container to stop: `signal`, then a kill once `graceMs` has passed.
   * Resolves with the exit result. Idempotent; a later SIGKILL cuts a grace short.
   */
  stop(options?: StopOptions): Promise<ExitResult>;
  /** The container's output so far (bounded buffer), then live output with `follow`. */
  logs(options?: LogOptions): AsyncIterable<LogChunk>;
  stats(): ContainerStats;
}

/** What a runtime needs to find again after an agent restart (opaque to the agent). */
export interface SavedContainer {
  readonly runtime: RuntimeName;
  readonly id: string;
  readonly state: Readonly<Record<string, unknown>>;
}

/** A way to run containers on this node. */
export interface ContainerRuntime {
  readonly name: RuntimeName;
  /** True when this runtime can start containers from `image`. Cheap, no I/O. */
  canRun(image: ResolvedImage): boolean;
  /**
   * Starts a container. Rejects with a `RuntimeError` when the image cannot run
   * (invalid module, unsupported imports, ...); nothing is left running then.
   * Aborting `signal` before the promise settles cancels the start.
   */
  start(spec: ContainerSpec, sandbox: PodSandbox, signal?: AbortSignal): Promise<ContainerHandle>;
  /** Re-adopts a container after an agent restart, or undefined when it is gone. */
  recover(saved: SavedContainer): Promise<ContainerHandle | undefined>;
  /** Stops every container and releases the runtime's resources. */
  close(): Promise<void>;
}

/** Why a container could not be started; `reason` is a Kubernetes-style word. */
export type RuntimeErrorReason =
  'InvalidImage' | 'UnsupportedImport' | 'NotRunnable' | 'InvalidSpec' | 'StartError';

/** A failure to start a container, with a message that names the file or field. */
export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';
  constructor(
    readonly reason: RuntimeErrorReason,
    message: string,
    /** True when retrying the same start may succeed (transient I/O, ...). */
    readonly recoverable = false,
  ) {
    super(message);
  }
}
