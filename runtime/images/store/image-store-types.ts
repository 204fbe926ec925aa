// The node's image store, as its users see it: `skiff pull/push/build/images`,
// the node agent, and the Wasm runtime (which runs what `resolve` returns).

import type { ResolvedImage } from '../../runtime.js';
import type { ImageReference } from '../oci/reference.js';
import type { ImageConfigFile, ImageManifest, Platform, WasmArtifactConfig } from '../oci/types.js';
import type { BlobStore, StagedBlob } from './blob-store.js';

/**
 * What an image holds, decided from its config:
 * - `wasm-artifact`: a CNCF Wasm OCI artifact (one `application/wasm` layer);
 * - `wasm-rootfs`: a `wasi/wasm` image whose tar layers form a root filesystem
 *   with the `.wasm` entrypoint inside (Docker's Wasm images);
 * - `oci`: anything else (a Linux image): for the Docker fallback runtime.
 */
export type LocalImageKind = 'wasm-artifact' | 'wasm-rootfs' | 'oci';

/** One reference (tag or digest) of an image in the store. */
export interface LocalImage {
  /** Canonical reference: `registry/repository:tag` or `registry/repository@digest`. */
  readonly reference: string;
  /** `registry/repository`. */
  readonly repository: string;
  readonly tag?: string;
  /** Digest of the image manifest (the platform-specific one). */
  readonly manifestDigest: string;
  /** Digest of the index or manifest list the manifest was chosen from, if any. */
  readonly indexDigest?: string;
  readonly kind: LocalImageKind;
  readonly platform: Platform;
  /** Bytes of manifest, config and layers. */
  readonly size: number;
  /** The image config's `created`, if it has one. */
  readonly created?: string;
  /** When this reference was added to the store (ISO 8601). */
  readonly addedAt: string;
}

/** An image's manifest and config, read back from the store. */
export interface ImageContent {
  readonly manifest: ImageManifest;
  readonly manifestBytes: Buffer;
  readonly mediaType: string;
  readonly config: ImageConfigFile | WasmArtifactConfig;
}

/** A layer that would write outside the root filesystem, or a device node, ... */
export class UnsafeLayerError extends Error {
  override readonly name = 'UnsafeLayerError';
}

/** A manifest or config that is not what its media type says. */
export class InvalidImageError extends Error {
  override readonly name = 'InvalidImageError';
}

/**
 * Adding an image: blobs arrive (verified by the blob store), then `commit`
 * records the reference, or `abort` removes the blobs this session added that
 * no image uses. Holding a session keeps `prune` from deleting blobs under it.
 */
export interface IngestSession {
  /** Makes a staged blob visible and remembers it was added by this session. */
  commitBlob(staged: StagedBlob): Promise<void>;
  /**
   * Marks a blob the store already has as used by this session, so no other
   * session's cleanup deletes it before `commit`. Resolves with whether it is present.
   */
  useBlob(digest: string): Promise<boolean>;
  /**
   * Starts validating and unpacking the image `manifestDigest` names while its
   * blobs arrive (a pull calls it once the manifest is stored). Optional:
   * `commit` waits for it, and does all the work when it was not called.
   */
  prepare(manifestDigest: string): void;
  /**
   * Records `reference` → `manifestDigest` (the manifest, its config and layers
   * must be in the blob store). Validates the manifest and config and unpacks tar
   * layers safely (UnsafeLayerError, InvalidImageError; then nothing is recorded
   * and the session's blobs are removed). Ends the session.
   */
  commit(
    reference: ImageReference,
    manifestDigest: string,
    options?: { indexDigest?: string },
  ): Promise<LocalImage>;
  /** Ends the session without recording anything; removes the session's unused blobs. */
  abort(): Promise<void>;
}

export interface ImageStore {
  readonly blobs: BlobStore;
  beginIngest(): Promise<IngestSession>;
  /** The image for a tag or digest reference (`repo@sha256:` matches the manifest or index digest). */
  get(reference: ImageReference): Promise<LocalImage | undefined>;
  /** Every reference in the store, newest first. */
  list(): Promise<LocalImage[]>;
  content(image: LocalImage): Promise<ImageContent>;
  /** Adds `target` for the image `source` names (`skiff tag`). */
  tag(source: ImageReference, target: ImageReference): Promise<LocalImage>;
  /** Removes a reference (`skiff rmi`); returns what was untagged. Blobs stay until `prune`. */
  remove(reference: ImageReference): Promise<LocalImage>;
  /** Deletes blobs no reference uses (reference counting); returns what was freed. */
  prune(): Promise<{ readonly deletedBlobs: readonly string[]; readonly reclaimedBytes: number }>;
  /** How to run the image (Wasm images); throws InvalidImageError for `oci` images. */
  resolve(image: LocalImage): Promise<ResolvedImage>;
  close(): Promise<void>;
}
