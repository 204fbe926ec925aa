// How references are keyed in the index: canonical text, as LocalImage.reference.

import type { ImageReference } from '../oci/reference.js';
import { DEFAULT_TAG, formatReference, repositoryOf } from '../oci/reference.js';
import { InvalidImageError } from './image-store-types.js';

/** The identity of a reference as the store records it. */
export interface ReferenceName {
  /** `registry/repository:tag` or `registry/repository@digest`. */
  readonly reference: string;
  readonly repository: string;
  readonly tag?: string;
}

/**
 * The key of a tag reference (`:latest` when it has neither tag nor digest),
 * or of a digest reference (a tag next to a digest is dropped, as Docker does).
 */
export function referenceKey(reference: ImageReference): ReferenceName {
  const repository = repositoryOf(reference);
  if (reference.digest !== undefined) {
    return { reference: `${repository}@${reference.digest}`, repository };
  }
  const tag = reference.tag ?? DEFAULT_TAG;
  return { reference: `${repository}:${tag}`, repository, tag };
}

/**
 * The key under which an image committed as `reference` is recorded. A digest
 * reference must name the manifest or the index it was chosen from.
 */
export function recordedName(
  reference: ImageReference,
  manifestDigest: string,
  indexDigest: string | undefined,
): ReferenceName {
  const digest = reference.digest;
  if (digest !== undefined && digest !== manifestDigest && digest !== indexDigest) {
    throw new InvalidImageError(
      `${formatReference(reference)}: the digest names neither manifest ${manifestDigest}` +
        (indexDigest ? ` nor index ${indexDigest}` : ''),
    );
  }
  return referenceKey(reference);
}
