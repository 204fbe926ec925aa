// The node's container logs on disk, in the kubelet's layout and the CRI
// format (see log-files.ts, cri-log-format.ts), rotated as the kubelet's
// containerLogMaxSize / containerLogMaxFiles say. The runs of a container are
// what its directory holds plus the writers open in this process (a run's
// file appears only once its writer's first append is queued).

import { rm } from 'node:fs/promises';
import type {
  ContainerLogRef,
  ContainerLogStore,
  ContainerLogWriter,
  LogReadOptions,
} from './container-log-store.js';
import { noLogsYet, previousNotFound } from './container-log-store.js';
import { MAX_LOG_LINE_BYTES } from './cri-log-format.js';
import type { PodLogRef } from './log-files.js';
import { containerLogDir, listRuns, podLogDir, runLogPath } from './log-files.js';
import { openRunLog, readRunLog } from './log-reader.js';
import { RunLogWriter } from './run-log-writer.js';

/** The kubelet's default containerLogMaxSize: 10Mi. */
export const DEFAULT_CONTAINER_LOG_MAX_SIZE = 10 * 1024 * 1024;
/** The kubelet's default containerLogMaxFiles. */
export const DEFAULT_CONTAINER_LOG_MAX_FILES = 5;
/** Output a run may have queued for the disk before more is dropped. */
export const DEFAULT_LOG_BUFFER_BYTES = 1024 * 1024;

/** Where and how logs are kept. */
export interface ContainerLogStoreOptions {
  /** The logs directory (the kubelet's is /var/log/pods). */
  readonly root: string;
  /** A run's live file is rotated before it passes this many bytes (default 10Mi). */
  readonly containerLogMaxSize?: number;
  /** Files kept per run, the live one included (default 5, at least 2). */
  readonly containerLogMaxFiles?: number;
  /** Per run: output queued for the disk at most (default 1 MiB); more is dropped. */
  readonly maxBufferBytes?: number;
  /** Lines longer than this are cut into `P` pieces (default 16 KiB, as containerd). */
  readonly maxLineBytes?: number;
  /** Disk failures while writing (default: ignored; the container is never held up by them). */
  readonly onError?: (error: unknown, ref: ContainerLogRef) => void;
  /** The clock of sinceSeconds and rotation names (default: the system's). */
  readonly now?: () => Date;
}

/** A ContainerLogStore on a directory, with what tests and metrics read of it. */
export interface FileContainerLogStore extends ContainerLogStore {
  readonly root: string;
  /** Reads in progress (follows included): 0 once every reader has gone. */
  activeReads(): number;
  /** Bytes of container output dropped because the disk fell behind, since start. */
  droppedBytes(): number;
}

/** A store of container logs under `options.root` (created as needed). */
export function createContainerLogStore(options: ContainerLogStoreOptions): FileContainerLogStore {
  const maxSize = options.containerLogMaxSize ?? DEFAULT_CONTAINER_LOG_MAX_SIZE;
  const maxFiles = options.containerLogMaxFiles ?? DEFAULT_CONTAINER_LOG_MAX_FILES;
  if (!(maxSize > 0)) throw new RangeError(`containerLogMaxSize must be positive, not ${maxSize}`);
  if (!(maxFiles >= 2)) {
    throw new RangeError(`containerLogMaxFiles must be at least 2, not ${maxFiles}`);
  }
  const now = options.now ?? (() => new Date());
  /** Open writers by container directory, then run. */
  const writers = new Map<string, Map<number, RunLogWriter>>();
  let reads = 0;
  let dropped = 0;

  async function runsOf(dir: string): Promise<number[]> {
    const runs = new Set(await listRuns(dir));
    for (const run of writers.get(dir)?.keys() ?? []) runs.add(run);
    return [...runs].sort((a, b) => a - b);
  }

  async function* read(ref: ContainerLogRef, readOptions: LogReadOptions) {
    reads++;
    try {
      const dir = containerLogDir(options.root, ref);
      const runs = await runsOf(dir);
      const run = runs.at(readOptions.previous ? -2 : -1);
      if (run === undefined) throw readOptions.previous ? previousNotFound(ref) : noLogsYet(ref);
      let opened;
      try {
        opened = await openRunLog(runLogPath(dir, run), writers.get(dir)?.get(run));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        // Removed since it was listed (the pod is being removed).
        throw readOptions.previous ? previousNotFound(ref) : noLogsYet(ref);
      }
      yield new Uint8Array(0);
      yield* readRunLog(opened, readOptions, now().getTime());
    } finally {
      reads--;
    }
  }

  return {
    root: options.root,
    open(ref: ContainerLogRef, restartCount: number): ContainerLogWriter {
      if (!Number.isInteger(restartCount) || restartCount < 0) {
        throw new RangeError(`restartCount must be a whole number, not ${restartCount}`);
      }
      const dir = containerLogDir(options.root, ref);
      const runs = writers.get(dir) ?? new Map<number, RunLogWriter>();
      if (runs.has(restartCount)) {
        throw new Error(
          `the log of run ${restartCount} of container "${ref.container}" in pod "${ref.pod}" is already open`,
        );
      }
      writers.set(dir, runs);
      const writer: RunLogWriter = new RunLogWriter({
        dir,
        restartCount,
        maxSize,
        maxFiles,
        maxBufferBytes: options.maxBufferBytes ?? DEFAULT_LOG_BUFFER_BYTES,
        maxLineBytes: options.maxLineBytes ?? MAX_LOG_LINE_BYTES,
        now,
        onError: (error) => options.onError?.(error, ref),
        onClosed: () => {
          dropped += writer.droppedBytes;
          if (runs.get(restartCount) === writer) runs.delete(restartCount);
          if (runs.size === 0 && writers.get(dir) === runs) writers.delete(dir);
        },
      });
      runs.set(restartCount, writer);
      return writer;
    },
    read,
    async removePod(ref: PodLogRef): Promise<void> {
      const dir = podLogDir(options.root, ref);
      const open = [...writers.entries()]
        .filter(([containerDir]) => containerDir.startsWith(`${dir}/`))
        .flatMap(([, runs]) => [...runs.values()]);
      await Promise.all(open.map((writer) => writer.close()));
      await rm(dir, { recursive: true, force: true });
    },
    activeReads: () => reads,
    droppedBytes() {
      let total = dropped;
      for (const runs of writers.values()) {
        for (const writer of runs.values()) total += writer.droppedBytes;
      }
      return total;
    },
  };
}
