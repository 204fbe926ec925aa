// The work of `IngestSession.commit`: validate the manifest and its blobs,
// unpack a wasm-rootfs image, then record the reference and its counts in one
// index transaction. Cleanup on failure is the session's job.

import type { ImageReference } from '../oci/reference.js';
import { formatReference } from '../oci/reference.js';
import type { ImageConfigFile, ImageManifest } from '../oci/types.js';
import type { BlobStore } from './blob-store.js';
import type { ImageIndex, ManifestRecord } from './image-index.js';
import type { LocalImage } from './image-store-types.js';
import { InvalidImageError } from './image-store-types.js';
import type { ValidatedImage } from './image-validation.js';
import { isWasmArtifactConfig, parseImageConfig } from './config-parsing.js';
import { classifyImage, parseImageManifest, validateImage } from './image-validation.js';
import { isJsonObject, parseDescriptor, parseJsonObject } from './json-shapes.js';
import { unpackRootfs } from './layers/unpack-rootfs.js';
import { recordedName } from './reference-keys.js';
import { locateEntrypoint, sha256OfFile } from './rootfs-entrypoint.js';

/** The parts of the store recording needs. */
export interface StoreParts {
  readonly blobs: BlobStore;
  readonly index: ImageIndex;
  /** `<root>/rootfs`: unpacked wasm-rootfs images, one directory per manifest. */
  readonly rootfsDir: string;
}

/** The directory name of a manifest's unpacked rootfs: its hex digest. */
export function rootfsName(manifestDigest: string): string {
  return manifestDigest.slice('sha256:'.length);
}

/**
 * Unpacks (or reuses) the rootfs of a wasm-rootfs image, checking its layers'
 * diff_ids and its entrypoint; resolves with the rootfs path and the
 * entrypoint's digest.
 */
export async function ensureRootfs(
  parts: StoreParts,
  manifestDigest: string,
  manifest: ImageManifest,
  config: ImageConfigFile,
  what: string,
  whenPresent?: (digest: string) => Promise<void>,
): Promise<{ root: string; entrypointDigest: string }> {
  const diffIds = config.rootfs.diff_ids;
  const layers = manifest.layers.map((layer, i) => {
    const diffId = diffIds[i];
    return {
      digest: layer.digest,
      file: parts.blobs.path(layer.digest),
      ...(diffId !== undefined ? { diffId } : {}),
      ...(whenPresent ? { ready: whenPresent(layer.digest) } : {}),
    };
  });
  const { root, checked } = await unpackRootfs(
    parts.rootfsDir,
    rootfsName(manifestDigest),
    layers,
    async (tree) => sha256OfFile(await locateEntrypoint(tree, config, what)),
  );
  return { root, entrypointDigest: checked };
}

/**
 * Starts unpacking a wasm-rootfs image while its layers are still arriving
 * (`whenPresent` resolves as each blob lands, rejects if the ingest ends).
 * Only an optimisation: commit validates everything again, and finds the
 * rootfs ready. Anything that is not a wasm-rootfs image is left to commit.
 */
export async function prepareImage(
  parts: StoreParts,
  manifestDigest: string,
  whenPresent: (digest: string) => Promise<void>,
  what: string,
): Promise<void> {
  await whenPresent(manifestDigest);
  const { manifest } = parseImageManifest(await parts.blobs.read(manifestDigest), what);
  await whenPresent(manifest.config.digest);
  const config = parseImageConfig(
    await parts.blobs.read(manifest.config.digest),
    manifest.config.mediaType,
    what,
  );
  if (isWasmArtifactConfig(config)) return;
  if (classifyImage(manifest, config, what).kind !== 'wasm-rootfs') return;
  await ensureRootfs(parts, manifestDigest, manifest, config, what, whenPresent);
}

/** Checks that `indexDigest` is a stored index listing `manifestDigest`. */
async function checkIndex(
  blobs: BlobStore,
  indexDigest: string,
  manifestDigest: string,
  what: string,
): Promise<void> {
  if (!(await blobs.has(indexDigest))) {
    throw new InvalidImageError(`${what}: index ${indexDigest} is missing`);
  }
  const index = parseJsonObject(await blobs.read(indexDigest), `${what}: index ${indexDigest}`);
  const entries = Array.isArray(index.manifests) ? index.manifests : undefined;
  if (entries === undefined) {
    throw new InvalidImageError(`${what}: ${indexDigest} is not an image index`);
  }
  const listed = entries.some(
    (entry, i) =>
      isJsonObject(entry) &&
      parseDescriptor(entry, `${what}: index manifests[${i}]`).digest === manifestDigest,
  );
  if (!listed) {
    throw new InvalidImageError(`${what}: index ${indexDigest} does not list ${manifestDigest}`);
  }
}

function manifestRecord(
  digest: string,
  image: ValidatedImage,
  entrypointDigest: string | undefined,
): ManifestRecord {
  const layerDigests = image.manifest.layers.map((layer) => layer.digest);
  return {
    digest,
    mediaType: image.mediaType,
    kind: image.kind,
    platform: image.platform,
    size: image.size,
    ...(image.created !== undefined ? { created: image.created } : {}),
    configDigest: image.manifest.config.digest,
    layerDigests,
    blobs: [...new Set([digest, image.manifest.config.digest, ...layerDigests])],
    ...(entrypointDigest !== undefined ? { entrypointDigest } : {}),
  };
}

/**
 * Validates the image `manifestDigest` names (and `indexDigest`, if given),
 * unpacks it when it is a wasm-rootfs image, and records `reference` for it.
 * `claim` is called for every blob before it is read. Throws
 * InvalidImageError or UnsafeLayerError; nothing is recorded then.
 */
export async function recordImage(
  parts: StoreParts,
  reference: ImageReference,
  manifestDigest: string,
  indexDigest: string | undefined,
  claim: (digest: string) => void,
): Promise<LocalImage> {
  const what = formatReference(reference);
  const name = recordedName(reference, manifestDigest, indexDigest);
  claim(manifestDigest);
  if (indexDigest !== undefined) {
    claim(indexDigest);
    await checkIndex(parts.blobs, indexDigest, manifestDigest, what);
  }
  const image = await validateImage(parts.blobs, manifestDigest, what, claim);
  let entrypointDigest: string | undefined;
  if (image.kind === 'wasm-rootfs' && !isWasmArtifactConfig(image.config)) {
    ({ entrypointDigest } = await ensureRootfs(
      parts,
      manifestDigest,
      image.manifest,
      image.config,
      what,
    ));
  }
  const local: LocalImage = {
    ...name,
    manifestDigest,
    ...(indexDigest !== undefined ? { indexDigest } : {}),
    kind: image.kind,
    platform: image.platform,
    size: image.size,
    ...(image.created !== undefined ? { created: image.created } : {}),
    addedAt: new Date().toISOString(),
  };
  parts.index.recordReference(local, manifestRecord(manifestDigest, image, entrypointDigest));
  return local;
}
