// Operations on open handles: data, cursor, attributes, directory listing.
// Callers have already checked that the handle belongs to this guest.

import fs from 'node:fs';
import { FsError } from './errors.js';
import type { OpenHandle } from './handle.js';
import {
  O_APPEND,
  O_CREAT,
  O_EXCL,
  O_NOFOLLOW,
  O_TRUNC,
  childPath,
  closeQuietly,
  fdPath,
  hostCall,
} from './host.js';
import { fileTypeOf, toFileStat } from './stat.js';
import { needsCurrentTimes, timesToApply } from './times.js';
import type { DirEntry, FileStat, NewTime, Whence } from './types.js';

// Node's fs takes offsets as doubles; past 2^53 they would silently round.
const MAX_OFFSET = BigInt(Number.MAX_SAFE_INTEGER);

/** An offset Node can take exactly, or `EFBIG`. */
function toOffset(offset: bigint): number {
  if (offset < 0n) throw new FsError('EINVAL', 'negative offset');
  if (offset > MAX_OFFSET) throw new FsError('EFBIG', 'offset too large');
  return Number(offset);
}

/** Data operations are for files, not directories. */
function requireNotDirectory(handle: OpenHandle): void {
  if (handle.type === 'directory') throw new FsError('EISDIR');
}

/**
 * FIFOs, devices and sockets have no offsets: they are read and written at
 * "the cursor" with read(2)/write(2) (Node's null position); an explicit
 * offset is ESPIPE, as pread/pwrite say.
 */
function isStream(handle: OpenHandle, position: bigint | 'end' | undefined): boolean {
  if (handle.type === 'regular-file') return false;
  if (position !== undefined) throw new FsError('ESPIPE');
  return true;
}

/** See `GuestFileSystem.read`. */
export function readHandle(handle: OpenHandle, into: Uint8Array, position?: bigint): number {
  if (!handle.readable) throw new FsError('EBADF', 'handle is not open for reading');
  requireNotDirectory(handle);
  if (isStream(handle, position)) {
    const fd = handle.fd;
    return hostCall(() => fs.readSync(fd, into, 0, into.length, null));
  }
  const at = position ?? handle.position;
  if (at > MAX_OFFSET) return 0; // no host filesystem stores data that far out
  const fd = handle.fd;
  const count = hostCall(() => fs.readSync(fd, into, 0, into.length, toOffset(at)));
  if (position === undefined) handle.position += BigInt(count);
  return count;
}

/** See `GuestFileSystem.write`. */
export function writeHandle(
  handle: OpenHandle,
  data: Uint8Array,
  position?: bigint | 'end',
): number {
  if (!handle.writable) throw new FsError('EBADF', 'handle is not open for writing');
  if (handle.readOnly) throw new FsError('EROFS');
  requireNotDirectory(handle);
  const fd = handle.fd;
  if (isStream(handle, position)) {
    return hostCall(() => fs.writeSync(fd, data, 0, data.length, null));
  }
  const writeAt = (offset: bigint): number =>
    hostCall(() => fs.writeSync(fd, data, 0, data.length, toOffset(offset)));
  if (position === 'end') return writeAt(sizeOf(fd));
  if (position !== undefined) return writeAt(position);
  if (handle.append) {
    // The host fd has O_APPEND, so Linux appends whatever offset pwrite is given;
    // the cursor then sits at the new end, as POSIX specifies for append writes.
    const count = writeAt(handle.position);
    handle.position = sizeOf(fd);
    return count;
  }
  const count = writeAt(handle.position);
  handle.position += BigInt(count);
  return count;
}

function sizeOf(fd: number): bigint {
  return hostCall(() => fs.fstatSync(fd, { bigint: true }).size);
}

/** See `GuestFileSystem.seek`. */
export function seekHandle(handle: OpenHandle, offset: bigint, whence: Whence): bigint {
  if (handle.type === 'directory') throw new FsError('EBADF', 'cannot seek a directory');
  if (handle.type !== 'regular-file') throw new FsError('ESPIPE');
  const base = whence === 'set' ? 0n : whence === 'current' ? handle.position : sizeOf(handle.fd);
  const next = base + offset;
  if (next < 0n) throw new FsError('EINVAL', 'seek before the start of the file');
  handle.position = next;
  return next;
}

/** See `GuestFileSystem.stat`. */
export function statHandle(handle: OpenHandle): FileStat {
  const fd = handle.fd;
  return toFileStat(hostCall(() => fs.fstatSync(fd, { bigint: true })));
}

/** See `GuestFileSystem.setSize`. */
export function setHandleSize(handle: OpenHandle, size: bigint): void {
  if (handle.readOnly) throw new FsError('EROFS');
  requireNotDirectory(handle);
  if (!handle.writable) throw new FsError('EBADF', 'handle is not open for writing');
  const fd = handle.fd;
  const length = toOffset(size);
  hostCall(() => fs.ftruncateSync(fd, length));
}

/** See `GuestFileSystem.setTimes`. */
export function setHandleTimes(handle: OpenHandle, atime: NewTime, mtime: NewTime): void {
  if (handle.readOnly) throw new FsError('EROFS');
  const fd = handle.fd;
  const current = needsCurrentTimes(atime, mtime)
    ? hostCall(() => fs.fstatSync(fd, { bigint: true }))
    : undefined;
  const [a, m] = timesToApply(atime, mtime, current);
  hostCall(() => fs.futimesSync(fd, a, m));
}

/** See `GuestFileSystem.sync`. */
export function syncHandle(handle: OpenHandle, dataOnly: boolean): void {
  const fd = handle.fd;
  hostCall(() => (dataOnly ? fs.fdatasyncSync(fd) : fs.fsyncSync(fd)));
}

/** See `GuestFileSystem.readdir`. */
export function readHandleDirectory(handle: OpenHandle, inodes: boolean): DirEntry[] {
  if (handle.type !== 'directory') throw new FsError('ENOTDIR');
  const fd = handle.fd;
  const dirents = hostCall(() => fs.readdirSync(fdPath(fd), { withFileTypes: true }));
  const entries = dirents.map((dirent): DirEntry => {
    const type = fileTypeOf(dirent);
    if (!inodes) return { name: dirent.name, type };
    const st = fs.lstatSync(childPath(fd, dirent.name), { bigint: true, throwIfNoEntry: false });
    // An entry removed since the listing keeps its place with inode 0.
    return { name: dirent.name, type, ino: st?.ino ?? 0n };
  });
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * See `GuestFileSystem.setAppend`. Node cannot fcntl(F_SETFL), so the file is
 * reopened through its /proc magic link (same inode, same access) with or
 * without O_APPEND, and the new fd replaces the old one.
 */
export function setHandleAppend(handle: OpenHandle, append: boolean): void {
  if (handle.type !== 'regular-file') throw new FsError('EBADF', 'append needs a regular file');
  if (handle.append === append) return;
  if (append && handle.readOnly) throw new FsError('EROFS');
  const keep = handle.hostFlags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOFOLLOW | O_APPEND);
  const flags = keep | (append ? O_APPEND : 0);
  const fd = hostCall(() => fs.openSync(fdPath(handle.fd), flags));
  const old = handle.replace(fd, flags, {
    type: handle.type,
    readable: handle.readable,
    writable: handle.writable,
    append,
  });
  closeQuietly(old);
}
