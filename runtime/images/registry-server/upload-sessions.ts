// Chunked blob uploads that survive across requests and restarts.
//
// A session is an LMDB record (repository, bytes so far) and a file
// `<dataDir>/registry-uploads/<id>` holding exactly those bytes. Files are not
// kept in the BlobStore's `tmp/`: its `cleanTemp` removes anything older than
// an hour there, and a client may pause an upload longer than that.
//
// A chunk is taken whole or not at all: when it fails (client gone, wrong
// length) the file is cut back to where it was, so the recorded offset is
// always the truth and the client can resend from it. Requests on one session
// run one at a time (a lock per id), so two PATCHes cannot interleave bytes.

import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore, StagedBlob } from '../store/blob-store.js';
import { DigestMismatchError } from '../store/blob-store.js';
import { RegistryError } from './errors.js';
import type { RegistryIndex, UploadRecord } from './registry-index.js';
import { now } from './registry-index.js';

/** An upload in progress, as the HTTP layer sees it. */
export interface UploadState extends UploadRecord {
  readonly id: string;
}

/** A chunk's declared position: `Content-Range: <start>-<end>` (inclusive). */
export interface ChunkRange {
  readonly start: number;
  readonly end: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function unknownUpload(id: string): RegistryError {
  return new RegistryError('BLOB_UPLOAD_UNKNOWN', `upload ${id} is unknown`, { detail: { id } });
}

// Counts the bytes passing through; fails once more arrive than `limit`.
function counted(limit: number | undefined, counter: { bytes: number }) {
  return async function* (chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunks) {
      counter.bytes += chunk.length;
      if (limit !== undefined && counter.bytes > limit) {
        throw new RegistryError('SIZE_INVALID', `chunk is longer than its Content-Range`);
      }
      yield chunk;
    }
  };
}

/** The upload sessions of one registry. */
export class UploadSessions {
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly index: RegistryIndex,
    private readonly dir: string,
    private readonly blobs: BlobStore,
  ) {}

  /** Creates the directory that holds session files. */
  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  #file(id: string): string {
    return path.join(this.dir, id);
  }

  // Runs `action` once every earlier action on `id` has settled.
  async #locked<T>(id: string, action: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(id) ?? Promise.resolve();
    const current = previous.then(action, action);
    const tail = current.catch(() => undefined);
    this.#locks.set(id, tail);
    try {
      return await current;
    } finally {
      if (this.#locks.get(id) === tail) this.#locks.delete(id);
    }
  }

  #record(repository: string, id: string): UploadState {
    const record = UUID.test(id) ? this.index.uploads.get(id) : undefined;
    if (record === undefined || record.repository !== repository) throw unknownUpload(id);
    return { id, ...record };
  }

  /** Opens a session for `repository`. */
  async start(repository: string): Promise<UploadState> {
    const id = randomUUID();
    await writeFile(this.#file(id), new Uint8Array(0));
    const record: UploadRecord = { repository, size: 0, startedAt: now(), updatedAt: now() };
    await this.index.uploads.put(id, record);
    return { id, ...record };
  }

  /** The session `id` of `repository`; throws BLOB_UPLOAD_UNKNOWN. */
  get(repository: string, id: string): UploadState {
    return this.#record(repository, id);
  }

  /**
   * Appends `body` to the session. With a `range`, it must start where the
   * upload stands (else 416) and the body must be exactly that long (else
   * SIZE_INVALID); then nothing of the chunk is kept.
   */
  append(repository: string, id: string, body: Readable, range?: ChunkRange): Promise<UploadState> {
    return this.#locked(id, async () => {
      const state = this.#record(repository, id);
      if (range !== undefined) checkRangeStart(state, range);
      const file = this.#file(id);
      const counter = { bytes: 0 };
      const limit = range === undefined ? undefined : range.end - range.start + 1;
      try {
        // Cut away anything a crash mid-chunk left past the recorded offset.
        await truncate(file, state.size);
        await pipeline(
          body,
          counted(limit, counter),
          createWriteStream(file, { flags: 'r+', start: state.size }),
        );
        if (limit !== undefined && counter.bytes !== limit) {
          throw new RegistryError(
            'SIZE_INVALID',
            `chunk has ${counter.bytes} bytes, its Content-Range says ${limit}`,
          );
        }
      } catch (error) {
        await truncate(file, state.size).catch(() => undefined);
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw unknownUpload(id);
        throw error;
      }
      const record: UploadRecord = {
        repository,
        size: state.size + counter.bytes,
        startedAt: state.startedAt,
        updatedAt: now(),
      };
      await this.index.uploads.put(id, record);
      return { id, ...record };
    });
  }

  /**
   * Ends the session: the bytes so far plus `lastChunk` are verified against
   * `digest` while the BlobStore stages them. On DIGEST_INVALID nothing is
   * stored and the session is gone. The caller commits the staged blob.
   */
  finish(
    repository: string,
    id: string,
    digest: string,
    lastChunk?: { body: Readable; range?: ChunkRange },
  ): Promise<StagedBlob> {
    return this.#locked(id, async () => {
      const state = this.#record(repository, id);
      if (lastChunk?.range !== undefined) checkRangeStart(state, lastChunk.range);
      const file = this.#file(id);
      const counter = { bytes: 0 };
      const range = lastChunk?.range;
      const limit = range === undefined ? undefined : range.end - range.start + 1;
      async function* content(): AsyncGenerator<Uint8Array> {
        if (state.size > 0) yield* createReadStream(file, { start: 0, end: state.size - 1 });
        if (lastChunk !== undefined) yield* counted(limit, counter)(lastChunk.body);
      }
      let staged: StagedBlob;
      try {
        staged = await this.blobs.stage(content(), { digest, what: `upload ${id}` });
      } catch (error) {
        if (error instanceof DigestMismatchError) {
          await this.#remove(id);
          throw new RegistryError('DIGEST_INVALID', error.message, {
            detail: { expected: error.expected, actual: error.actual },
          });
        }
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw unknownUpload(id);
        throw error;
      }
      if (limit !== undefined && counter.bytes !== limit) {
        await this.blobs.discard(staged);
        throw new RegistryError(
          'SIZE_INVALID',
          `last chunk has ${counter.bytes} bytes, its Content-Range says ${limit}`,
        );
      }
      await this.#remove(id);
      return staged;
    });
  }

  /** Cancels the session and frees its file; throws BLOB_UPLOAD_UNKNOWN. */
  cancel(repository: string, id: string): Promise<void> {
    return this.#locked(id, async () => {
      this.#record(repository, id);
      await this.#remove(id);
    });
  }

  async #remove(id: string): Promise<void> {
    await this.index.uploads.remove(id);
    await rm(this.#file(id), { force: true });
  }

  /** Removes sessions idle for longer than `maxAgeMs`, and orphaned files; returns how many sessions. */
  async expire(maxAgeMs: number): Promise<number> {
    const cutoff = Date.now() - maxAgeMs;
    let expired = 0;
    for (const { key, value } of this.index.uploads.getRange()) {
      if (Date.parse(value.updatedAt) < cutoff) {
        await this.#locked(key, () => this.#remove(key));
        expired++;
      }
    }
    // A file without a record: a crash between writing the two. Old ones only,
    // so a session being opened right now keeps its file.
    for (const name of await readdir(this.dir)) {
      if (this.index.uploads.get(name) !== undefined) continue;
      const info = await stat(this.#file(name)).catch(() => undefined);
      if (info !== undefined && info.mtimeMs < cutoff) await rm(this.#file(name), { force: true });
    }
    return expired;
  }
}

function checkRangeStart(state: UploadState, range: ChunkRange): void {
  if (range.start !== state.size || range.end < range.start) {
    throw new RegistryError(
      'BLOB_UPLOAD_INVALID',
      `chunk ${range.start}-${range.end} does not continue the upload, which has ${state.size} bytes`,
      { status: 416, detail: { offset: state.size } },
    );
  }
}
