// The writer of one run's log file. write() only encodes and queues; one
// promise chain appends, rotates and closes, so the file never sees two of
// those at once and readers can open files between them (exclusive()).
// Rotation is the kubelet's, done as the file would pass the size limit
// instead of every 10 s: the live file is renamed `<n>.log.<stamp>`, a new
// `<n>.log` is started, and the oldest rotated files go so that at most
// `maxFiles` files of the run remain. Readers learn of appends, rotations and
// the end through a change counter (changedSince), never by polling.

import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ContainerLogChunk, ContainerLogWriter } from './container-log-store.js';
import { encodeLogEntries } from './cri-log-format.js';
import { listRotated, rotatedName, runLogPath } from './log-files.js';

/** How one run's log is kept. */
export interface RunLogWriterOptions {
  /** The container's log directory. */
  readonly dir: string;
  readonly restartCount: number;
  /** The live file is rotated before it would grow past this many bytes. */
  readonly maxSize: number;
  /** Files of the run kept at most, the live one included (at least 2). */
  readonly maxFiles: number;
  /** Output queued for the disk at most; beyond it, output is dropped. */
  readonly maxBufferBytes: number;
  /** Lines longer than this are cut into `P` pieces. */
  readonly maxLineBytes: number;
  /** A failure of the disk (the container carries on; its output is lost). */
  readonly onError: (error: unknown) => void;
  /** Called once the writer is closed and everything is on disk. */
  readonly onClosed: () => void;
  readonly now: () => Date;
}

/** One run's log file, its rotations, and what readers need to follow it. */
export class RunLogWriter implements ContainerLogWriter {
  readonly path: string;
  #chain: Promise<void>;
  #handle: FileHandle | undefined;
  #size = 0;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #flushQueued = false;
  #closing: Promise<void> | undefined;
  #finished = false;
  #droppedBytes = 0;
  #generation = 0;
  readonly #rotatedPaths = new Map<number, string>();
  #version = 0;
  readonly #waiters = new Set<() => void>();

  constructor(readonly options: RunLogWriterOptions) {
    this.path = runLogPath(options.dir, options.restartCount);
    this.#chain = this.#openFile().catch((error: unknown) => options.onError(error));
  }

  write(chunk: ContainerLogChunk): void {
    if (this.#closing || chunk.data.length === 0) return;
    const entries = encodeLogEntries(chunk, this.options.maxLineBytes);
    const bytes = entries.reduce((total, entry) => total + entry.length, 0);
    if (this.#pendingBytes + bytes > this.options.maxBufferBytes) {
      this.#droppedBytes += chunk.data.length;
      return;
    }
    this.#pending.push(...entries);
    this.#pendingBytes += bytes;
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    this.#enqueue(() => this.#flush());
  }

  close(): Promise<void> {
    this.#closing ??= this.#enqueue(async () => {
      try {
        await this.#flush();
        await this.#handle?.close();
      } finally {
        // Followers must end even when the disk failed.
        this.#handle = undefined;
        this.#finished = true;
        this.#changed();
        this.options.onClosed();
      }
    });
    return this.#closing;
  }

  /** Bytes of output dropped because the disk fell behind. */
  get droppedBytes(): number {
    return this.#droppedBytes;
  }

  /** True once closed with everything on disk: a follower at the end of the live file is done. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Rotations so far: the live file is generation `generation`. */
  get generation(): number {
    return this.#generation;
  }

  /** Where the file of an earlier generation went (undefined once removed). */
  rotatedPath(generation: number): string | undefined {
    return this.#rotatedPaths.get(generation);
  }

  /** Counts appends, rotations and the end; see changedSince. */
  get version(): number {
    return this.#version;
  }

  /** Resolves once `version` has passed `seen`, or `signal` aborts. */
  changedSince(seen: number, signal?: AbortSignal): Promise<void> {
    if (this.#version !== seen || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.#waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.#waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Runs `task` between appends and rotations (to open a file of the run by its path). */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.#enqueue(task);
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#chain.then(task);
    this.#chain = result.then(
      () => undefined,
      (error: unknown) => this.options.onError(error),
    );
    return result;
  }

  #changed(): void {
    this.#version++;
    for (const waiter of [...this.#waiters]) waiter();
  }

  async #openFile(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    this.#handle = await open(this.path, 'a');
    this.#size = (await this.#handle.stat()).size;
  }

  async #flush(): Promise<void> {
    this.#flushQueued = false;
    const entries = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    let batch: Buffer[] = [];
    let batchBytes = 0;
    try {
      for (const entry of entries) {
        const size = this.#size + batchBytes;
        if (size > 0 && size + entry.length > this.options.maxSize) {
          await this.#append(batch);
          batch = [];
          batchBytes = 0;
          await this.#rotate();
        }
        batch.push(entry);
        batchBytes += entry.length;
      }
      await this.#append(batch);
    } finally {
      this.#changed();
    }
  }

  async #append(batch: Buffer[]): Promise<void> {
    if (batch.length === 0) return;
    const data = Buffer.concat(batch);
    if (!this.#handle) {
      this.#droppedBytes += data.length;
      return;
    }
    await this.#handle.write(data);
    this.#size += data.length;
  }

  async #rotate(): Promise<void> {
    const { dir, restartCount, maxFiles } = this.options;
    await this.#handle?.close();
    this.#handle = undefined;
    const existing = await listRotated(dir, restartCount);
    const name = rotatedName(restartCount, this.options.now(), existing);
    await rename(this.path, path.join(dir, name));
    this.#rotatedPaths.set(this.#generation, path.join(dir, name));
    this.#generation++;
    const rotated = [...existing, name];
    const excess = rotated.slice(0, Math.max(0, rotated.length - (maxFiles - 1)));
    for (const old of excess) {
      const oldPath = path.join(dir, old);
      await rm(oldPath, { force: true });
      for (const [generation, where] of this.#rotatedPaths) {
        if (where === oldPath) this.#rotatedPaths.delete(generation);
      }
    }
    this.#handle = await open(this.path, 'a');
    this.#size = 0;
    this.#changed();
  }
}
