// A full recount of what the references reach, compared with the counts the
// index keeps incrementally. Used by tests after crashes and races, and
// meant for a future `skiff images fsck`.

import type { IndexSnapshot } from './image-index.js';

/** The outcome of a recount: `problems` names every count that disagrees. */
export interface CountReport {
  readonly consistent: boolean;
  readonly problems: readonly string[];
}

/**
 * Recomputes, from the references and manifest records alone, how many
 * references reach each manifest or index and how many reachable roots pin
 * each blob, and compares both with the stored `roots` and `blobs` tables.
 */
export function recountSnapshot(snapshot: IndexSnapshot): CountReport {
  const problems: string[] = [];
  const expectedRoots = new Map<string, { references: number; blobs: readonly string[] }>();
  const reach = (digest: string, blobs: readonly string[]) => {
    const entry = expectedRoots.get(digest);
    expectedRoots.set(digest, { references: (entry?.references ?? 0) + 1, blobs });
  };
  for (const image of snapshot.references) {
    const manifest = snapshot.manifests.get(image.manifestDigest);
    if (manifest === undefined) {
      problems.push(`${image.reference}: manifest ${image.manifestDigest} has no record`);
    } else {
      reach(image.manifestDigest, manifest.blobs);
    }
    if (image.indexDigest !== undefined) reach(image.indexDigest, [image.indexDigest]);
  }
  const expectedCounts = new Map<string, number>();
  for (const { blobs } of expectedRoots.values()) {
    for (const blob of new Set(blobs))
      expectedCounts.set(blob, (expectedCounts.get(blob) ?? 0) + 1);
  }
  for (const digest of new Set([...expectedRoots.keys(), ...snapshot.roots.keys()])) {
    const expected = expectedRoots.get(digest)?.references ?? 0;
    const stored = snapshot.roots.get(digest)?.references ?? 0;
    if (expected !== stored) {
      problems.push(`root ${digest}: ${stored} references recorded, ${expected} found`);
    }
  }
  for (const digest of new Set([...expectedCounts.keys(), ...snapshot.blobCounts.keys()])) {
    const expected = expectedCounts.get(digest) ?? 0;
    const stored = snapshot.blobCounts.get(digest) ?? 0;
    if (expected !== stored) problems.push(`blob ${digest}: count ${stored}, recount ${expected}`);
  }
  return { consistent: problems.length === 0, problems };
}
