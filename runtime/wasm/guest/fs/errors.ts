// Filesystem errors with POSIX names. Each WASI binding maps the name to its own
// error number (preview 1) or error-code string (0.2); keeping POSIX names here
// keeps this module free of either ABI.

/** Every code an `FsError` can carry. `ENOTCAPABLE` means "outside the sandbox". */
export const FS_ERROR_CODES = [
  'EACCES',
  'EAGAIN',
  'EBADF',
  'EBUSY',
  'EDEADLK',
  'EDQUOT',
  'EEXIST',
  'EFBIG',
  'EILSEQ',
  'EINTR',
  'EINVAL',
  'EIO',
  'EISDIR',
  'ELOOP',
  'EMFILE',
  'EMLINK',
  'ENAMETOOLONG',
  'ENFILE',
  'ENODEV',
  'ENOENT',
  'ENOLCK',
  'ENOMEM',
  'ENOSPC',
  'ENOSYS',
  'ENOTCAPABLE',
  'ENOTDIR',
  'ENOTEMPTY',
  'ENOTSUP',
  'ENOTTY',
  'ENXIO',
  'EOVERFLOW',
  'EPERM',
  'EPIPE',
  'EROFS',
  'ESPIPE',
  'ETXTBSY',
  'EXDEV',
] as const;

export type FsErrorCode = (typeof FS_ERROR_CODES)[number];

const KNOWN_CODES: ReadonlySet<string> = new Set(FS_ERROR_CODES);

/** A filesystem operation failed with `code`; `message` is for logs, not for the guest. */
export class FsError extends Error {
  override readonly name = 'FsError';
  constructor(
    readonly code: FsErrorCode,
    message: string = code,
  ) {
    super(message);
  }
}

/** True when `value` is one of the codes an `FsError` can carry. */
export function isFsErrorCode(value: unknown): value is FsErrorCode {
  return typeof value === 'string' && KNOWN_CODES.has(value);
}

// Linux spellings Node may report that POSIX names differently.
const ALIASES: Readonly<Record<string, FsErrorCode>> = {
  EWOULDBLOCK: 'EAGAIN',
  EOPNOTSUPP: 'ENOTSUP',
};

/**
 * Turns whatever a `node:fs` call threw into an `FsError`: system errors keep
 * their code, anything unknown becomes `EIO`. An `FsError` passes through.
 */
export function toFsError(err: unknown): FsError {
  if (err instanceof FsError) return err;
  const code = systemErrorCode(err);
  if (code !== undefined) {
    if (isFsErrorCode(code)) return new FsError(code, messageOf(err));
    const alias = ALIASES[code];
    if (alias !== undefined) return new FsError(alias, messageOf(err));
  }
  return new FsError('EIO', messageOf(err));
}

/** The `code` of a Node system error (`ENOENT`, ...), if `err` is one. */
export function systemErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = err.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
