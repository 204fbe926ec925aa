// What a pushed manifest is and what it references, read from its bytes.
// Pure: the storage checks the references against the repository.
//
// Accepted: OCI image manifests and indexes, Docker schema 2 manifests and
// manifest lists. The media type comes from Content-Type; when the client sent
// none (or a generic one) the manifest's own `mediaType` field decides, and
// failing that its shape (`manifests` → index, `config` → image manifest).

import { INDEX_TYPES, IMAGE_MANIFEST_TYPES, MediaTypes } from '../oci/media-types.js';
import { isSha256Digest } from '../oci/reference.js';
import type { Descriptor } from '../oci/types.js';
import { RegistryError } from './errors.js';

/** The manifest media types this registry stores. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [...IMAGE_MANIFEST_TYPES, ...INDEX_TYPES];

// Content types that say nothing about the manifest (curl's and some tools' defaults).
const GENERIC_TYPES = new Set(['', 'application/json', 'application/octet-stream']);

/** A manifest's references and the facts the referrers API reports. */
export interface ParsedManifest {
  readonly mediaType: string;
  readonly kind: 'image' | 'index';
  /** Blobs that must be in the repository: config and layers (foreign layers with `urls` excluded). */
  readonly blobs: readonly Descriptor[];
  /** Manifests that must be in the repository: an index's children. */
  readonly manifests: readonly Descriptor[];
  readonly subject?: Descriptor;
  /** `artifactType`, else (image manifests) the config's media type. */
  readonly artifactType?: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

function invalid(message: string, detail?: unknown): RegistryError {
  return new RegistryError('MANIFEST_INVALID', message, { detail });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringRecord(value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw invalid(`${where}: annotations must map strings to strings`);
  }
  return value as Record<string, string>;
}

function descriptor(value: unknown, where: string): Descriptor {
  if (!isObject(value)) throw invalid(`${where}: not a descriptor`);
  const { mediaType, digest, size } = value;
  if (typeof mediaType !== 'string' || mediaType === '') {
    throw invalid(`${where}: mediaType is missing`);
  }
  if (typeof digest !== 'string' || !isSha256Digest(digest)) {
    throw invalid(`${where}: digest "${String(digest)}" is not a sha256 digest`, { digest });
  }
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw invalid(`${where}: size must be a non-negative integer`);
  }
  const annotations = stringRecord(value.annotations, where);
  const artifactType = typeof value.artifactType === 'string' ? value.artifactType : undefined;
  return {
    mediaType,
    digest,
    size,
    ...(annotations ? { annotations } : {}),
    ...(artifactType ? { artifactType } : {}),
  };
}

function descriptors(value: unknown, where: string): Descriptor[] {
  if (!Array.isArray(value)) throw invalid(`${where} must be an array`);
  return value.map((item, i) => descriptor(item, `${where}[${i}]`));
}

// A layer the registry never holds: the client fetches it from its `urls`.
function isForeign(value: unknown): boolean {
  return isObject(value) && Array.isArray(value.urls) && value.urls.length > 0;
}

function mediaTypeOf(contentType: string | undefined, body: Record<string, unknown>): string {
  const declared = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const inBody = typeof body.mediaType === 'string' ? body.mediaType : undefined;
  if (MANIFEST_MEDIA_TYPES.includes(declared)) {
    if (inBody !== undefined && inBody !== declared) {
      throw invalid(`Content-Type ${declared} does not match the manifest's mediaType ${inBody}`);
    }
    return declared;
  }
  if (!GENERIC_TYPES.has(declared)) {
    throw invalid(
      `unsupported manifest media type "${declared}" (supported: ${MANIFEST_MEDIA_TYPES.join(', ')})`,
    );
  }
  if (inBody !== undefined) {
    if (!MANIFEST_MEDIA_TYPES.includes(inBody)) {
      throw invalid(`unsupported manifest media type "${inBody}"`);
    }
    return inBody;
  }
  if ('manifests' in body) return MediaTypes.ociIndex;
  if ('config' in body) return MediaTypes.ociManifest;
  throw invalid('cannot tell the manifest media type: send it as Content-Type');
}

/** Parses and checks manifest `bytes`; throws MANIFEST_INVALID naming what is wrong. */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined): ParsedManifest {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw invalid(`manifest is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(body)) throw invalid('manifest is not a JSON object');
  if (body.schemaVersion !== 2) throw invalid('schemaVersion must be 2');
  const mediaType = mediaTypeOf(contentType, body);
  const annotations = stringRecord(body.annotations, 'manifest');
  const subject = body.subject === undefined ? undefined : descriptor(body.subject, 'subject');
  const declaredArtifactType =
    typeof body.artifactType === 'string' ? body.artifactType : undefined;
  const common = {
    mediaType,
    ...(subject ? { subject } : {}),
    ...(annotations ? { annotations } : {}),
  };
  if (INDEX_TYPES.includes(mediaType)) {
    return {
      ...common,
      kind: 'index',
      blobs: [],
      manifests: descriptors(body.manifests, 'manifests'),
      ...(declaredArtifactType ? { artifactType: declaredArtifactType } : {}),
    };
  }
  const config = descriptor(body.config, 'config');
  if (!Array.isArray(body.layers)) throw invalid('layers must be an array');
  const layers = body.layers.flatMap((layer: unknown, i: number) =>
    isForeign(layer) ? [] : [descriptor(layer, `layers[${i}]`)],
  );
  return {
    ...common,
    kind: 'image',
    blobs: [config, ...layers],
    manifests: [],
    artifactType: declaredArtifactType ?? config.mediaType,
  };
}
