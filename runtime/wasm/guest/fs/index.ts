// The guest filesystem shared by Skiff's WASI preview 1 and 0.2 bindings.

import type { Mount } from '../../../runtime.js';
import { type GuestFileSystemOptions, HostGuestFileSystem } from './guest-file-system.js';
import type { GuestFileSystem } from './types.js';

export type { GuestFileSystemOptions } from './guest-file-system.js';
export { FS_ERROR_CODES, FsError, isFsErrorCode, type FsErrorCode } from './errors.js';
export { MAX_SYMLINK_HOPS } from './resolve.js';
export type * from './types.js';

/**
 * Opens `mounts` (each an existing host directory) as a guest's preopened
 * directories, in order. Throws `FsError` when a mount cannot be opened, or
 * `ENOTSUP` off Linux (path resolution depends on /proc/self/fd). The caller
 * owns the result and calls `closeAll()` when the guest has ended: host fds
 * belong to the whole process and outlive a worker thread.
 */
export function createGuestFileSystem(
  mounts: readonly Mount[],
  options?: GuestFileSystemOptions,
): GuestFileSystem {
  return new HostGuestFileSystem(mounts, options);
}
