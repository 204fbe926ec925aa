// `ImageStore.prune`: deletes every blob no reachable manifest pins (count 0,
// or unknown to the index: leftovers of a crash or of an aborted ingest) and
// every unpacked rootfs no reference reaches (and unpacks a crash cut short).
// The caller holds the store's lock exclusively, so no ingest is in progress.

import { lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { StoreParts } from './record-image.js';

/** What a prune freed. */
export interface PruneResult {
  readonly deletedBlobs: readonly string[];
  /** Bytes of the deleted blobs plus those of the deleted rootfs trees. */
  readonly reclaimedBytes: number;
}

/** Bytes of the regular files under `dir` (each inode once: hard links share space). */
async function treeBytes(dir: string, seen = new Set<number>()): Promise<number> {
  let total = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    const stats = await lstat(file);
    if (stats.isDirectory()) total += await treeBytes(file, seen);
    else if (stats.isFile() && !seen.has(stats.ino)) {
      seen.add(stats.ino);
      total += stats.size;
    }
  }
  return total;
}

async function pruneRootfsTrees(parts: StoreParts): Promise<number> {
  let names: string[];
  try {
    names = await readdir(parts.rootfsDir);
  } catch {
    return 0;
  }
  let reclaimed = 0;
  for (const name of names) {
    const keep = /^[a-f0-9]{64}$/.test(name) && parts.index.isRoot(`sha256:${name}`);
    if (keep) continue;
    const tree = path.join(parts.rootfsDir, name);
    reclaimed += await treeBytes(tree);
    await rm(tree, { recursive: true, force: true });
  }
  return reclaimed;
}

/** Deletes what nothing uses. Only call with the store's lock held exclusively. */
export async function pruneUnused(parts: StoreParts): Promise<PruneResult> {
  parts.index.forgetUnreachableManifests();
  const pinned = parts.index.pinnedBlobs();
  const deletedBlobs: string[] = [];
  let reclaimedBytes = 0;
  for (const digest of await parts.blobs.list()) {
    if (pinned.has(digest)) continue;
    reclaimedBytes += (await parts.blobs.size(digest)) ?? 0;
    await parts.blobs.delete(digest);
    deletedBlobs.push(digest);
  }
  reclaimedBytes += await pruneRootfsTrees(parts);
  await parts.blobs.cleanTemp();
  return { deletedBlobs, reclaimedBytes };
}
