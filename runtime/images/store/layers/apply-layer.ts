// Streams one layer blob into a RootfsWriter: detects compression by its magic
// bytes (media types lie, and Docker's uncompressed layers are often labelled
// gzip), hashes the uncompressed tar on the way (its diff_id), and turns
// refusals into errors that name the layer and the entry.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { InvalidImageError, UnsafeLayerError } from '../image-store-types.js';
import { UnsafeEntryError } from './rootfs-paths.js';
import type { RootfsWriter } from './rootfs-writer.js';

/** A layer to apply: where its blob is and what its uncompressed content must hash to. */
export interface LayerToApply {
  /** The blob's digest, which names the layer in errors. */
  readonly digest: string;
  /** Path of the blob (tar, or gzip-compressed tar). */
  readonly file: string;
  /** Expected `sha256:` of the uncompressed tar (the config's diff_id), if known. */
  readonly diffId?: string;
  /** Resolves once `file` is complete (a pull still downloading it); absent: it is. */
  readonly ready?: Promise<void>;
}

type Compression = 'none' | 'gzip' | 'zstd';

/** tar-stream's entries are streamx streams: async iterable, though not declared so. */
function bytesOf(entry: object): AsyncIterable<Uint8Array> {
  if (!(Symbol.asyncIterator in entry)) throw new TypeError('tar entry is not async iterable');
  return entry as AsyncIterable<Uint8Array>;
}

async function compressionOf(file: string): Promise<Compression> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    if (bytesRead === 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
    return 'none';
  } finally {
    await handle.close();
  }
}

/**
 * Applies `layer` on top of what `writer` holds. Resolves with the layer's
 * diff_id. Throws UnsafeLayerError (layer digest and entry name in the
 * message) for a refused entry, InvalidImageError for a layer that is not a
 * (gzipped) tar or whose diff_id differs from `layer.diffId`.
 */
export async function applyLayer(writer: RootfsWriter, layer: LayerToApply): Promise<string> {
  const compression = await compressionOf(layer.file);
  if (compression === 'zstd') {
    throw new InvalidImageError(`layer ${layer.digest}: zstd-compressed layers are not supported`);
  }
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  // Loaded here, not at the top: an idle node agent has no layer to unpack.
  const { default: tar } = await import('tar-stream');
  const extract = tar.extract();
  const source = createReadStream(layer.file);
  const feeding =
    compression === 'gzip'
      ? pipeline(source, createGunzip(), tap, extract)
      : pipeline(source, tap, extract);
  writer.beginLayer();
  // A refusal (or a filesystem error) while applying an entry is the cause;
  // anything the archive's reader or decompressor throws means a broken layer.
  let refusal: unknown;
  let unreadable: unknown;
  try {
    for await (const entry of extract) {
      try {
        await writer.apply(entry.header, bytesOf(entry));
      } catch (error) {
        refusal =
          error instanceof UnsafeEntryError
            ? new UnsafeLayerError(
                `layer ${layer.digest}: entry "${entry.header.name}": ${error.message}`,
              )
            : error;
        break;
      }
      entry.resume();
    }
  } catch (error) {
    unreadable = error;
  }
  try {
    await feeding;
  } catch (error) {
    // After a refusal the pipeline fails with "premature close", which says nothing.
    unreadable ??= error;
  }
  if (refusal !== undefined) throw refusal;
  if (unreadable !== undefined) {
    const kind = compression === 'gzip' ? 'gzipped tar' : 'tar';
    throw new InvalidImageError(
      `layer ${layer.digest}: not a valid ${kind} archive (${(unreadable as Error).message})`,
    );
  }
  const diffId = `sha256:${hash.digest('hex')}`;
  if (layer.diffId !== undefined && layer.diffId !== diffId) {
    throw new InvalidImageError(
      `layer ${layer.digest}: uncompressed content has digest ${diffId}, the config's diff_id is ${layer.diffId}`,
    );
  }
  return diffId;
}
