// How failures become preview 1 error numbers.

import { GuestIoError } from '../context.js';
import { FsError, type FsErrorCode } from '../fs/index.js';
import { ERRNO, type Errno } from './constants.js';

/** Ends a preview 1 call with `errno` (thrown by the import bodies, caught by the guard). */
export class WasiErrno extends Error {
  override readonly name = 'WasiErrno';
  constructor(
    readonly errno: Errno,
    message = `errno ${errno}`,
  ) {
    super(message);
  }
}

/** Every `FsError` code as a preview 1 errno. */
const FS_ERRNO: Readonly<Record<FsErrorCode, Errno>> = {
  EACCES: ERRNO.ACCES,
  EAGAIN: ERRNO.AGAIN,
  EBADF: ERRNO.BADF,
  EBUSY: ERRNO.BUSY,
  EDEADLK: ERRNO.DEADLK,
  EDQUOT: ERRNO.DQUOT,
  EEXIST: ERRNO.EXIST,
  EFBIG: ERRNO.FBIG,
  EILSEQ: ERRNO.ILSEQ,
  EINTR: ERRNO.INTR,
  EINVAL: ERRNO.INVAL,
  EIO: ERRNO.IO,
  EISDIR: ERRNO.ISDIR,
  ELOOP: ERRNO.LOOP,
  EMFILE: ERRNO.MFILE,
  EMLINK: ERRNO.MLINK,
  ENAMETOOLONG: ERRNO.NAMETOOLONG,
  ENFILE: ERRNO.NFILE,
  ENODEV: ERRNO.NODEV,
  ENOENT: ERRNO.NOENT,
  ENOLCK: ERRNO.NOLCK,
  ENOMEM: ERRNO.NOMEM,
  ENOSPC: ERRNO.NOSPC,
  ENOSYS: ERRNO.NOSYS,
  // Sandbox refusals keep preview 1's own code, as wasmtime and uvwasi report them.
  ENOTCAPABLE: ERRNO.NOTCAPABLE,
  ENOTDIR: ERRNO.NOTDIR,
  ENOTEMPTY: ERRNO.NOTEMPTY,
  ENOTSUP: ERRNO.NOTSUP,
  ENOTTY: ERRNO.NOTTY,
  ENXIO: ERRNO.NXIO,
  EOVERFLOW: ERRNO.OVERFLOW,
  EPERM: ERRNO.PERM,
  EPIPE: ERRNO.PIPE,
  EROFS: ERRNO.ROFS,
  ESPIPE: ERRNO.SPIPE,
  ETXTBSY: ERRNO.TXTBSY,
  EXDEV: ERRNO.XDEV,
};

const IO_ERRNO: Readonly<Record<GuestIoError['code'], Errno>> = {
  EPIPE: ERRNO.PIPE,
  EIO: ERRNO.IO,
  EBADF: ERRNO.BADF,
};

/** The preview 1 errno of an `FsError` code. */
export function errnoOfFsCode(code: FsErrorCode): Errno {
  return FS_ERRNO[code];
}

/**
 * The errno a failure reports to the guest, or undefined when it is not a guest
 * error at all (`GuestExit`, a host bug): those propagate and end the guest.
 */
export function errnoOf(err: unknown): Errno | undefined {
  if (err instanceof WasiErrno) return err.errno;
  if (err instanceof FsError) return FS_ERRNO[err.code];
  if (err instanceof GuestIoError) return IO_ERRNO[err.code];
  return undefined;
}
