// Digests (`<algorithm>:<hex>`) computed and checked: over bytes in memory
// (manifests) and over a stream as it passes (blobs pulled with `verify`).

import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { DigestMismatchError } from '../store/blob-store.js';

/** Algorithms a digest may use (the OCI image spec's registered ones). */
const ALGORITHMS: ReadonlySet<string> = new Set(['sha256', 'sha512']);

/** `sha256:<hex>` of `bytes`, or with another registered algorithm. */
export function digestOf(bytes: Uint8Array, algorithm = 'sha256'): string {
  if (!ALGORITHMS.has(algorithm)) throw new Error(`unsupported digest algorithm "${algorithm}"`);
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** True when `reference` (a tag or a digest) is a digest: tags cannot contain `:`. */
export function isDigest(reference: string): boolean {
  return reference.includes(':');
}

function algorithmOf(digest: string, what: string): string {
  const algorithm = digest.slice(0, digest.indexOf(':'));
  if (!ALGORITHMS.has(algorithm)) {
    throw new DigestMismatchError(digest, `(unsupported algorithm "${algorithm}")`, what);
  }
  return algorithm;
}

/**
 * Throws DigestMismatchError (naming `what`) unless `bytes` hash to
 * `expected`, computed with `expected`'s own algorithm.
 */
export function verifyDigest(bytes: Uint8Array, expected: string, what: string): void {
  const actual = digestOf(bytes, algorithmOf(expected, what));
  if (actual !== expected) throw new DigestMismatchError(expected, actual, what);
}

/**
 * Passes `body` through unchanged, failing with DigestMismatchError at its end
 * when its digest or (if given) size differ from `expected`.
 */
export async function* verifyingStream(
  body: Readable | AsyncIterable<Uint8Array>,
  expected: { readonly digest: string; readonly size?: number },
  what: string,
): AsyncGenerator<Uint8Array> {
  const algorithm = algorithmOf(expected.digest, what);
  const hash = createHash(algorithm);
  let size = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    size += chunk.length;
    if (expected.size !== undefined && size > expected.size) {
      throw new DigestMismatchError(
        `${expected.size} bytes`,
        `more than ${expected.size} bytes`,
        what,
      );
    }
    yield chunk;
  }
  const digest = `${algorithm}:${hash.digest('hex')}`;
  if (digest !== expected.digest) throw new DigestMismatchError(expected.digest, digest, what);
  if (expected.size !== undefined && size !== expected.size) {
    throw new DigestMismatchError(`${expected.size} bytes`, `${size} bytes`, what);
  }
}
