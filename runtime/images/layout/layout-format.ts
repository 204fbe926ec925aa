// The OCI image layout (image-spec `image-layout.md`): an `oci-layout` file,
// an `index.json` listing the images, and content-addressed `blobs/<alg>/<hex>`.
// Names: `org.opencontainers.image.ref.name` holds the tag (what skopeo's
// `oci:<dir>:<tag>` matches); `io.containerd.image.name` the full reference
// (what `docker save` writes), so a load can restore the whole name.

import { MediaTypes } from '../oci/media-types.js';
import type { ImageReference } from '../oci/reference.js';
import { parseReference } from '../oci/reference.js';
import type { Descriptor } from '../oci/types.js';
import { InvalidImageError } from '../store/image-store-types.js';
import { parseDescriptor, parseJsonObject } from '../store/json-shapes.js';

export const OCI_LAYOUT_FILE = 'oci-layout';
export const INDEX_FILE = 'index.json';
export const LAYOUT_VERSION = '1.0.0';
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
export const IMAGE_NAME_ANNOTATION = 'io.containerd.image.name';

/** Where a layout is: a directory, or a tar archive of one. */
export type LayoutLocation = { readonly dir: string } | { readonly tarFile: string };

/** The layout's path of blob `digest` (a canonical sha256 digest). */
export function blobPath(digest: string): string {
  return `blobs/sha256/${digest.slice('sha256:'.length)}`;
}

export function layoutFileBytes(): Buffer {
  return Buffer.from(JSON.stringify({ imageLayoutVersion: LAYOUT_VERSION }));
}

/** Checks the `oci-layout` file's content. */
export function checkLayoutFile(bytes: Buffer, where: string): void {
  const layout = parseJsonObject(bytes, `${where}/${OCI_LAYOUT_FILE}`);
  if (typeof layout.imageLayoutVersion !== 'string') {
    throw new InvalidImageError(`${where}: oci-layout has no imageLayoutVersion`);
  }
}

/** The descriptors `index.json` lists. */
export function parseLayoutIndex(bytes: Buffer, where: string): Descriptor[] {
  const index = parseJsonObject(bytes, `${where}/${INDEX_FILE}`);
  if (!Array.isArray(index.manifests)) {
    throw new InvalidImageError(`${where}/${INDEX_FILE}: manifests is not an array`);
  }
  return index.manifests.map((entry, i) =>
    parseDescriptor(entry, `${where}/${INDEX_FILE}: manifests[${i}]`),
  );
}

/** `index.json` for `manifests`. */
export function layoutIndexBytes(manifests: readonly Descriptor[]): Buffer {
  return Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests }, null, 2),
  );
}

/** A ref.name that is only a tag (`v1`), not a reference (`app:v1`, `reg.io/app`). */
function isBareTag(name: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(name);
}

/**
 * The reference an index.json entry is loaded as: the containerd image name
 * when present; else ref.name, which is either a whole reference (Docker's
 * rules: without a registry it is on docker.io) or a bare tag, which needs
 * `repository`. Throws InvalidImageError naming the entry when neither works.
 */
export function entryReference(
  entry: Descriptor,
  repository: string | undefined,
  where: string,
): ImageReference {
  const annotations = entry.annotations ?? {};
  const full = annotations[IMAGE_NAME_ANNOTATION];
  const refName = annotations[REF_NAME_ANNOTATION];
  try {
    if (typeof full === 'string' && full.length > 0) return parseReference(full);
    if (typeof refName !== 'string' || refName.length === 0) {
      throw new InvalidImageError(`has no ${REF_NAME_ANNOTATION} annotation`);
    }
    if (!isBareTag(refName)) return parseReference(refName);
    if (repository === undefined) {
      throw new InvalidImageError(
        `is named only by the tag "${refName}": give the repository to load it into`,
      );
    }
    return parseReference(`${repository}:${refName}`);
  } catch (error) {
    throw new InvalidImageError(`${where}: image ${entry.digest} ${(error as Error).message}`);
  }
}
