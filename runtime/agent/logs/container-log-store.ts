// The contract of the node's container logs: the agent opens a writer for each
// run of a container and feeds it the container's output; the node server
// reads the logs back as `kubectl logs` shows them.

import type { LogStream } from './cri-log-format.js';

/** The container a log belongs to. */
export interface ContainerLogRef {
  readonly namespace: string;
  readonly pod: string;
  readonly podUid: string;
  readonly container: string;
}

/** What `kubectl logs` asks for (Kubernetes' PodLogOptions, less the container). */
export interface LogReadOptions {
  /** Keep yielding what the run writes until its writer is closed (or `signal` aborts). */
  readonly follow?: boolean;
  /** The run before the current one. */
  readonly previous?: boolean;
  /** Only the last N lines (0: none; with follow, then what comes). */
  readonly tailLines?: number;
  /** Prefix each line with its RFC3339Nano timestamp and a space, as the kubelet does. */
  readonly timestamps?: boolean;
  /** Only lines written in the last N seconds. */
  readonly sinceSeconds?: number;
  /** Only lines written at or after this RFC3339 time (the later of the two wins when both are given). */
  readonly sinceTime?: string;
  /** Stop after this many bytes (a line may be cut). */
  readonly limitBytes?: number;
  /** Ends the read (a follow in particular); the iteration then returns. */
  readonly signal?: AbortSignal;
}

/** One write by the container to stdout or stderr, as it happened. */
export interface ContainerLogChunk {
  readonly stream: LogStream;
  readonly data: Uint8Array;
  readonly time: Date;
}

/** The log of one run of a container. */
export interface ContainerLogWriter {
  /**
   * Appends `chunk`. Never blocks nor throws: output is buffered and appended
   * in the background; when the disk falls behind by more than the buffer,
   * output is dropped rather than the container held up.
   */
  write(chunk: ContainerLogChunk): void;
  /** Ends the run: what was written reaches the file, then followers finish. Idempotent. */
  close(): Promise<void>;
}

/** The container logs of a node. */
export interface ContainerLogStore {
  /**
   * Starts the log of one run of a container; `restartCount` is that run's
   * number (0 first). A run has one writer at a time (opening it again while
   * its writer is open throws); reopening a closed run appends to its log.
   */
  open(ref: ContainerLogRef, restartCount: number): ContainerLogWriter;
  /**
   * The log as `kubectl logs` shows it: the current run (the highest
   * restartCount), or with `previous` the one before it. The iteration rejects
   * with LogNotFoundError (worded as the kubelet's) when there is no such run.
   * Its first chunk is yielded as soon as the log was found, and may be empty,
   * so a server can answer before the container writes anything.
   */
  read(ref: ContainerLogRef, options: LogReadOptions): AsyncIterable<Uint8Array>;
  /** Removes every log of a pod (the pod object is gone); open writers of it are closed first. */
  removePod(ref: { namespace: string; pod: string; podUid: string }): Promise<void>;
}

/** There is no log to read; the message is the kubelet's. */
export class LogNotFoundError extends Error {
  override readonly name = 'LogNotFoundError';
}

/** kubelet: `previous terminated container "c" in pod "p" not found`. */
export function previousNotFound(ref: ContainerLogRef): LogNotFoundError {
  return new LogNotFoundError(
    `previous terminated container "${ref.container}" in pod "${ref.pod}" not found`,
  );
}

/** kubelet, for a container that has not run yet: `container "c" in pod "p" is waiting to start - no logs yet`. */
export function noLogsYet(ref: ContainerLogRef): LogNotFoundError {
  return new LogNotFoundError(
    `container "${ref.container}" in pod "${ref.pod}" is waiting to start - no logs yet`,
  );
}
