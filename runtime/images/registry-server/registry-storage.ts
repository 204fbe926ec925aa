// The registry's storage: bytes in the shared BlobStore, the rest in the LMDB
// index (registry-index.ts). It keeps the registry's invariants whoever calls
// it: a blob is served only from a repository it was pushed or mounted to, a
// manifest is accepted only when everything it references is in its
// repository, and a manifest is stored byte for byte under the sha256 of
// those bytes.
//
// Deleting a manifest, tag or blob link frees no bytes (blobs are shared
// between repositories); `gc` does that offline (garbage-collector.ts).

import { createHash } from 'node:crypto';
import type { Database } from 'lmdb';
import path from 'node:path';
import { BlobStore } from '../store/blob-store.js';
import type { StagedBlob } from '../store/blob-store.js';
import type { Descriptor } from '../oci/types.js';
import { RegistryError } from './errors.js';
import type { GarbageCollectionOptions, GarbageCollectionResult } from './garbage-collector.js';
import { collectGarbage } from './garbage-collector.js';
import type { ParsedManifest } from './manifest-parse.js';
import { parseManifest } from './manifest-parse.js';
import type { ManifestReference } from './names.js';
import { isRepositoryName } from './names.js';
import type { ManifestRecord, RegistryIndex } from './registry-index.js';
import { keySuffix, now, openRegistryIndex, repoKey, repoRange } from './registry-index.js';
import { UploadSessions } from './upload-sessions.js';

/** Where the registry keeps everything; see createRegistryStorage. */
export interface RegistryStorage {
  readonly dataDir: string;
  /** The shared blob store (`<dataDir>/blobs/sha256/`). */
  readonly blobs: BlobStore;
  /** Chunked uploads in progress. */
  readonly uploads: UploadSessions;

  /** True once `repository` got a blob or a manifest. */
  hasRepository(repository: string): boolean;
  /** Every repository, in byte order. */
  repositories(): string[];

  /** The blob's size when it is linked to `repository` and present, else undefined. */
  blobSize(repository: string, digest: string): Promise<number | undefined>;
  /** Makes a staged (verified) blob visible and links it to `repository`. */
  commitBlob(repository: string, staged: StagedBlob): Promise<void>;
  /** Links `digest` from `from` to `repository`; its size, or undefined when `from` lacks it. */
  mountBlob(repository: string, from: string, digest: string): Promise<number | undefined>;
  /** Unlinks a blob from `repository` (bytes stay until `gc`); false when it was not linked. */
  unlinkBlob(repository: string, digest: string): Promise<boolean>;

  /**
   * Stores manifest `bytes` (parsed per `contentType`) in `repository`, tagged
   * when `reference` is a tag. Throws MANIFEST_INVALID, MANIFEST_BLOB_UNKNOWN
   * (a referenced blob or child manifest is not in the repository) or
   * DIGEST_INVALID (a digest reference that does not match the bytes).
   */
  putManifest(
    repository: string,
    bytes: Uint8Array,
    contentType: string | undefined,
    reference: ManifestReference,
  ): Promise<ManifestRecord>;
  /** The manifest a tag or digest names in `repository`, or undefined. */
  getManifest(repository: string, reference: ManifestReference): ManifestRecord | undefined;
  /** The manifest's exact bytes, or undefined when they are gone from the store. */
  readManifest(record: ManifestRecord): Promise<Buffer | undefined>;
  /** Removes a manifest and the tags pointing at it; false when it was not there. */
  deleteManifest(repository: string, digest: string): Promise<boolean>;
  /** Removes one tag; false when it was not there. */
  deleteTag(repository: string, tag: string): Promise<boolean>;
  /** The repository's tags in the spec's lexical order (case-insensitive, then bytewise). */
  tags(repository: string): string[];
  /** Manifests of `repository` whose `subject` is `digest`. */
  referrers(repository: string, digest: string): ManifestRecord[];

  /** Offline garbage collection; see garbage-collector.ts. */
  gc(options?: GarbageCollectionOptions): Promise<GarbageCollectionResult>;
  close(): Promise<void>;
}

/** Orders tags as the spec's "lexical (case-insensitive alphanumeric) order". */
export function compareTags(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * Opens the registry storage under `dataDir`: the BlobStore at `dataDir`
 * itself (shared with the rest of Skiff), the index at
 * `<dataDir>/registry-index/`, upload files in `<dataDir>/registry-uploads/`.
 */
export async function createRegistryStorage(dataDir: string): Promise<RegistryStorage> {
  const blobs = await BlobStore.open(dataDir);
  const index = openRegistryIndex(path.join(dataDir, 'registry-index'));
  const uploads = new UploadSessions(index, path.join(dataDir, 'registry-uploads'), blobs);
  await uploads.init();
  return new LmdbRegistryStorage(dataDir, blobs, index, uploads);
}

class LmdbRegistryStorage implements RegistryStorage {
  constructor(
    readonly dataDir: string,
    readonly blobs: BlobStore,
    private readonly index: RegistryIndex,
    readonly uploads: UploadSessions,
  ) {}

  hasRepository(repository: string): boolean {
    return this.index.repositories.doesExist(repository);
  }

  repositories(): string[] {
    return [...this.index.repositories.getKeys()];
  }

  async blobSize(repository: string, digest: string): Promise<number | undefined> {
    if (!this.index.blobs.doesExist(repoKey(repository, digest))) return undefined;
    return this.blobs.size(digest);
  }

  async commitBlob(repository: string, staged: StagedBlob): Promise<void> {
    await this.blobs.commit(staged);
    await this.#link(repository, staged.digest, staged.size);
  }

  async mountBlob(repository: string, from: string, digest: string): Promise<number | undefined> {
    if (!isRepositoryName(from)) return undefined;
    const size = await this.blobSize(from, digest);
    if (size === undefined) return undefined;
    await this.#link(repository, digest, size);
    return size;
  }

  #link(repository: string, digest: string, size: number): Promise<void> {
    return this.index.root.transaction(() => {
      this.#touchRepository(repository);
      this.index.blobs.putSync(repoKey(repository, digest), { size, linkedAt: now() });
      this.index.stored.putSync(digest, { storedAt: now() });
    });
  }

  // Inside a transaction: records the repository the first time it gets content.
  #touchRepository(repository: string): void {
    if (!this.index.repositories.doesExist(repository)) {
      this.index.repositories.putSync(repository, { createdAt: now() });
    }
  }

  unlinkBlob(repository: string, digest: string): Promise<boolean> {
    return removeIfPresent(this.index.blobs, repoKey(repository, digest));
  }

  async putManifest(
    repository: string,
    bytes: Uint8Array,
    contentType: string | undefined,
    reference: ManifestReference,
  ): Promise<ManifestRecord> {
    const parsed = parseManifest(bytes, contentType);
    const digest = sha256(bytes);
    if (reference.kind === 'digest' && reference.digest !== digest) {
      throw new RegistryError(
        'DIGEST_INVALID',
        `manifest digest is ${digest}, not ${reference.digest}`,
        { detail: { expected: reference.digest, actual: digest } },
      );
    }
    await this.#checkReferences(repository, parsed);
    await this.blobs.put(bytes, { digest, what: `manifest ${digest}` });
    const record = manifestRecord(digest, bytes.length, parsed);
    await this.index.root.transaction(() => {
      this.#touchRepository(repository);
      this.index.manifests.putSync(repoKey(repository, digest), record);
      this.index.stored.putSync(digest, { storedAt: now() });
      if (record.subject !== undefined) {
        this.index.referrers.putSync(repoKey(repository, record.subject, digest), true);
      }
      if (reference.kind === 'tag') {
        this.index.tags.putSync(repoKey(repository, reference.tag), {
          digest,
          mediaType: record.mediaType,
          updatedAt: now(),
        });
      }
    });
    return record;
  }

  async #checkReferences(repository: string, parsed: ParsedManifest): Promise<void> {
    for (const blob of parsed.blobs) {
      checkSize(blob, await this.blobSize(repository, blob.digest));
    }
    for (const child of parsed.manifests) {
      const manifest = this.index.manifests.get(repoKey(repository, child.digest));
      checkSize(child, manifest?.size ?? (await this.blobSize(repository, child.digest)));
    }
  }

  getManifest(repository: string, reference: ManifestReference): ManifestRecord | undefined {
    const digest =
      reference.kind === 'digest'
        ? reference.digest
        : this.index.tags.get(repoKey(repository, reference.tag))?.digest;
    return digest === undefined ? undefined : this.index.manifests.get(repoKey(repository, digest));
  }

  async readManifest(record: ManifestRecord): Promise<Buffer | undefined> {
    try {
      return await this.blobs.read(record.digest);
    } catch {
      return undefined;
    }
  }

  async deleteManifest(repository: string, digest: string): Promise<boolean> {
    const key = repoKey(repository, digest);
    const record = this.index.manifests.get(key);
    if (record === undefined) return false;
    const tagKeys = [...this.index.tags.getRange(repoRange(repository))]
      .filter(({ value }) => value.digest === digest)
      .map(({ key: tagKey }) => tagKey);
    await this.index.root.transaction(() => {
      this.index.manifests.removeSync(key);
      for (const tagKey of tagKeys) this.index.tags.removeSync(tagKey);
      if (record.subject !== undefined) {
        this.index.referrers.removeSync(repoKey(repository, record.subject, digest));
      }
    });
    return true;
  }

  deleteTag(repository: string, tag: string): Promise<boolean> {
    return removeIfPresent(this.index.tags, repoKey(repository, tag));
  }

  tags(repository: string): string[] {
    return [...this.index.tags.getKeys(repoRange(repository))]
      .map((key) => keySuffix(key, repository))
      .sort(compareTags);
  }

  referrers(repository: string, digest: string): ManifestRecord[] {
    const records: ManifestRecord[] = [];
    for (const key of this.index.referrers.getKeys(repoRange(repository, digest))) {
      const referrer = key.slice(key.lastIndexOf(' ') + 1);
      const record = this.index.manifests.get(repoKey(repository, referrer));
      if (record !== undefined) records.push(record);
    }
    return records;
  }

  gc(options?: GarbageCollectionOptions): Promise<GarbageCollectionResult> {
    return collectGarbage(this.index, this.blobs, this.uploads, options);
  }

  async close(): Promise<void> {
    await this.index.root.close();
  }
}

// Removes `key`; true when it was there (checked in the write transaction).
function removeIfPresent<V>(db: Database<V, string>, key: string): Promise<boolean> {
  return db.transaction(() => db.doesExist(key) && db.removeSync(key));
}

function checkSize(descriptor: Descriptor, size: number | undefined): void {
  if (size === undefined) {
    throw new RegistryError(
      'MANIFEST_BLOB_UNKNOWN',
      `${descriptor.mediaType} ${descriptor.digest} is not in the repository`,
      { detail: { digest: descriptor.digest } },
    );
  }
  if (size !== descriptor.size) {
    throw new RegistryError(
      'MANIFEST_INVALID',
      `${descriptor.digest} has ${size} bytes, the manifest says ${descriptor.size}`,
      { detail: { digest: descriptor.digest, size, declared: descriptor.size } },
    );
  }
}

function manifestRecord(digest: string, size: number, parsed: ParsedManifest): ManifestRecord {
  return {
    digest,
    mediaType: parsed.mediaType,
    size,
    blobs: parsed.blobs.map((d) => d.digest),
    manifests: parsed.manifests.map((d) => d.digest),
    ...(parsed.subject ? { subject: parsed.subject.digest } : {}),
    ...(parsed.artifactType ? { artifactType: parsed.artifactType } : {}),
    ...(parsed.annotations ? { annotations: parsed.annotations } : {}),
    pushedAt: now(),
  };
}
