// Preview 1 data imports: reads, writes, seeking and directory listing.

import type { Whence } from '../fs/index.js';
import { ERRNO, type Errno, FDFLAGS, RIGHTS, WHENCE } from './constants.js';
import { WasiErrno } from './errno.js';
import type { FdEntry, FsEntry, StdinEntry } from './fd-table.js';
import type { IoVec } from './memory.js';
import { fillDirectoryBuffer } from './readdir.js';
import type { Preview1State, WasiFunctions } from './state.js';

const u64 = (value: bigint): bigint => BigInt.asUintN(64, value);

function whenceOf(whence: number): Whence {
  switch (whence) {
    case WHENCE.SET:
      return 'set';
    case WHENCE.CUR:
      return 'current';
    case WHENCE.END:
      return 'end';
    default:
      throw new WasiErrno(ERRNO.INVAL, `bad whence ${whence}`);
  }
}

/** `entry` as a filesystem entry; stdio fails with `errno`. */
function requireFs(entry: FdEntry, errno: Errno): FsEntry {
  if (entry.kind !== 'fs') throw new WasiErrno(errno);
  return entry;
}

export function fdIoImports(state: Preview1State): WasiFunctions {
  const { ctx, memory, fds } = state;

  /**
   * Reads stdin into `vecs`, blocking until some data or the end arrives. The
   * views are taken after the wait: memory may have grown meanwhile.
   */
  const readStdin = (entry: StdinEntry, vecs: readonly IoVec[]): number => {
    const capacity = vecs.reduce((sum, vec) => sum + vec.len, 0);
    if (capacity === 0) return 0;
    for (;;) {
      const chunk = entry.source.read(capacity);
      if (chunk === null) return 0;
      if (chunk.length > 0) return memory.scatter(chunk, vecs);
      if ((entry.fdflags & FDFLAGS.NONBLOCK) !== 0) throw new WasiErrno(ERRNO.AGAIN);
      ctx.waitForActivity();
    }
  };

  /** Reads a file into `vecs` one by one, stopping at a short read. */
  const readFile = (entry: FsEntry, vecs: readonly IoVec[], offset?: bigint): number => {
    let total = 0;
    for (const vec of vecs) {
      const at = offset === undefined ? undefined : offset + BigInt(total);
      const count = ctx.fs.read(entry.handle, memory.bytes(vec.ptr, vec.len), at);
      total += count;
      if (count < vec.len) break;
    }
    return total;
  };

  const writeOut = (fd: number, vecs: readonly IoVec[], offset?: bigint): number => {
    // Writing to a descriptor not open for writing is EBADF in POSIX.
    const entry = fds.withRights(fd, RIGHTS.FD_WRITE, ERRNO.BADF);
    const data = memory.gather(vecs);
    if (entry.kind === 'stdin') throw new WasiErrno(ERRNO.BADF);
    if (entry.kind !== 'fs') {
      if (offset !== undefined) throw new WasiErrno(ERRNO.SPIPE);
      if (data.length > 0) entry.sink.write(data);
      return data.length;
    }
    return ctx.fs.write(entry.handle, data, offset);
  };

  const readIn = (fd: number, vecs: readonly IoVec[], offset?: bigint): number => {
    const entry = fds.withRights(fd, RIGHTS.FD_READ, ERRNO.BADF);
    if (entry.kind === 'stdin') {
      if (offset !== undefined) throw new WasiErrno(ERRNO.SPIPE);
      return readStdin(entry, vecs);
    }
    return readFile(requireFs(entry, ERRNO.BADF), vecs, offset);
  };

  return {
    fd_read(fd: number, iovsPtr: number, iovsLen: number, nreadPtr: number): number {
      const count = readIn(fd, memory.ioVecs(iovsPtr, iovsLen));
      memory.setU32(nreadPtr, count);
      return ERRNO.SUCCESS;
    },
    fd_pread(
      fd: number,
      iovsPtr: number,
      iovsLen: number,
      offset: bigint,
      nreadPtr: number,
    ): number {
      const count = readIn(fd, memory.ioVecs(iovsPtr, iovsLen), u64(offset));
      memory.setU32(nreadPtr, count);
      return ERRNO.SUCCESS;
    },
    fd_write(fd: number, iovsPtr: number, iovsLen: number, nwrittenPtr: number): number {
      const count = writeOut(fd, memory.ioVecs(iovsPtr, iovsLen));
      memory.setU32(nwrittenPtr, count);
      return ERRNO.SUCCESS;
    },
    fd_pwrite(
      fd: number,
      iovsPtr: number,
      iovsLen: number,
      offset: bigint,
      nwrittenPtr: number,
    ): number {
      const count = writeOut(fd, memory.ioVecs(iovsPtr, iovsLen), u64(offset));
      memory.setU32(nwrittenPtr, count);
      return ERRNO.SUCCESS;
    },
    fd_seek(fd: number, offset: bigint, whence: number, newOffsetPtr: number): number {
      // A zero move from the cursor is what lseek-based `tell` does: FD_TELL suffices.
      const needed = offset === 0n && whence === WHENCE.CUR ? RIGHTS.FD_TELL : RIGHTS.FD_SEEK;
      const entry = requireFs(fds.withRights(fd, needed), ERRNO.SPIPE);
      memory.setU64(newOffsetPtr, ctx.fs.seek(entry.handle, offset, whenceOf(whence)));
      return ERRNO.SUCCESS;
    },
    fd_tell(fd: number, offsetPtr: number): number {
      const entry = requireFs(fds.withRights(fd, RIGHTS.FD_TELL), ERRNO.SPIPE);
      memory.setU64(offsetPtr, ctx.fs.seek(entry.handle, 0n, 'current'));
      return ERRNO.SUCCESS;
    },
    fd_readdir(
      fd: number,
      bufferPtr: number,
      bufferLength: number,
      cookie: bigint,
      usedPtr: number,
    ): number {
      const entry = fds.fsEntry(fd, RIGHTS.FD_READDIR, ERRNO.NOTDIR);
      const used = fillDirectoryBuffer(ctx.fs, memory, entry, bufferPtr, bufferLength, u64(cookie));
      memory.setU32(usedPtr, used);
      return ERRNO.SUCCESS;
    },
  };
}
