// An ingest session: blobs arrive, then the image is recorded or rejected.
// While open it holds the store's lock shared (prune waits) and claims every
// blob it writes or reads (other sessions' cleanups leave them alone).

import type { ImageReference } from '../oci/reference.js';
import type { BlobStore, StagedBlob } from './blob-store.js';
import type { ClaimOwner, BlobClaims } from './blob-claims.js';
import type { IngestSession, LocalImage } from './image-store-types.js';
import type { Release } from './shared-exclusive-lock.js';

/** What a session needs from the store that opened it. */
export interface IngestHost {
  readonly blobs: BlobStore;
  readonly claims: BlobClaims;
  /** How many reachable manifests pin `digest` (0: nothing would miss it). */
  blobCount(digest: string): number;
  /**
   * Validates and records the image; calls `claim` (synchronously) for each
   * blob it is about to read. Throws InvalidImageError / UnsafeLayerError.
   */
  record(
    reference: ImageReference,
    manifestDigest: string,
    indexDigest: string | undefined,
    claim: (digest: string) => void,
  ): Promise<LocalImage>;
  /** Starts the work commit would do for `manifestDigest` as its blobs arrive (see prepareImage). */
  prepare(manifestDigest: string, whenPresent: (digest: string) => Promise<void>): Promise<void>;
}

/** A promise settled from outside. */
interface Arrival {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

function arrival(): Arrival {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // observed by whoever awaits it, if anyone
  return { promise, resolve, reject };
}

export class StoreIngestSession implements IngestSession {
  readonly #host: IngestHost;
  readonly #owner: ClaimOwner;
  readonly #release: Release;
  /** Blobs this session made visible: candidates for cleanup if it fails. */
  readonly #added = new Set<string>();
  /** Blobs this session has seen land (or found present), for prepare(). */
  readonly #arrivals = new Map<string, Arrival>();
  #prepared: Promise<void> | undefined;
  #ended = false;

  constructor(host: IngestHost, release: Release) {
    this.#host = host;
    this.#release = release;
    this.#owner = host.claims.newOwner();
  }

  /** Makes a staged blob visible and remembers it was added by this session. */
  async commitBlob(staged: StagedBlob): Promise<void> {
    this.#assertOpen();
    this.#claim(staged.digest);
    this.#added.add(staged.digest);
    await this.#host.claims.deletionSettled(staged.digest);
    await this.#host.blobs.commit(staged);
    this.#arrival(staged.digest).resolve();
  }

  /**
   * Keeps an existing blob (one this session did not download because the
   * store had it) safe from other sessions' cleanup until this session ends.
   * Resolves with whether the store has it. Proposed for the IngestSession
   * contract: a pull that skips a present blob needs exactly this.
   */
  async useBlob(digest: string): Promise<boolean> {
    this.#assertOpen();
    this.#claim(digest);
    await this.#host.claims.deletionSettled(digest);
    const present = await this.#host.blobs.has(digest);
    if (present) this.#arrival(digest).resolve();
    return present;
  }

  /**
   * Starts checking and unpacking the image as its blobs arrive, so a pull
   * overlaps that work with its downloads. Optional: commit waits for it, and
   * does all of it when prepare was not called.
   */
  prepare(manifestDigest: string): void {
    this.#assertOpen();
    this.#prepared ??= this.#host.prepare(manifestDigest, (digest) => {
      this.#claim(digest);
      const entry = this.#arrival(digest);
      if (this.#ended) {
        // No blob arrives after the session ended: present now, or never.
        void this.#host.blobs
          .has(digest)
          .then((present) =>
            present ? entry.resolve() : entry.reject(new Error('the ingest ended')),
          );
      }
      return entry.promise;
    });
    this.#prepared.catch(() => undefined); // reported by commit
  }

  async commit(
    reference: ImageReference,
    manifestDigest: string,
    options: { indexDigest?: string } = {},
  ): Promise<LocalImage> {
    this.#assertOpen();
    this.#ended = true;
    try {
      await this.#settlePrepared();
      return await this.#host.record(reference, manifestDigest, options.indexDigest, (digest) =>
        this.#claim(digest),
      );
    } catch (error) {
      await this.#removeUnused();
      throw error;
    } finally {
      this.#finish();
    }
  }

  async abort(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    try {
      await this.#settlePrepared().catch(() => undefined);
      await this.#removeUnused();
    } finally {
      this.#finish();
    }
  }

  /** Blobs that never came will not come now: the preparation stops, then is awaited. */
  async #settlePrepared(): Promise<void> {
    for (const pending of this.#arrivals.values()) pending.reject(new Error('the ingest ended'));
    await this.#prepared;
  }

  #arrival(digest: string): Arrival {
    let entry = this.#arrivals.get(digest);
    if (!entry) this.#arrivals.set(digest, (entry = arrival()));
    return entry;
  }

  /** "The image is rejected and nothing is stored": drop what only this session wanted. */
  async #removeUnused(): Promise<void> {
    await this.#host.claims.deleteUnclaimed(
      this.#owner,
      this.#added,
      (digest) => this.#host.blobCount(digest) === 0,
      (digest) => this.#host.blobs.delete(digest),
    );
  }

  #claim(digest: string): void {
    this.#host.claims.claim(this.#owner, digest);
  }

  #finish(): void {
    this.#host.claims.releaseAll(this.#owner);
    this.#release();
  }

  #assertOpen(): void {
    if (this.#ended) throw new Error('this ingest session has ended (committed or aborted)');
  }
}
