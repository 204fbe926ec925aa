// ADD of a local archive: like Docker, a tar (plain or gzip-compressed,
// recognised by its content, not its name) is unpacked into the destination
// directory. Its entries become layer entries, checked the way the image store
// checks layers: no `..`, links that stay inside the image, no devices.
// Archives are read into memory: fine for the sizes Wasm images have.

import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { constants as zlibConstants, createGunzip, gunzipSync } from 'node:zlib';
import tar from 'tar-stream';
import type { LayerEntry } from './layer-entries.js';

/** What a file is, as far as ADD is concerned. */
export type ArchiveKind = 'tar' | 'gzip-tar' | 'unsupported-compression' | 'not-an-archive';

/** An archive entry that cannot go into an image; the caller names the line. */
export class ArchiveEntryError extends Error {
  override readonly name = 'ArchiveEntryError';
}

const USTAR_OFFSET = 257;

/**
 * Sniffs `file`: a tar (ustar magic at 257), a gzip whose content is a tar,
 * an archive compressed in a way Node cannot undo (bzip2, xz, zstd), or
 * anything else (ADD then copies it as it is).
 */
export async function archiveKind(file: string): Promise<ArchiveKind> {
  const handle = await open(file, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (isTar(head)) return 'tar';
  if (head[0] === 0x1f && head[1] === 0x8b) {
    // The first 4 KiB of the gzip inflate to at least the first tar header.
    let inflated: Buffer;
    try {
      // Z_SYNC_FLUSH: the head is a truncated stream, which is not an error here.
      inflated = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch {
      return 'not-an-archive';
    }
    return isTar(inflated) ? 'gzip-tar' : 'not-an-archive';
  }
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return 'unsupported-compression';
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])))
    return 'unsupported-compression';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'unsupported-compression';
  return 'not-an-archive';
}

function isTar(head: Buffer): boolean {
  return (
    head.length >= 263 &&
    head.subarray(USTAR_OFFSET, USTAR_OFFSET + 5).toString('latin1') === 'ustar'
  );
}

/**
 * The entries of the archive `file` placed under `destination` (an image
 * path without leading slash; '' is the root). Modes come from the archive,
 * or `chmod` when given. Throws ArchiveEntryError for `..` names, links
 * leaving the image root, hard links to entries not before them, and devices.
 */
export async function archiveEntries(
  file: string,
  kind: 'tar' | 'gzip-tar',
  destination: string,
  chmod: number | undefined,
): Promise<LayerEntry[]> {
  const entries: LayerEntry[] = [];
  const seen = new Set<string>();
  const extract = tar.extract();
  const reading =
    kind === 'gzip-tar'
      ? pipeline(createReadStream(file), createGunzip(), extract)
      : pipeline(createReadStream(file), extract);
  const collecting = (async () => {
    for await (const entry of extract) {
      const header = entry.header;
      const parts = entryParts(header.name);
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      if (parts.length === 0) continue; // `./` itself: the destination directory
      const inImage = [destination, ...parts].filter((part) => part !== '').join('/');
      const mode = chmod ?? header.mode & 0o7777;
      switch (header.type) {
        case 'file':
        case 'contiguous-file': {
          const bytes = Buffer.concat(chunks);
          entries.push({
            type: 'file',
            path: inImage,
            mode,
            size: bytes.length,
            source: { bytes },
          });
          break;
        }
        case 'directory':
          entries.push({ type: 'directory', path: inImage, mode });
          break;
        case 'symlink':
          if (!staysInside(inImage, header.linkname)) {
            throw new ArchiveEntryError(
              `${header.name}: the symlink to ${header.linkname} leaves the image root`,
            );
          }
          entries.push({ type: 'symlink', path: inImage, target: header.linkname });
          break;
        case 'link': {
          const target = entryParts(header.linkname).join('/');
          if (!seen.has(target)) {
            throw new ArchiveEntryError(
              `${header.name}: hard link to ${header.linkname}, which is not earlier in the archive`,
            );
          }
          entries.push({
            type: 'hardlink',
            path: inImage,
            target: [destination, target].filter((p) => p !== '').join('/'),
            mode,
          });
          break;
        }
        default:
          throw new ArchiveEntryError(`${header.name}: a ${header.type} cannot be put in an image`);
      }
      seen.add(parts.join('/'));
    }
  })();
  // The entry check's error explains more than the "premature close" it causes.
  const results = await Promise.allSettled([collecting, reading]);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure?.status === 'rejected') {
    if (failure.reason instanceof ArchiveEntryError) throw failure.reason;
    throw new ArchiveEntryError(`not a valid tar archive (${(failure.reason as Error).message})`);
  }
  return entries;
}

/** The components of an entry name; a leading `/` or `./` is dropped, `..` refused. */
function entryParts(name: string): string[] {
  const parts = name.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..'))
    throw new ArchiveEntryError(`${name}: a path with ".." could write outside the destination`);
  if (name.includes('\0'))
    throw new ArchiveEntryError(`${JSON.stringify(name)}: a NUL byte in a name`);
  return parts;
}

/** True when a symlink at image path `linkPath` to `target` resolves inside the image root. */
function staysInside(linkPath: string, target: string): boolean {
  if (target === '' || target.includes('\0')) return false;
  if (target.startsWith('/')) return true; // resolved against the image root, as in a chroot
  const resolved = path.posix
    .dirname(linkPath)
    .split('/')
    .filter((part) => part !== '' && part !== '.');
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (resolved.length === 0) return false;
      resolved.pop();
    } else {
      resolved.push(part);
    }
  }
  return true;
}
