// Preview 1 descriptor imports other than data transfer: attributes, flags,
// rights, sync, preopen discovery, close and renumber.

import {
  ADVICE_MAX,
  ERRNO,
  FDFLAGS,
  FILETYPE,
  PREOPENTYPE_DIR,
  RIGHTS,
  SIZE,
} from './constants.js';
import { WasiErrno } from './errno.js';
import type { FdEntry } from './fd-table.js';
import {
  filetypeNumber,
  streamFilestat,
  timeUpdates,
  writeFdstat,
  writeFilestat,
} from './layouts.js';
import { GuestMemory } from './memory.js';
import type { Preview1State, WasiFunctions } from './state.js';

const u64 = (value: bigint): bigint => BigInt.asUintN(64, value);

const SYNC_FLAGS = FDFLAGS.DSYNC | FDFLAGS.RSYNC | FDFLAGS.SYNC;

export function fdImports(state: Preview1State): WasiFunctions {
  const { ctx, memory, fds } = state;
  const fs = ctx.fs;

  const release = (entry: FdEntry | undefined): void => {
    if (entry?.kind === 'fs' && !entry.handle.closed) fs.close(entry.handle);
  };

  return {
    fd_close(fd: number): number {
      release(fds.remove(fd));
      return ERRNO.SUCCESS;
    },
    fd_renumber(from: number, to: number): number {
      release(fds.renumber(from, to));
      return ERRNO.SUCCESS;
    },
    fd_fdstat_get(fd: number, statPtr: number): number {
      const entry = fds.get(fd);
      const filetype = entry.kind === 'fs' ? filetypeNumber(entry.handle.type) : FILETYPE.UNKNOWN;
      writeFdstat(
        memory,
        statPtr,
        filetype,
        entry.fdflags,
        entry.rightsBase,
        entry.rightsInheriting,
      );
      return ERRNO.SUCCESS;
    },
    fd_fdstat_set_flags(fd: number, flags: number): number {
      const entry = fds.withRights(fd, RIGHTS.FD_FDSTAT_SET_FLAGS);
      if (entry.kind === 'fs') {
        // Node cannot change O_DSYNC/O_SYNC on an open fd; append is reopened (see fs).
        if ((flags & SYNC_FLAGS) !== (entry.fdflags & SYNC_FLAGS)) {
          throw new WasiErrno(ERRNO.NOTSUP, 'sync flags cannot change after open');
        }
        const append = (flags & FDFLAGS.APPEND) !== 0;
        if (append !== entry.handle.append) {
          if (entry.handle.type !== 'regular-file') throw new WasiErrno(ERRNO.NOTSUP);
          fs.setAppend(entry.handle, append);
        }
      }
      entry.fdflags = flags;
      return ERRNO.SUCCESS;
    },
    fd_fdstat_set_rights(fd: number, base: bigint, inheriting: bigint): number {
      const entry = fds.get(fd);
      const wantBase = u64(base);
      const wantInheriting = u64(inheriting);
      // Rights can only ever be dropped.
      if (
        (wantBase & ~entry.rightsBase) !== 0n ||
        (wantInheriting & ~entry.rightsInheriting) !== 0n
      ) {
        throw new WasiErrno(ERRNO.NOTCAPABLE, 'rights can only be removed');
      }
      entry.rightsBase = wantBase;
      entry.rightsInheriting = wantInheriting;
      return ERRNO.SUCCESS;
    },
    fd_filestat_get(fd: number, statPtr: number): number {
      const entry = fds.withRights(fd, RIGHTS.FD_FILESTAT_GET);
      writeFilestat(
        memory,
        statPtr,
        entry.kind === 'fs' ? fs.stat(entry.handle) : streamFilestat(),
      );
      return ERRNO.SUCCESS;
    },
    fd_filestat_set_size(fd: number, size: bigint): number {
      const entry = fds.fsEntry(fd, RIGHTS.FD_FILESTAT_SET_SIZE, ERRNO.INVAL);
      fs.setSize(entry.handle, u64(size));
      return ERRNO.SUCCESS;
    },
    fd_filestat_set_times(fd: number, atim: bigint, mtim: bigint, flags: number): number {
      const entry = fds.fsEntry(fd, RIGHTS.FD_FILESTAT_SET_TIMES, ERRNO.INVAL);
      const [atime, mtime] = timeUpdates(u64(atim), u64(mtim), flags);
      fs.setTimes(entry.handle, atime, mtime);
      return ERRNO.SUCCESS;
    },
    fd_advise(fd: number, _offset: bigint, _length: bigint, advice: number): number {
      fds.fsEntry(fd, RIGHTS.FD_ADVISE, ERRNO.SPIPE);
      if (advice < 0 || advice > ADVICE_MAX)
        throw new WasiErrno(ERRNO.INVAL, `bad advice ${advice}`);
      // Advice is only a hint; Node offers no posix_fadvise to pass it on.
      return ERRNO.SUCCESS;
    },
    fd_allocate(fd: number, offset: bigint, length: bigint): number {
      const entry = fds.fsEntry(fd, RIGHTS.FD_ALLOCATE, ERRNO.SPIPE);
      // Node has no fallocate: extending the size gives the same visible result.
      const end = u64(offset) + u64(length);
      if (end > fs.stat(entry.handle).size) fs.setSize(entry.handle, end);
      return ERRNO.SUCCESS;
    },
    fd_datasync(fd: number): number {
      const entry = fds.fsEntry(fd, RIGHTS.FD_DATASYNC, ERRNO.INVAL);
      fs.sync(entry.handle, true);
      return ERRNO.SUCCESS;
    },
    fd_sync(fd: number): number {
      const entry = fds.fsEntry(fd, RIGHTS.FD_SYNC, ERRNO.INVAL);
      fs.sync(entry.handle, false);
      return ERRNO.SUCCESS;
    },
    fd_prestat_get(fd: number, prestatPtr: number): number {
      const path = preopenPath(fds.get(fd));
      const view = memory.view(prestatPtr, SIZE.PRESTAT);
      view.setUint32(0, PREOPENTYPE_DIR, true); // the u8 tag and its padding
      view.setUint32(4, GuestMemory.encode(path).length, true);
      return ERRNO.SUCCESS;
    },
    fd_prestat_dir_name(fd: number, pathPtr: number, pathLength: number): number {
      const name = GuestMemory.encode(preopenPath(fds.get(fd)));
      if (pathLength >>> 0 < name.length) throw new WasiErrno(ERRNO.NAMETOOLONG);
      memory.bytes(pathPtr, name.length).set(name);
      return ERRNO.SUCCESS;
    },
  };
}

/** The guest path of a preopened directory; EBADF for any other descriptor. */
function preopenPath(entry: FdEntry): string {
  if (entry.kind !== 'fs' || entry.preopenPath === undefined) throw new WasiErrno(ERRNO.BADF);
  return entry.preopenPath;
}
