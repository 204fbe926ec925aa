// Offline garbage collection of the registry's blobs (mark and sweep).
//
// Deleting a manifest, a tag or a blob link never deletes bytes: a blob may be
// shared by images of many repositories (stored once), and a client may be in
// the middle of a push that links blobs before its manifest arrives. `gc` runs
// while nothing pushes (as distribution's `garbage-collect` wants the registry
// read-only): it keeps every blob a manifest of any repository references (the
// manifest itself included) and deletes the rest of what this registry stored.
//
// The blob store is shared with the rest of Skiff, so `gc` only ever considers
// blobs the registry itself wrote (the `stored` records), and `keep` lets the
// caller protect digests that other users of the store still need.

import type { BlobStore } from '../store/blob-store.js';
import type { RegistryIndex } from './registry-index.js';
import type { UploadSessions } from './upload-sessions.js';

/** What `gc` may and may not touch. */
export interface GarbageCollectionOptions {
  /** Digests to keep though no manifest references them (e.g. the node image store's). */
  readonly keep?: (digest: string) => boolean | Promise<boolean>;
  /** Report what would be deleted, delete nothing. */
  readonly dryRun?: boolean;
  /** Upload sessions idle for this long are removed (default: 24 hours). */
  readonly uploadMaxAgeMs?: number;
}

/** What `gc` freed (or, for a dry run, would free). */
export interface GarbageCollectionResult {
  readonly deletedBlobs: readonly string[];
  readonly reclaimedBytes: number;
  readonly expiredUploads: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Deletes the registry's blobs that no manifest references; see the file comment. */
export async function collectGarbage(
  index: RegistryIndex,
  blobs: BlobStore,
  uploads: UploadSessions,
  options: GarbageCollectionOptions = {},
): Promise<GarbageCollectionResult> {
  const marked = new Set<string>();
  for (const { value } of index.manifests.getRange()) {
    marked.add(value.digest);
    for (const digest of value.blobs) marked.add(digest);
    for (const digest of value.manifests) marked.add(digest);
  }

  const garbage = new Set<string>();
  for (const digest of index.stored.getKeys()) {
    if (marked.has(digest)) continue;
    if (options.keep !== undefined && (await options.keep(digest))) continue;
    garbage.add(digest);
  }

  let reclaimedBytes = 0;
  for (const digest of garbage) reclaimedBytes += (await blobs.size(digest)) ?? 0;
  if (options.dryRun) {
    return { deletedBlobs: [...garbage].sort(), reclaimedBytes, expiredUploads: 0 };
  }

  // Links to deleted bytes go too: a repository must not claim a blob it cannot serve.
  const deadLinks: string[] = [];
  for (const key of index.blobs.getKeys()) {
    if (garbage.has(key.slice(key.lastIndexOf(' ') + 1))) deadLinks.push(key);
  }
  await index.root.transaction(() => {
    for (const key of deadLinks) index.blobs.removeSync(key);
    for (const digest of garbage) index.stored.removeSync(digest);
  });
  for (const digest of garbage) await blobs.delete(digest);

  const expiredUploads = await uploads.expire(options.uploadMaxAgeMs ?? DAY_MS);
  return { deletedBlobs: [...garbage].sort(), reclaimedBytes, expiredUploads };
}
