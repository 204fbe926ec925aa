// Preview 1 path imports. Paths are resolved by the guest filesystem (never by
// the host OS), relative to a directory descriptor that must hold the right
// the operation needs.

import type { FsHandle, OpenOptions } from '../fs/index.js';
import { ERRNO, FDFLAGS, LOOKUPFLAGS, OFLAGS, RIGHTS } from './constants.js';
import { DIRECTORY_RIGHTS, FILE_RIGHTS, type FsEntry } from './fd-table.js';
import { timeUpdates, writeFilestat } from './layouts.js';
import { GuestMemory } from './memory.js';
import type { Preview1State, WasiFunctions } from './state.js';

const u64 = (value: bigint): bigint => BigInt.asUintN(64, value);

// Rights that make path_open ask for a readable or a writable handle (the split
// wasi-libc's open() uses when it computes the rights for an access mode).
const READ_RIGHTS = RIGHTS.FD_READ | RIGHTS.FD_READDIR;
const WRITE_RIGHTS =
  RIGHTS.FD_DATASYNC | RIGHTS.FD_WRITE | RIGHTS.FD_ALLOCATE | RIGHTS.FD_FILESTAT_SET_SIZE;

const has = (flags: number, bit: number): boolean => (flags & bit) !== 0;

export function pathImports(state: Preview1State): WasiFunctions {
  const { ctx, memory, fds } = state;
  const fs = ctx.fs;

  /** The directory entry at `fd` with `rights` (ENOTDIR for stdio). */
  const directory = (fd: number, rights: bigint): FsEntry => fds.fsEntry(fd, rights, ERRNO.NOTDIR);
  const pathAt = (ptr: number, length: number): string => memory.string(ptr, length);
  /** An import `(fd, path) -> errno` that needs `right` on the directory and runs `op`. */
  const onePath =
    (right: bigint, op: (dir: FsHandle, path: string) => void) =>
    (fd: number, pathPtr: number, pathLength: number): number => {
      op(directory(fd, right).handle, pathAt(pathPtr, pathLength));
      return ERRNO.SUCCESS;
    };

  return {
    path_open(
      fd: number,
      lookupFlags: number,
      pathPtr: number,
      pathLength: number,
      oflags: number,
      rightsBase: bigint,
      rightsInheriting: bigint,
      fdflags: number,
      openedFdPtr: number,
    ): number {
      let needed = RIGHTS.PATH_OPEN;
      if (has(oflags, OFLAGS.CREAT)) needed |= RIGHTS.PATH_CREATE_FILE;
      if (has(oflags, OFLAGS.TRUNC)) needed |= RIGHTS.PATH_FILESTAT_SET_SIZE;
      const dir = directory(fd, needed);
      // A new descriptor never gets more than its directory lets it inherit.
      const requested = u64(rightsBase) & dir.rightsInheriting;
      // Directories are never open for writing, whatever rights a guest asks for.
      const write = !has(oflags, OFLAGS.DIRECTORY) && (requested & WRITE_RIGHTS) !== 0n;
      const options: OpenOptions = {
        read: (requested & READ_RIGHTS) !== 0n,
        write,
        append: write && has(fdflags, FDFLAGS.APPEND),
        create: has(oflags, OFLAGS.CREAT),
        exclusive: has(oflags, OFLAGS.EXCL),
        truncate: has(oflags, OFLAGS.TRUNC),
        directory: has(oflags, OFLAGS.DIRECTORY),
        follow: has(lookupFlags, LOOKUPFLAGS.SYMLINK_FOLLOW),
        dataSync: has(fdflags, FDFLAGS.DSYNC),
        fileSync: has(fdflags, FDFLAGS.SYNC | FDFLAGS.RSYNC),
      };
      const handle = fs.openAt(dir.handle, pathAt(pathPtr, pathLength), options);
      const typeRights = handle.type === 'directory' ? DIRECTORY_RIGHTS : FILE_RIGHTS;
      const opened = fds.add({
        kind: 'fs',
        handle,
        rightsBase: requested & typeRights,
        rightsInheriting: u64(rightsInheriting) & dir.rightsInheriting,
        fdflags,
      });
      memory.setU32(openedFdPtr, opened);
      return ERRNO.SUCCESS;
    },
    path_filestat_get(
      fd: number,
      lookupFlags: number,
      pathPtr: number,
      pathLength: number,
      statPtr: number,
    ): number {
      const dir = directory(fd, RIGHTS.PATH_FILESTAT_GET);
      const follow = has(lookupFlags, LOOKUPFLAGS.SYMLINK_FOLLOW);
      writeFilestat(memory, statPtr, fs.statAt(dir.handle, pathAt(pathPtr, pathLength), follow));
      return ERRNO.SUCCESS;
    },
    path_filestat_set_times(
      fd: number,
      lookupFlags: number,
      pathPtr: number,
      pathLength: number,
      atim: bigint,
      mtim: bigint,
      fstFlags: number,
    ): number {
      const dir = directory(fd, RIGHTS.PATH_FILESTAT_SET_TIMES);
      const [atime, mtime] = timeUpdates(u64(atim), u64(mtim), fstFlags);
      const follow = has(lookupFlags, LOOKUPFLAGS.SYMLINK_FOLLOW);
      fs.setTimesAt(dir.handle, pathAt(pathPtr, pathLength), follow, atime, mtime);
      return ERRNO.SUCCESS;
    },
    path_create_directory: onePath(RIGHTS.PATH_CREATE_DIRECTORY, (dir, path) =>
      fs.mkdirAt(dir, path),
    ),
    path_remove_directory: onePath(RIGHTS.PATH_REMOVE_DIRECTORY, (dir, path) =>
      fs.rmdirAt(dir, path),
    ),
    path_unlink_file: onePath(RIGHTS.PATH_UNLINK_FILE, (dir, path) => fs.unlinkAt(dir, path)),
    path_rename(
      fd: number,
      oldPathPtr: number,
      oldPathLength: number,
      newFd: number,
      newPathPtr: number,
      newPathLength: number,
    ): number {
      const from = directory(fd, RIGHTS.PATH_RENAME_SOURCE);
      const to = directory(newFd, RIGHTS.PATH_RENAME_TARGET);
      fs.renameAt(
        from.handle,
        pathAt(oldPathPtr, oldPathLength),
        to.handle,
        pathAt(newPathPtr, newPathLength),
      );
      return ERRNO.SUCCESS;
    },
    path_link(
      oldFd: number,
      oldLookupFlags: number,
      oldPathPtr: number,
      oldPathLength: number,
      newFd: number,
      newPathPtr: number,
      newPathLength: number,
    ): number {
      const from = directory(oldFd, RIGHTS.PATH_LINK_SOURCE);
      const to = directory(newFd, RIGHTS.PATH_LINK_TARGET);
      fs.linkAt(
        from.handle,
        pathAt(oldPathPtr, oldPathLength),
        has(oldLookupFlags, LOOKUPFLAGS.SYMLINK_FOLLOW),
        to.handle,
        pathAt(newPathPtr, newPathLength),
      );
      return ERRNO.SUCCESS;
    },
    path_symlink(
      targetPtr: number,
      targetLength: number,
      fd: number,
      pathPtr: number,
      pathLength: number,
    ): number {
      const dir = directory(fd, RIGHTS.PATH_SYMLINK);
      fs.symlinkAt(pathAt(targetPtr, targetLength), dir.handle, pathAt(pathPtr, pathLength));
      return ERRNO.SUCCESS;
    },
    path_readlink(
      fd: number,
      pathPtr: number,
      pathLength: number,
      bufferPtr: number,
      bufferLength: number,
      usedPtr: number,
    ): number {
      const dir = directory(fd, RIGHTS.PATH_READLINK);
      const target = GuestMemory.encode(fs.readlinkAt(dir.handle, pathAt(pathPtr, pathLength)));
      // Like readlink(2): as much as fits, no NUL, no error when cut short.
      const count = Math.min(target.length, bufferLength >>> 0);
      memory.bytes(bufferPtr, count).set(target.subarray(0, count));
      memory.setU32(usedPtr, count);
      return ERRNO.SUCCESS;
    },
  };
}
