// The guest's file descriptor table: numbers → what they name, with the rights
// and flags preview 1 attaches to each.
//
// fd 0/1/2 are the guest context's stdin/stdout/stderr; 3.. are the mounts in
// mount order (wasi-libc discovers them by calling fd_prestat_get from 3 up to
// the first EBADF). Entries are a tagged union so socket entries can join later.

import type { ByteSink, ByteSource, GuestContext } from '../context.js';
import type { DirEntry, FsHandle } from '../fs/index.js';
import { ERRNO, type Errno, RIGHTS } from './constants.js';
import { WasiErrno } from './errno.js';

/** Rights and flags every entry carries. */
interface EntryState {
  rightsBase: bigint;
  rightsInheriting: bigint;
  /** `fdflags` bits as last set. */
  fdflags: number;
}

/** stdin: reads block until the source has data or ends. */
export interface StdinEntry extends EntryState {
  readonly kind: 'stdin';
  readonly source: ByteSource;
}

/** stdout or stderr. */
export interface OutputEntry extends EntryState {
  readonly kind: 'stdout' | 'stderr';
  readonly sink: ByteSink;
}

/** A file or directory of the guest filesystem. */
export interface FsEntry extends EntryState {
  readonly kind: 'fs';
  readonly handle: FsHandle;
  /** Guest path of a preopened directory (what fd_prestat_dir_name reports). */
  readonly preopenPath?: string;
  /** fd_readdir's listing, kept between calls so cookies stay stable; cookie 0 refreshes it. */
  listing?: readonly DirEntry[];
}

export type FdEntry = StdinEntry | OutputEntry | FsEntry;

/** Rights that make sense on a regular file. */
export const FILE_RIGHTS =
  RIGHTS.FD_DATASYNC |
  RIGHTS.FD_READ |
  RIGHTS.FD_SEEK |
  RIGHTS.FD_FDSTAT_SET_FLAGS |
  RIGHTS.FD_SYNC |
  RIGHTS.FD_TELL |
  RIGHTS.FD_WRITE |
  RIGHTS.FD_ADVISE |
  RIGHTS.FD_ALLOCATE |
  RIGHTS.FD_FILESTAT_GET |
  RIGHTS.FD_FILESTAT_SET_SIZE |
  RIGHTS.FD_FILESTAT_SET_TIMES |
  RIGHTS.POLL_FD_READWRITE;

/** Rights that make sense on a directory. */
export const DIRECTORY_RIGHTS =
  RIGHTS.FD_DATASYNC |
  RIGHTS.FD_FDSTAT_SET_FLAGS |
  RIGHTS.FD_SYNC |
  RIGHTS.PATH_CREATE_DIRECTORY |
  RIGHTS.PATH_CREATE_FILE |
  RIGHTS.PATH_LINK_SOURCE |
  RIGHTS.PATH_LINK_TARGET |
  RIGHTS.PATH_OPEN |
  RIGHTS.FD_READDIR |
  RIGHTS.PATH_READLINK |
  RIGHTS.PATH_RENAME_SOURCE |
  RIGHTS.PATH_RENAME_TARGET |
  RIGHTS.PATH_FILESTAT_GET |
  RIGHTS.PATH_FILESTAT_SET_SIZE |
  RIGHTS.PATH_FILESTAT_SET_TIMES |
  RIGHTS.FD_FILESTAT_GET |
  RIGHTS.FD_FILESTAT_SET_TIMES |
  RIGHTS.PATH_SYMLINK |
  RIGHTS.PATH_REMOVE_DIRECTORY |
  RIGHTS.PATH_UNLINK_FILE;

const STDIN_RIGHTS =
  RIGHTS.FD_READ | RIGHTS.FD_FDSTAT_SET_FLAGS | RIGHTS.FD_FILESTAT_GET | RIGHTS.POLL_FD_READWRITE;
const OUTPUT_RIGHTS =
  RIGHTS.FD_WRITE | RIGHTS.FD_FDSTAT_SET_FLAGS | RIGHTS.FD_FILESTAT_GET | RIGHTS.POLL_FD_READWRITE;

export class FdTable {
  readonly #entries = new Map<number, FdEntry>();

  constructor(ctx: GuestContext) {
    const stream = { rightsInheriting: 0n, fdflags: 0 };
    this.#entries.set(0, { kind: 'stdin', source: ctx.stdin, rightsBase: STDIN_RIGHTS, ...stream });
    this.#entries.set(1, {
      kind: 'stdout',
      sink: ctx.stdout,
      rightsBase: OUTPUT_RIGHTS,
      ...stream,
    });
    this.#entries.set(2, {
      kind: 'stderr',
      sink: ctx.stderr,
      rightsBase: OUTPUT_RIGHTS,
      ...stream,
    });
    for (const preopen of ctx.fs.preopens) {
      this.add({
        kind: 'fs',
        handle: preopen.handle,
        preopenPath: preopen.guestPath,
        rightsBase: DIRECTORY_RIGHTS,
        rightsInheriting: DIRECTORY_RIGHTS | FILE_RIGHTS,
        fdflags: 0,
      });
    }
  }

  /** Installs `entry` at the lowest free number, as POSIX open does. */
  add(entry: FdEntry): number {
    let fd = 0;
    while (this.#entries.has(fd)) fd += 1;
    this.#entries.set(fd, entry);
    return fd;
  }

  /** The entry at `fd`, or EBADF. */
  get(fd: number): FdEntry {
    const entry = this.#entries.get(fd >>> 0);
    if (entry === undefined) throw new WasiErrno(ERRNO.BADF, `fd ${fd >>> 0} is not open`);
    return entry;
  }

  /** The entry at `fd` with all of `rights`: EBADF when absent, `lacking` when lacking them. */
  withRights(fd: number, rights: bigint, lacking: Errno = ERRNO.NOTCAPABLE): FdEntry {
    const entry = this.get(fd);
    if ((entry.rightsBase & rights) !== rights) {
      throw new WasiErrno(lacking, `fd ${fd >>> 0} lacks rights`);
    }
    return entry;
  }

  /** The filesystem entry at `fd` with `rights`; `notFs` when it is stdio. */
  fsEntry(fd: number, rights: bigint, notFs: Errno = ERRNO.BADF): FsEntry {
    const entry = this.withRights(fd, rights);
    if (entry.kind !== 'fs') throw new WasiErrno(notFs);
    return entry;
  }

  /** Removes `fd` and returns what it held (the caller releases it). */
  remove(fd: number): FdEntry {
    const entry = this.get(fd);
    this.#entries.delete(fd >>> 0);
    return entry;
  }

  /**
   * Moves `from` onto `to` (which must be open); returns the entry `to` held, for
   * the caller to release (none when they are the same fd).
   */
  renumber(from: number, to: number): FdEntry | undefined {
    const moving = this.get(from);
    const replaced = this.get(to);
    if (from >>> 0 === to >>> 0) return undefined;
    this.#entries.delete(from >>> 0);
    this.#entries.set(to >>> 0, moving);
    return replaced;
  }
}
