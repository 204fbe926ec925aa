// fd_readdir: directory entries packed as `dirent` headers followed by names.
//
// The semantics wasi-libc's readdir relies on: entries start at `cookie` (each
// entry's `d_next` is the cookie of the one after it); the buffer is filled
// completely, the last entry cut off wherever the buffer ends; a result
// shorter than the buffer means the end of the directory. When not even one
// whole entry fits, wasi-libc sees a full buffer, grows it and asks again from
// the same cookie.

import type { DirEntry, GuestFileSystem } from '../fs/index.js';
import { SIZE } from './constants.js';
import type { FsEntry } from './fd-table.js';
import { filetypeNumber } from './layouts.js';
import { GuestMemory } from './memory.js';

/** `.` and `..` first (as POSIX readdir lists them), then the directory's own entries. */
function listing(fs: GuestFileSystem, entry: FsEntry): readonly DirEntry[] {
  const self = fs.stat(entry.handle).ino;
  let parent = self;
  try {
    parent = fs.statAt(entry.handle, '..', false).ino;
  } catch {
    // At a mount root `..` is outside the sandbox: report the root as its own parent.
  }
  return [
    { name: '.', type: 'directory', ino: self },
    { name: '..', type: 'directory', ino: parent },
    ...fs.readdir(entry.handle, { inodes: true }),
  ];
}

/** One entry as bytes: the 24-byte header, then the name (no NUL). */
function encodeEntry(entry: DirEntry, next: bigint): Uint8Array {
  const name = GuestMemory.encode(entry.name);
  const bytes = new Uint8Array(SIZE.DIRENT + name.length);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, next, true);
  view.setBigUint64(8, entry.ino ?? 0n, true);
  view.setUint32(16, name.length, true);
  view.setUint8(20, filetypeNumber(entry.type));
  bytes.set(name, SIZE.DIRENT);
  return bytes;
}

/**
 * Fills `[bufferPtr, bufferPtr + bufferLength)` with entries from `cookie` on
 * and returns the number of bytes used.
 */
export function fillDirectoryBuffer(
  fs: GuestFileSystem,
  memory: GuestMemory,
  entry: FsEntry,
  bufferPtr: number,
  bufferLength: number,
  cookie: bigint,
): number {
  // Cookie 0 is a rewind: take a fresh listing, as rewinddir would.
  if (cookie === 0n || entry.listing === undefined) entry.listing = listing(fs, entry);
  const entries = entry.listing;
  const target = memory.bytes(bufferPtr, bufferLength);
  let used = 0;
  for (let index = Number(cookie); index < entries.length && used < target.length; index++) {
    const bytes = encodeEntry(entries[index] as DirEntry, BigInt(index + 1));
    const fitting = Math.min(bytes.length, target.length - used);
    target.set(bytes.subarray(0, fitting), used);
    used += fitting;
  }
  return used;
}
