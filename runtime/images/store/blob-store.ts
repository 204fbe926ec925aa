// Content-addressed blobs on disk: `<root>/blobs/sha256/<hex>`.
//
// A blob is written to `<root>/tmp/` while its sha256 is computed, checked
// against the digest it was announced with, and only then renamed into place:
// a blob in `blobs/` always has the content its name says, and a failed or
// corrupt transfer leaves nothing behind. The same store backs the node's
// images, `skiff build` and `skiff registry`; which blobs are in use is their
// business (see image-store.ts); this file only keeps bytes.

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isSha256Digest } from '../oci/reference.js';

/** Content that did not match its announced digest or size. Nothing was stored. */
export class DigestMismatchError extends Error {
  override readonly name = 'DigestMismatchError';
  constructor(
    readonly expected: string,
    readonly actual: string,
    what: string,
  ) {
    super(`${what}: digest mismatch: expected ${expected}, got ${actual}`);
  }
}

/** What a caller knows about a blob before it arrives. */
export interface ExpectedBlob {
  readonly digest?: string;
  readonly size?: number;
  /** Names the blob in errors (e.g. `layer 2 of 127.0.0.1:5000/kubia:v1`). */
  readonly what?: string;
}

/** A verified blob in the temp area, not yet visible. Commit or discard it. */
export interface StagedBlob {
  readonly digest: string;
  readonly size: number;
  readonly tempPath: string;
}

export class BlobStore {
  readonly #blobs: string;
  readonly #tmp: string;

  private constructor(readonly root: string) {
    this.#blobs = path.join(root, 'blobs', 'sha256');
    this.#tmp = path.join(root, 'tmp');
  }

  /** Opens (creating if needed) the store under `root`. */
  static async open(root: string): Promise<BlobStore> {
    const store = new BlobStore(root);
    await mkdir(store.#blobs, { recursive: true });
    await mkdir(store.#tmp, { recursive: true });
    return store;
  }

  /** The file holding blob `digest`. Throws for anything but a canonical sha256 digest. */
  path(digest: string): string {
    if (!isSha256Digest(digest)) throw new Error(`not a sha256 digest: ${digest}`);
    return path.join(this.#blobs, digest.slice('sha256:'.length));
  }

  /** The blob's size, or undefined when the store does not have it. */
  async size(digest: string): Promise<number | undefined> {
    try {
      return (await stat(this.path(digest))).size;
    } catch {
      return undefined;
    }
  }

  async has(digest: string): Promise<boolean> {
    return (await this.size(digest)) !== undefined;
  }

  /**
   * Streams `source` into the temp area, hashing it. Throws DigestMismatchError
   * (and keeps nothing) when it does not match `expected`. `onBytes` sees progress.
   */
  async stage(
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Readable,
    expected: ExpectedBlob = {},
    onBytes?: (bytes: number) => void,
  ): Promise<StagedBlob> {
    const tempPath = path.join(this.#tmp, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    try {
      const input = source as AsyncIterable<Uint8Array>;
      await pipeline(
        input,
        async function* (chunks: AsyncIterable<Uint8Array>) {
          for await (const chunk of chunks) {
            hash.update(chunk);
            size += chunk.length;
            onBytes?.(chunk.length);
            yield chunk;
          }
        },
        createWriteStream(tempPath),
      );
      const digest = `sha256:${hash.digest('hex')}`;
      const what = expected.what ?? 'blob';
      if (expected.digest !== undefined && digest !== expected.digest) {
        throw new DigestMismatchError(expected.digest, digest, what);
      }
      if (expected.size !== undefined && size !== expected.size) {
        throw new DigestMismatchError(`${expected.size} bytes`, `${size} bytes`, what);
      }
      return { digest, size, tempPath };
    } catch (error) {
      await rm(tempPath, { force: true });
      throw error;
    }
  }

  /** Makes a staged blob visible. Idempotent: a blob already present is kept. */
  async commit(staged: StagedBlob): Promise<void> {
    await rename(staged.tempPath, this.path(staged.digest));
  }

  async discard(staged: StagedBlob): Promise<void> {
    await rm(staged.tempPath, { force: true });
  }

  /** Stores `bytes` and returns their digest and size. */
  async put(
    bytes: Uint8Array,
    expected: ExpectedBlob = {},
  ): Promise<{ digest: string; size: number }> {
    const staged = await this.stage([bytes], expected);
    await this.commit(staged);
    return { digest: staged.digest, size: staged.size };
  }

  /** The blob's bytes (for manifests and configs: small blobs). */
  read(digest: string): Promise<Buffer> {
    return readFile(this.path(digest));
  }

  /** A stream of the blob, optionally a byte range [start, end] inclusive. */
  stream(digest: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.path(digest), range);
  }

  async delete(digest: string): Promise<void> {
    await rm(this.path(digest), { force: true });
  }

  /** Every digest present. */
  async list(): Promise<string[]> {
    const names = await readdir(this.#blobs);
    return names.filter((name) => /^[a-f0-9]{64}$/.test(name)).map((name) => `sha256:${name}`);
  }

  /** Removes temp files older than `maxAgeMs` (left by a crash mid-transfer). */
  async cleanTemp(maxAgeMs = 60 * 60 * 1000): Promise<void> {
    const now = Date.now();
    for (const name of await readdir(this.#tmp)) {
      const started = Number(name.split('-')[0]);
      if (Number.isFinite(started) && now - started > maxAgeMs)
        await rm(path.join(this.#tmp, name), { force: true });
    }
  }
}
