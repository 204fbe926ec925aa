// The image store's index: one LMDB environment at `<root>/index` with named
// sub-databases. Every change that affects reference counts happens in one
// synchronous LMDB write transaction, so a crash (even SIGKILL) leaves either
// the state before the change or the state after it, never a half-updated count.
//
// Schema (keys are strings, values msgpack):
//   references  canonical reference → { image: LocalImage, sequence }
//   manifests   manifest digest     → ManifestRecord (what the manifest pins, its kind, ...)
//   roots       manifest or index digest reachable from ≥ 1 reference
//                                   → { references: how many, blobs: what it pins }
//   blobs       blob digest         → how many roots pin it (absent when none)
//   meta        'sequence'          → last reference sequence number (orders `list`)
//
// A blob's count is the number of distinct roots that pin it: a manifest root
// pins the manifest blob, its config and its layers; an index root (recorded as
// a reference's indexDigest) pins only the index blob. A root's blob list is
// saved when it is first pinned, so unpinning subtracts exactly what was added.

import type { Database, RootDatabase } from 'lmdb';
import { open } from 'lmdb';
import type { Platform } from '../oci/types.js';
import type { LocalImage, LocalImageKind } from './image-store-types.js';

/** What the store knows about one image manifest. */
export interface ManifestRecord {
  readonly digest: string;
  readonly mediaType: string;
  readonly kind: LocalImageKind;
  readonly platform: Platform;
  /** Bytes of manifest, config and layers. */
  readonly size: number;
  readonly created?: string;
  readonly configDigest: string;
  readonly layerDigests: readonly string[];
  /** The distinct blobs this manifest pins: itself, its config, its layers. */
  readonly blobs: readonly string[];
  /** wasm-rootfs: `sha256:` of the entrypoint file in the unpacked rootfs. */
  readonly entrypointDigest?: string;
}

/** A digest that references keep alive, and the blobs it keeps. */
export interface RootRecord {
  readonly references: number;
  readonly blobs: readonly string[];
}

interface ReferenceEntry {
  readonly image: LocalImage;
  readonly sequence: number;
}

/** A consistent copy of the whole index (one read transaction), for checks. */
export interface IndexSnapshot {
  readonly references: readonly LocalImage[];
  readonly manifests: ReadonlyMap<string, ManifestRecord>;
  readonly roots: ReadonlyMap<string, RootRecord>;
  readonly blobCounts: ReadonlyMap<string, number>;
}

const SEQUENCE_KEY = 'sequence';

export class ImageIndex {
  readonly #env: RootDatabase<unknown, string>;
  readonly #references: Database<ReferenceEntry, string>;
  readonly #manifests: Database<ManifestRecord, string>;
  readonly #roots: Database<RootRecord, string>;
  readonly #blobCounts: Database<number, string>;
  readonly #meta: Database<number, string>;

  private constructor(dir: string) {
    this.#env = open<unknown, string>({ path: dir, maxDbs: 8 });
    this.#references = this.#env.openDB<ReferenceEntry, string>({ name: 'references' });
    this.#manifests = this.#env.openDB<ManifestRecord, string>({ name: 'manifests' });
    this.#roots = this.#env.openDB<RootRecord, string>({ name: 'roots' });
    this.#blobCounts = this.#env.openDB<number, string>({ name: 'blobs' });
    this.#meta = this.#env.openDB<number, string>({ name: 'meta' });
  }

  /** Opens (creating if needed) the LMDB environment in directory `dir`. */
  static open(dir: string): ImageIndex {
    return new ImageIndex(dir);
  }

  /** The image recorded under the canonical reference `key`. */
  reference(key: string): LocalImage | undefined {
    return this.#references.get(key)?.image;
  }

  /** Every reference, most recently recorded first. */
  references(): LocalImage[] {
    return [...this.#references.getRange()]
      .sort((a, b) => b.value.sequence - a.value.sequence)
      .map((entry) => entry.value.image);
  }

  manifest(digest: string): ManifestRecord | undefined {
    return this.#manifests.get(digest);
  }

  /** How many reachable manifests (or indexes) pin `blob`; 0 for unknown blobs. */
  blobCount(blob: string): number {
    return this.#blobCounts.get(blob) ?? 0;
  }

  /** Every blob with a count above zero. */
  pinnedBlobs(): Set<string> {
    return new Set(this.#blobCounts.getKeys());
  }

  /** True when some reference reaches manifest or index `digest`. */
  isRoot(digest: string): boolean {
    return this.#roots.doesExist(digest);
  }

  /**
   * Records `image` under its reference, replacing what the reference named
   * before, and `manifest` unless it is known; moves the pins accordingly.
   * One transaction.
   */
  recordReference(image: LocalImage, manifest: ManifestRecord): void {
    this.#env.transactionSync(() => {
      if (!this.#manifests.doesExist(manifest.digest)) {
        this.#manifests.putSync(manifest.digest, manifest);
      }
      const sequence = (this.#meta.get(SEQUENCE_KEY) ?? 0) + 1;
      this.#meta.putSync(SEQUENCE_KEY, sequence);
      const previous = this.#references.get(image.reference)?.image;
      this.#references.putSync(image.reference, { image, sequence });
      // Pin before unpinning, so re-tagging the same image never drops a count to 0.
      this.#pinRootsOf(image);
      if (previous) this.#unpinRootsOf(previous);
    });
  }

  /** Removes reference `key` and its pins (one transaction); returns what it named. */
  removeReference(key: string): LocalImage | undefined {
    return this.#env.transactionSync(() => {
      const previous = this.#references.get(key)?.image;
      if (previous === undefined) return undefined;
      this.#references.removeSync(key);
      this.#unpinRootsOf(previous);
      return previous;
    });
  }

  /** Remembers the digest of a wasm-rootfs image's entrypoint file. */
  cacheEntrypointDigest(manifestDigest: string, digest: string): void {
    this.#env.transactionSync(() => {
      const record = this.#manifests.get(manifestDigest);
      if (record) this.#manifests.putSync(manifestDigest, { ...record, entrypointDigest: digest });
    });
  }

  /** Forgets the manifest records no reference reaches; returns their digests. */
  forgetUnreachableManifests(): string[] {
    return this.#env.transactionSync(() => {
      const forgotten = [...this.#manifests.getKeys()].filter((d) => !this.#roots.doesExist(d));
      for (const digest of forgotten) this.#manifests.removeSync(digest);
      return forgotten;
    });
  }

  snapshot(): IndexSnapshot {
    // A write transaction is the simplest way to read everything at one instant.
    return this.#env.transactionSync(() => ({
      references: [...this.#references.getRange()].map((entry) => entry.value.image),
      manifests: new Map([...this.#manifests.getRange()].map((e) => [e.key, e.value])),
      roots: new Map([...this.#roots.getRange()].map((e) => [e.key, e.value])),
      blobCounts: new Map([...this.#blobCounts.getRange()].map((e) => [e.key, e.value])),
    }));
  }

  async close(): Promise<void> {
    await this.#env.close();
  }

  #pinRootsOf(image: LocalImage): void {
    const manifest = this.#manifests.get(image.manifestDigest);
    if (manifest === undefined) throw new Error(`no manifest record for ${image.manifestDigest}`);
    this.#pin(image.manifestDigest, manifest.blobs);
    if (image.indexDigest !== undefined) this.#pin(image.indexDigest, [image.indexDigest]);
  }

  #unpinRootsOf(image: LocalImage): void {
    this.#unpin(image.manifestDigest);
    if (image.indexDigest !== undefined) this.#unpin(image.indexDigest);
  }

  #pin(root: string, blobs: readonly string[]): void {
    const entry = this.#roots.get(root);
    if (entry) {
      this.#roots.putSync(root, { ...entry, references: entry.references + 1 });
      return;
    }
    this.#roots.putSync(root, { references: 1, blobs });
    for (const blob of blobs) this.#blobCounts.putSync(blob, this.blobCount(blob) + 1);
  }

  #unpin(root: string): void {
    const entry = this.#roots.get(root);
    if (entry === undefined) throw new Error(`unpinning ${root}, which no reference pins`);
    if (entry.references > 1) {
      this.#roots.putSync(root, { ...entry, references: entry.references - 1 });
      return;
    }
    this.#roots.removeSync(root);
    for (const blob of entry.blobs) {
      const count = this.blobCount(blob) - 1;
      if (count > 0) this.#blobCounts.putSync(blob, count);
      else this.#blobCounts.removeSync(blob);
    }
  }
}
