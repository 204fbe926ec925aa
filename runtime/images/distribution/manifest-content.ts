// Manifests as they come off the wire: JSON read into the OCI types only when
// its shape really is a manifest or an index, so the rest of Skiff can trust
// `ImageManifest` and `ImageIndex` values.

import { IMAGE_MANIFEST_TYPES, INDEX_TYPES } from '../oci/media-types.js';
import type { Descriptor, ImageIndex, ImageManifest } from '../oci/types.js';

/** A manifest's JSON read and checked: which kind, and the typed value. */
export type ParsedManifest =
  | { readonly kind: 'manifest'; readonly mediaType: string; readonly value: ImageManifest }
  | { readonly kind: 'index'; readonly mediaType: string; readonly value: ImageIndex };

const SCHEMA1 = /^application\/vnd\.docker\.distribution\.manifest\.v1\+(prettyjws|json)$/;

/**
 * Reads manifest `bytes` served as `contentType`. The media type is the
 * header's when it names a manifest type, else the JSON's `mediaType`, else
 * what the shape says (OCI allows manifests without one). Returns a reason
 * string when the bytes are not a usable manifest or index.
 */
export function parseManifest(
  bytes: Uint8Array,
  contentType: string | null,
): ParsedManifest | string {
  const header = contentType?.split(';')[0]?.trim() ?? '';
  if (SCHEMA1.test(header)) return `Docker schema 1 manifests (${header}) are not supported`;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return 'the manifest is not valid JSON';
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return 'the manifest is not a JSON object';
  const record = json as Record<string, unknown>;
  if (record.schemaVersion !== 2)
    return `unsupported manifest schemaVersion ${String(record.schemaVersion)}`;
  const own = typeof record.mediaType === 'string' ? record.mediaType : undefined;
  const known = [...INDEX_TYPES, ...IMAGE_MANIFEST_TYPES];
  const mediaType = known.includes(header) ? header : (own ?? header);
  const manifests = Array.isArray(record.manifests) ? (record.manifests as unknown[]) : undefined;
  const isIndex =
    INDEX_TYPES.includes(mediaType) || (!known.includes(mediaType) && manifests !== undefined);
  if (isIndex) {
    if (!manifests?.every(isDescriptor)) return 'the index has malformed "manifests"';
    return { kind: 'index', mediaType, value: json as ImageIndex };
  }
  if (!isDescriptor(record.config)) return 'the manifest has no valid "config" descriptor';
  if (!Array.isArray(record.layers) || !record.layers.every(isDescriptor)) {
    return 'the manifest has malformed "layers"';
  }
  return { kind: 'manifest', mediaType, value: json as ImageManifest };
}

/** A descriptor's required fields, with the types the spec gives them. */
export function isDescriptor(value: unknown): value is Descriptor {
  if (typeof value !== 'object' || value === null) return false;
  const { mediaType, digest, size } = value as Record<string, unknown>;
  return (
    typeof mediaType === 'string' &&
    typeof digest === 'string' &&
    /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(digest) &&
    typeof size === 'number' &&
    Number.isSafeInteger(size) &&
    size >= 0
  );
}
