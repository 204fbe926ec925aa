// Narrowing of untrusted JSON (manifests, configs, index.json) into the typed
// shapes of oci/types.ts. Every failure is an InvalidImageError that names the
// document and the field, so a user can tell which image is broken and why.

import { isSha256Digest } from '../oci/reference.js';
import type { Descriptor, Platform } from '../oci/types.js';
import { InvalidImageError } from './image-store-types.js';

/** A JSON object (not null, not an array). */
export type JsonObject = Readonly<Record<string, unknown>>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses `bytes` as a JSON object; `what` names the document in errors. */
export function parseJsonObject(bytes: Uint8Array, what: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new InvalidImageError(`${what}: not JSON (${(error as Error).message})`);
  }
  if (!isJsonObject(value)) throw new InvalidImageError(`${what}: not a JSON object`);
  return value;
}

/** `value` as a string, or undefined when absent; throws when present with another type. */
export function optionalString(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidImageError(`${what}: not a string`);
  return value;
}

export function requiredString(value: unknown, what: string): string {
  const text = optionalString(value, what);
  if (text === undefined || text.length === 0) throw new InvalidImageError(`${what}: missing`);
  return text;
}

/** A string array, or undefined when absent or null (Docker writes `null` for empty). */
export function optionalStringArray(value: unknown, what: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new InvalidImageError(`${what}: not an array of strings`);
  }
  return value as string[];
}

/** String annotations (`Record<string, string>`), or undefined when absent. */
export function optionalAnnotations(
  value: unknown,
  what: string,
): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value) || Object.values(value).some((item) => typeof item !== 'string')) {
    throw new InvalidImageError(`${what}: not a map of strings`);
  }
  return value as Record<string, string>;
}

/** A platform object (`architecture`, `os`, optional `variant` and `os.version`). */
export function parsePlatform(value: unknown, what: string): Platform {
  if (!isJsonObject(value)) throw new InvalidImageError(`${what}: not an object`);
  const variant = optionalString(value.variant, `${what}.variant`);
  const osVersion = optionalString(value['os.version'], `${what}.os.version`);
  return {
    architecture: requiredString(value.architecture, `${what}.architecture`),
    os: requiredString(value.os, `${what}.os`),
    ...(variant ? { variant } : {}),
    ...(osVersion ? { 'os.version': osVersion } : {}),
  };
}

/**
 * A content descriptor with a canonical sha256 digest and a non-negative
 * integer size (the blob store only holds sha256 content).
 */
export function parseDescriptor(value: unknown, what: string): Descriptor {
  if (!isJsonObject(value)) throw new InvalidImageError(`${what}: not a descriptor object`);
  const mediaType = requiredString(value.mediaType, `${what}.mediaType`);
  const digest = requiredString(value.digest, `${what}.digest`);
  if (!isSha256Digest(digest)) {
    throw new InvalidImageError(`${what}.digest: "${digest}" is not a sha256 digest`);
  }
  const size = value.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new InvalidImageError(`${what}.size: not a non-negative integer`);
  }
  const annotations = optionalAnnotations(value.annotations, `${what}.annotations`);
  const artifactType = optionalString(value.artifactType, `${what}.artifactType`);
  return {
    mediaType,
    digest,
    size,
    ...(annotations ? { annotations } : {}),
    ...(value.platform !== undefined
      ? { platform: parsePlatform(value.platform, `${what}.platform`) }
      : {}),
    ...(artifactType ? { artifactType } : {}),
  };
}
