// The grammars of the OCI Distribution spec (v1.1): repository names, tags and
// digests, and what a manifest `<reference>` is. Every check throws the
// RegistryError the spec asks for, so handlers can call them first thing.

import { isSha256Digest } from '../oci/reference.js';
import { RegistryError } from './errors.js';

// `<name>`: path components of lowercase alphanumerics joined by `.`, `_`,
// `__` or runs of `-`, separated by `/` (spec v1.1, "Pulling manifests").
const NAME = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
// Clients limit `host/name` to 255 characters; a longer name could never be pulled.
const MAX_NAME_LENGTH = 255;
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
// The general digest grammar (OCI image spec, descriptor.md): any algorithm.
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** True when `name` is a valid repository name. */
export function isRepositoryName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && NAME.test(name);
}

/** Throws NAME_INVALID unless `name` is a valid repository name. */
export function checkRepositoryName(name: string): string {
  if (!isRepositoryName(name)) {
    throw new RegistryError('NAME_INVALID', `invalid repository name "${name}"`, {
      detail: { name },
    });
  }
  return name;
}

/** True when `text` is a valid tag. */
export function isTag(text: string): boolean {
  return TAG.test(text);
}

/**
 * Checks a digest the client sent (`?digest=`, `?mount=`, a path segment) and
 * returns it. The blob store keeps sha256 only: any other well-formed digest
 * is DIGEST_INVALID as well, with a message saying why.
 */
export function checkDigest(text: string | null | undefined): string {
  if (text === null || text === undefined || text === '') {
    throw new RegistryError('DIGEST_INVALID', 'a digest is required');
  }
  if (isSha256Digest(text)) return text;
  const message = DIGEST.test(text)
    ? `unsupported digest "${text}": this registry stores sha256 digests only`
    : `invalid digest "${text}"`;
  throw new RegistryError('DIGEST_INVALID', message, { detail: { digest: text } });
}

/** A manifest `<reference>`: a tag or a digest, never anything else (spec v1.1). */
export type ManifestReference =
  | { readonly kind: 'tag'; readonly tag: string }
  | { readonly kind: 'digest'; readonly digest: string };

/**
 * Classifies `text`; undefined when it is neither a tag nor a digest (the
 * caller decides: GET answers MANIFEST_UNKNOWN, PUT answers MANIFEST_INVALID).
 * A well-formed digest of another algorithm is DIGEST_INVALID.
 */
export function parseManifestReference(text: string): ManifestReference | undefined {
  if (text.includes(':')) {
    if (!DIGEST.test(text)) return undefined;
    return { kind: 'digest', digest: checkDigest(text) };
  }
  return isTag(text) ? { kind: 'tag', tag: text } : undefined;
}
