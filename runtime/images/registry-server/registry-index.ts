// The registry's index in LMDB (`<dataDir>/registry-index/`): what each
// repository holds. The bytes live in the BlobStore; this file only says which
// blobs and manifests belong to which repository, what the tags point at, and
// where chunked uploads stand, so all of it survives a restart.
//
// Keys are strings (LMDB orders them bytewise). Per-repository keys are
// `<repository> <rest>`: a space sorts below every character a repository
// name may contain (`-` `.` `/` `_` digits letters), so the range
// [`<repo> `, `<repo>!`) holds exactly one repository's entries, never those of
// `<repo>-x` or `<repo>/x`.

import { open } from 'lmdb';
import type { Database, RootDatabase } from 'lmdb';

/** `repositories`: `<repository>` → when it first got content. */
export interface RepositoryRecord {
  readonly createdAt: string;
}

/** `tags`: `<repository> <tag>` → the manifest the tag points at. */
export interface TagRecord {
  readonly digest: string;
  readonly mediaType: string;
  readonly updatedAt: string;
}

/** `manifests`: `<repository> <digest>` → a manifest pushed to the repository. */
export interface ManifestRecord {
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  /** Blobs it references (config and layers; foreign layers with `urls` left out). */
  readonly blobs: readonly string[];
  /** Manifests it references (an index's children). */
  readonly manifests: readonly string[];
  /** The `subject` digest (OCI 1.1 referrers), if any. */
  readonly subject?: string;
  /** `artifactType`, or an image manifest's config media type (what referrers report). */
  readonly artifactType?: string;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly pushedAt: string;
}

/** `blobs`: `<repository> <digest>` → a blob pushed or mounted to the repository. */
export interface BlobLinkRecord {
  readonly size: number;
  readonly linkedAt: string;
}

/** `uploads`: `<upload id>` → a chunked upload in progress (its bytes: a file of its own). */
export interface UploadRecord {
  readonly repository: string;
  /** Bytes received so far (the file holds exactly these). */
  readonly size: number;
  readonly startedAt: string;
  readonly updatedAt: string;
}

/** `stored`: `<digest>` → a blob this registry wrote to the shared store (what `gc` may delete). */
export interface StoredRecord {
  readonly storedAt: string;
}

/** The open index: one LMDB environment, one named database per record kind. */
export interface RegistryIndex {
  readonly root: RootDatabase;
  readonly repositories: Database<RepositoryRecord, string>;
  readonly tags: Database<TagRecord, string>;
  readonly manifests: Database<ManifestRecord, string>;
  readonly blobs: Database<BlobLinkRecord, string>;
  /** `<repository> <subject digest> <manifest digest>` → true: referrers of a subject. */
  readonly referrers: Database<true, string>;
  readonly uploads: Database<UploadRecord, string>;
  readonly stored: Database<StoredRecord, string>;
}

/** Opens (creating if needed) the index at `dir`. */
export function openRegistryIndex(dir: string): RegistryIndex {
  const root = open({ path: dir, maxDbs: 16 });
  return {
    root,
    repositories: root.openDB<RepositoryRecord, string>({ name: 'repositories' }),
    tags: root.openDB<TagRecord, string>({ name: 'tags' }),
    manifests: root.openDB<ManifestRecord, string>({ name: 'manifests' }),
    blobs: root.openDB<BlobLinkRecord, string>({ name: 'blobs' }),
    referrers: root.openDB<true, string>({ name: 'referrers' }),
    uploads: root.openDB<UploadRecord, string>({ name: 'uploads' }),
    stored: root.openDB<StoredRecord, string>({ name: 'stored' }),
  };
}

/** The key of `parts` under `repository`. */
export function repoKey(repository: string, ...parts: string[]): string {
  return [repository, ...parts].join(' ');
}

/** Range options selecting every key under `repository` (optionally under a further prefix). */
export function repoRange(repository: string, ...parts: string[]): { start: string; end: string } {
  const prefix = [repository, ...parts].join(' ');
  return { start: `${prefix} `, end: `${prefix}!` };
}

/** The part of a per-repository key after `<repository> `. */
export function keySuffix(key: string, repository: string): string {
  return key.slice(repository.length + 1);
}

/** Now, as the records store times. */
export function now(): string {
  return new Date().toISOString();
}
