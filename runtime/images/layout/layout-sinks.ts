// Where `saveImages` writes a layout: a directory (merged with a layout that
// is already there, as skopeo does) or a tar file. Both publish atomically:
// blobs before index.json in a directory, the whole tar by a final rename.

import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import type { Descriptor } from '../oci/types.js';
import {
  INDEX_FILE,
  OCI_LAYOUT_FILE,
  blobPath,
  layoutFileBytes,
  layoutIndexBytes,
  parseLayoutIndex,
} from './layout-format.js';

/** Receives a layout's parts; `finish` publishes it, `abort` leaves nothing half-written. */
export interface LayoutSink {
  /** Index entries already in the target (a directory holding a layout), kept unless replaced. */
  existingEntries(): Promise<Descriptor[]>;
  /** Adds blob `digest` (`size` bytes) read from `open()`, unless the target has it. */
  addBlob(digest: string, size: number, open: () => Readable): Promise<void>;
  /** Writes `oci-layout` and `index.json` with `manifests`, and makes the layout visible. */
  finish(manifests: readonly Descriptor[]): Promise<void>;
  abort(): Promise<void>;
}

const tempName = (file: string) => `${file}.tmp-${randomBytes(6).toString('hex')}`;

async function writeAtomically(file: string, bytes: Buffer): Promise<void> {
  const temp = tempName(file);
  await writeFile(temp, bytes);
  await rename(temp, file);
}

/** A layout directory, created if missing. */
export async function directorySink(dir: string): Promise<LayoutSink> {
  await mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  return {
    async existingEntries() {
      try {
        return parseLayoutIndex(await readFile(path.join(dir, INDEX_FILE)), dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
    },
    async addBlob(digest, size, open) {
      const file = path.join(dir, blobPath(digest));
      const existing = await stat(file).catch(() => undefined);
      if (existing?.size === size) return;
      const temp = tempName(file);
      try {
        await pipeline(open(), createWriteStream(temp));
        await rename(temp, file);
      } finally {
        await rm(temp, { force: true });
      }
    },
    async finish(manifests) {
      await writeAtomically(path.join(dir, OCI_LAYOUT_FILE), layoutFileBytes());
      await writeAtomically(path.join(dir, INDEX_FILE), layoutIndexBytes(manifests));
    },
    async abort() {
      // Blobs already written are valid content; index.json was not touched.
    },
  };
}

/** A tar archive of a layout, written to a temp file and renamed into place at the end. */
export async function tarSink(tarFile: string): Promise<LayoutSink> {
  const temp = tempName(tarFile);
  const file = createWriteStream(temp);
  // An unwritable target fails here, with its own error, before any work.
  await once(file, 'open');
  const pack = tar.pack();
  const written = pipeline(pack, file);
  // Awaited by finish or abort; this only keeps an early failure from being unhandled.
  written.catch(() => undefined);
  const added = new Set<string>();
  // Fixed times and modes: saving the same images twice gives the same bytes.
  const mtime = new Date(0);
  const small = (name: string, content?: Buffer) =>
    new Promise<void>((resolve, reject) => {
      const header = content
        ? { name, mode: 0o644, mtime }
        : { name, mode: 0o755, mtime, type: 'directory' as const };
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      if (content) pack.entry(header, content, done);
      else pack.entry(header, done);
    });
  await small(OCI_LAYOUT_FILE, layoutFileBytes());
  await small('blobs/');
  await small('blobs/sha256/');
  return {
    async existingEntries() {
      return [];
    },
    async addBlob(digest, size, open) {
      if (added.has(digest)) return;
      added.add(digest);
      await pipeline(open(), pack.entry({ name: blobPath(digest), size, mode: 0o644, mtime }));
    },
    async finish(manifests) {
      await small(INDEX_FILE, layoutIndexBytes(manifests));
      pack.finalize();
      await written;
      await rename(temp, tarFile);
    },
    async abort() {
      pack.destroy();
      await written.catch(() => undefined);
      await rm(temp, { force: true });
    },
  };
}
