// Writes a layer: a deterministic tar, gzip-compressed, streamed into the blob
// store's temp area. The tar's sha256 is the layer's diff_id (what the config's
// rootfs lists); the gzip's sha256 is the blob digest (what the manifest lists).
//
// Deterministic: entries come normalised (sorted, one per path), every header
// has the same mtime, uid/gid 0 and no user or group names, and the gzip header
// carries no name or time (zlib writes mtime 0). The compressed bytes depend on
// zlib's version as well; the diff_id does not.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip, constants as zlibConstants } from 'node:zlib';
import tar from 'tar-stream';
import type { Header, Pack } from 'tar-stream';
import type { BlobStore, StagedBlob } from '../store/blob-store.js';
import type { LayerEntry } from './layer-entries.js';
import { normalizeLayer } from './layer-entries.js';

/** What pack.entry accepts: a name and any other header fields. */
type HeaderArgument = Partial<Header> & Pick<Header, 'name'>;

/** A layer staged in the blob store, not yet committed. */
export interface WrittenLayer {
  readonly staged: StagedBlob;
  /** `sha256:` of the uncompressed tar. */
  readonly diffId: string;
  /** Number of tar entries written (parent directories included). */
  readonly entries: number;
}

/** Options of writeLayer. */
export interface LayerOptions {
  /** The mtime of every entry. */
  readonly mtime: Date;
  /** Names the layer in blob-store errors. */
  readonly what?: string;
}

// Type bits added to the mode so that a --chmod of 000 is written as such
// (tar-stream replaces a zero mode with its default); headers keep 0o7777 only.
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

/**
 * Normalises `entries`, tars and gzips them into `blobs`' temp area. The caller
 * commits (or discards) the staged blob. Rejects when a source file cannot be
 * read or changed size while being written.
 */
export async function writeLayer(
  blobs: BlobStore,
  entries: Iterable<LayerEntry>,
  options: LayerOptions,
): Promise<WrittenLayer> {
  const ordered = normalizeLayer(entries);
  const pack = tar.pack();
  const tarHash = createHash('sha256');
  async function* hashed(source: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      tarHash.update(chunk as Buffer);
      yield chunk as Buffer;
    }
  }
  // Level 6 is zlib's default; fixed here so a change of default cannot change digests.
  const gzip = createGzip({
    level: 6,
    strategy: zlibConstants.Z_DEFAULT_STRATEGY,
    chunkSize: 64 * 1024,
  });
  const results = await Promise.allSettled([
    feed(pack, ordered, options.mtime),
    pipeline(hashed(pack), gzip),
    blobs.stage(gzip, { what: options.what ?? 'layer' }),
  ]);
  const failure = results.find((result) => result.status === 'rejected');
  const staged = results[2].status === 'fulfilled' ? results[2].value : undefined;
  if (failure !== undefined || staged === undefined) {
    if (staged !== undefined) await blobs.discard(staged);
    throw failure?.status === 'rejected' ? failure.reason : new Error('layer not written');
  }
  return { staged, diffId: `sha256:${tarHash.digest('hex')}`, entries: ordered.length };
}

/** Writes every entry into `pack` and finalises it; destroys it on failure. */
async function feed(pack: Pack, entries: readonly LayerEntry[], mtime: Date): Promise<void> {
  try {
    for (const entry of entries) await writeEntry(pack, entry, mtime);
    pack.finalize();
  } catch (error) {
    pack.destroy(error as Error);
    throw error;
  }
}

async function writeEntry(pack: Pack, entry: LayerEntry, mtime: Date): Promise<void> {
  const common = { mtime, uid: 0, gid: 0, uname: '', gname: '' };
  switch (entry.type) {
    case 'directory':
      return write(pack, {
        ...common,
        name: `${entry.path}/`,
        type: 'directory',
        mode: S_IFDIR | entry.mode,
      });
    case 'symlink':
      return write(pack, {
        ...common,
        name: entry.path,
        type: 'symlink',
        linkname: entry.target,
        mode: 0o777,
      });
    case 'hardlink':
      return write(pack, {
        ...common,
        name: entry.path,
        type: 'link',
        linkname: entry.target,
        mode: S_IFREG | entry.mode,
      });
    case 'file': {
      const header: HeaderArgument = {
        ...common,
        name: entry.path,
        type: 'file',
        mode: S_IFREG | entry.mode,
        size: entry.size,
      };
      if ('bytes' in entry.source) return write(pack, header, Buffer.from(entry.source.bytes));
      return writeStream(pack, header, entry.source.file);
    }
  }
}

function write(pack: Pack, header: HeaderArgument, body?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error | null): void => (error ? reject(error) : resolve());
    if (body === undefined) pack.entry(header, done);
    else pack.entry(header, body, done);
  });
}

/** Streams a file into an entry, honouring the pack's back-pressure. */
async function writeStream(pack: Pack, header: HeaderArgument, file: string): Promise<void> {
  let entry: ReturnType<Pack['entry']> | undefined;
  const finished = new Promise<void>((resolve, reject) => {
    entry = pack.entry(header, (error) => (error ? reject(error) : resolve()));
  });
  if (entry === undefined) throw new Error('tar-stream did not create an entry');
  const sink = entry;
  // The failure reaches us through the entry callback; without a listener,
  // the sink's 'error' event would be an uncaught exception.
  sink.on('error', () => undefined);
  try {
    for await (const chunk of createReadStream(file)) {
      if (!sink.write(chunk))
        await new Promise<void>((resolve) => sink.once('drain', () => resolve()));
    }
    sink.end(undefined);
  } catch (error) {
    sink.destroy(error as Error);
  }
  await finished;
}
