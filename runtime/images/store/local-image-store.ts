// The node's image store: blobs on disk (BlobStore), an LMDB index of
// references, manifests and blob reference counts (ImageIndex), unpacked
// wasm-rootfs trees under `<root>/rootfs`. See image-store-types.ts for the
// contract and image-index.ts for the schema and the counting rule.

import path from 'node:path';
import type { ResolvedImage } from '../../runtime.js';
import type { ImageReference } from '../oci/reference.js';
import { ReferenceError, formatReference } from '../oci/reference.js';
import { BlobClaims } from './blob-claims.js';
import { BlobStore } from './blob-store.js';
import type { CountReport } from './count-check.js';
import { recountSnapshot } from './count-check.js';
import { ImageIndex } from './image-index.js';
import type { ImageContent, ImageStore, LocalImage } from './image-store-types.js';
import { parseImageConfig } from './config-parsing.js';
import { parseImageManifest } from './image-validation.js';
import type { IngestHost } from './ingest-session.js';
import { StoreIngestSession } from './ingest-session.js';
import type { PruneResult } from './prune.js';
import { pruneUnused } from './prune.js';
import type { StoreParts } from './record-image.js';
import { prepareImage, recordImage } from './record-image.js';
import { referenceKey } from './reference-keys.js';
import { resolveImage } from './resolve-image.js';
import { SharedExclusiveLock } from './shared-exclusive-lock.js';
import { ImageNotFoundError } from './store-errors.js';

export class LocalImageStore implements ImageStore {
  readonly blobs: BlobStore;
  readonly #index: ImageIndex;
  readonly #parts: StoreParts;
  readonly #lock = new SharedExclusiveLock();
  readonly #claims = new BlobClaims();

  private constructor(blobs: BlobStore, index: ImageIndex, rootfsDir: string) {
    this.blobs = blobs;
    this.#index = index;
    this.#parts = { blobs, index, rootfsDir };
  }

  /**
   * Opens (creating if needed) the store under `root`: `blobs/`, `tmp/`
   * (BlobStore), `index/` (LMDB) and `rootfs/`.
   */
  static async open(root: string): Promise<LocalImageStore> {
    const blobs = await BlobStore.open(root);
    const index = ImageIndex.open(path.join(root, 'index'));
    return new LocalImageStore(blobs, index, path.join(root, 'rootfs'));
  }

  /** Starts an ingest; waits while a prune runs (or is queued). */
  async beginIngest(): Promise<StoreIngestSession> {
    const release = await this.#lock.acquireShared();
    const index = this.#index;
    const parts = this.#parts;
    const host: IngestHost = {
      blobs: this.blobs,
      claims: this.#claims,
      blobCount: (digest) => index.blobCount(digest),
      record: (reference, manifestDigest, indexDigest, claim) =>
        recordImage(parts, reference, manifestDigest, indexDigest, claim),
      prepare: (manifestDigest, whenPresent) =>
        prepareImage(parts, manifestDigest, whenPresent, manifestDigest),
    };
    return new StoreIngestSession(host, release);
  }

  async get(reference: ImageReference): Promise<LocalImage | undefined> {
    const { reference: key, repository } = referenceKey(reference);
    const exact = this.#index.reference(key);
    if (exact !== undefined || reference.digest === undefined) return exact;
    const digest = reference.digest;
    return this.#index
      .references()
      .find(
        (image) =>
          image.repository === repository &&
          (image.manifestDigest === digest || image.indexDigest === digest),
      );
  }

  async list(): Promise<LocalImage[]> {
    return this.#index.references();
  }

  async content(image: LocalImage): Promise<ImageContent> {
    const manifestBytes = await this.blobs.read(image.manifestDigest);
    const { manifest, mediaType } = parseImageManifest(manifestBytes, image.reference);
    const config = parseImageConfig(
      await this.blobs.read(manifest.config.digest),
      manifest.config.mediaType,
      `${image.reference}: config`,
    );
    return { manifest, manifestBytes, mediaType, config };
  }

  /** Records `target` (a tag) for the image `source` names. Throws ImageNotFoundError. */
  async tag(source: ImageReference, target: ImageReference): Promise<LocalImage> {
    if (target.digest !== undefined) {
      throw new ReferenceError(`cannot tag as ${formatReference(target)}: a tag has no digest`);
    }
    const release = await this.#lock.acquireShared();
    try {
      const image = await this.get(source);
      if (image === undefined) {
        throw new ImageNotFoundError(`no such image: ${formatReference(source)}`);
      }
      const record = this.#index.manifest(image.manifestDigest);
      if (record === undefined) throw new ImageNotFoundError(`${image.reference}: no manifest`);
      const tagged: LocalImage = {
        ...image,
        ...referenceKey(target),
        addedAt: new Date().toISOString(),
      };
      this.#index.recordReference(tagged, record);
      return tagged;
    } finally {
      release();
    }
  }

  /** Untags: removes the reference `get` would find. Throws ImageNotFoundError. */
  async remove(reference: ImageReference): Promise<LocalImage> {
    const release = await this.#lock.acquireShared();
    try {
      const image = await this.get(reference);
      const removed = image && this.#index.removeReference(image.reference);
      if (removed === undefined) {
        throw new ImageNotFoundError(`no such image: ${formatReference(reference)}`);
      }
      return removed;
    } finally {
      release();
    }
  }

  /** Waits for every ingest in progress, then deletes what no reference uses. */
  async prune(): Promise<PruneResult> {
    const release = await this.#lock.acquireExclusive();
    try {
      return await pruneUnused(this.#parts);
    } finally {
      release();
    }
  }

  /**
   * How to run `image` (see resolve-image.ts). Holds the lock shared: a rootfs
   * that went missing is unpacked again, and prune must not delete that work.
   */
  async resolve(image: LocalImage): Promise<ResolvedImage> {
    const release = await this.#lock.acquireShared();
    try {
      return await resolveImage(this.#parts, image);
    } finally {
      release();
    }
  }

  /**
   * Recounts every reference count from the references and manifests alone
   * and compares with the stored counts (tests, and a future fsck).
   */
  verifyCounts(): CountReport {
    return recountSnapshot(this.#index.snapshot());
  }

  async close(): Promise<void> {
    await this.#index.close();
  }
}
