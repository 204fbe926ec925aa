// wasi:filesystem error codes: from the guest filesystem's POSIX names, and
// back out of the wasi:io errors that file streams fail with.

import type { ErrorCode } from '@bytecodealliance/preview2-shim/interfaces/wasi-filesystem-types';
import { FsError, type FsErrorCode } from '../../fs/index.js';
import { IoError } from '../io/error.js';
import { failWith } from '../wit.js';

/** Every `FsError` code as a wasi:filesystem `error-code`. */
const ERROR_CODES: Readonly<Record<FsErrorCode, ErrorCode>> = {
  EACCES: 'access',
  EAGAIN: 'would-block',
  EBADF: 'bad-descriptor',
  EBUSY: 'busy',
  EDEADLK: 'deadlock',
  EDQUOT: 'quota',
  EEXIST: 'exist',
  EFBIG: 'file-too-large',
  EILSEQ: 'illegal-byte-sequence',
  EINTR: 'interrupted',
  EINVAL: 'invalid',
  EIO: 'io',
  EISDIR: 'is-directory',
  ELOOP: 'loop',
  // 0.2 has no code for running out of descriptors; this is the closest.
  EMFILE: 'insufficient-memory',
  EMLINK: 'too-many-links',
  ENAMETOOLONG: 'name-too-long',
  ENFILE: 'insufficient-memory',
  ENODEV: 'no-device',
  ENOENT: 'no-entry',
  ENOLCK: 'no-lock',
  ENOMEM: 'insufficient-memory',
  ENOSPC: 'insufficient-space',
  ENOSYS: 'unsupported',
  // Sandbox refusals: 0.2 has no `notcapable`; wasmtime reports `not-permitted`.
  ENOTCAPABLE: 'not-permitted',
  ENOTDIR: 'not-directory',
  ENOTEMPTY: 'not-empty',
  ENOTSUP: 'unsupported',
  ENOTTY: 'no-tty',
  ENXIO: 'no-such-device',
  EOVERFLOW: 'overflow',
  EPERM: 'not-permitted',
  EPIPE: 'pipe',
  EROFS: 'read-only',
  ESPIPE: 'invalid-seek',
  ETXTBSY: 'text-file-busy',
  EXDEV: 'cross-device',
};

/** The wasi:filesystem `error-code` of an `FsError` code. */
export function errorCodeOf(code: FsErrorCode): ErrorCode {
  return ERROR_CODES[code];
}

/**
 * Runs a guest filesystem operation for a method whose WIT result is
 * `result<_, error-code>`: an `FsError` becomes the thrown `error-code` payload
 * (jco lowers it as `err`); anything else is a host bug and traps.
 */
export function fsCall<T>(operation: () => T): T {
  try {
    return operation();
  } catch (err) {
    if (err instanceof FsError) return failWith(errorCodeOf(err.code));
    throw err;
  }
}

// The error-code behind each wasi:io error a file stream failed with.
const streamErrorCodes = new WeakMap<IoError, ErrorCode>();

/**
 * The wasi:io error a file stream throws for a failed read or write. The io
 * provider passes an `IoError` thrown by a source or sink through as
 * `last-operation-failed`, so `filesystemErrorCode` can find its code again.
 */
export function streamFailure(err: unknown): IoError {
  if (!(err instanceof FsError)) throw err;
  const ioError = new IoError(`${err.code}: ${err.message}`);
  streamErrorCodes.set(ioError, errorCodeOf(err.code));
  return ioError;
}

/** `filesystem-error-code`: the filesystem code of a stream error, if it came from a file. */
export function filesystemErrorCode(err: unknown): ErrorCode | undefined {
  return err instanceof IoError ? streamErrorCodes.get(err) : undefined;
}
