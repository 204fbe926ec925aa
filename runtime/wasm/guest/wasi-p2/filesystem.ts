// Skiff's `wasi:filesystem` 0.2 provider (`types` and `preopens`) over the
// guest filesystem shared with preview 1. The sandbox rules (path resolution,
// read-only mounts, no escapes) are the guest filesystem's; see fs/types.ts.

import type { GuestFileSystem } from '../fs/index.js';
import { Descriptor, type DescriptorContext } from './filesystem/descriptor.js';
import { DirectoryEntryStream } from './filesystem/directory-entry-stream.js';
import { filesystemErrorCode } from './filesystem/error-code.js';
import { createMetadataHasher } from './filesystem/metadata-hash.js';
import type { FilesystemProvider, StreamFactory } from './provider-types.js';

export { Descriptor } from './filesystem/descriptor.js';
export { DirectoryEntryStream } from './filesystem/directory-entry-stream.js';
export { errorCodeOf, filesystemErrorCode } from './filesystem/error-code.js';

/**
 * `wasi:filesystem/types` and `wasi:filesystem/preopens` for one guest
 * instance: its mounts (`fs.preopens`) as preopened directories, each file
 * stream made with `streams`. Read-only mounts get descriptors without
 * `mutate-directory`, so every change through them is `read-only`.
 */
export function createFilesystemProvider(
  fs: GuestFileSystem,
  streams: StreamFactory,
): FilesystemProvider {
  const context: DescriptorContext = { fs, streams, metadataHash: createMetadataHasher() };
  return {
    types: { Descriptor, DirectoryEntryStream, filesystemErrorCode },
    preopens: {
      // Fresh descriptors on every call: the guest owns (and may drop) each one;
      // dropping a preopen descriptor leaves the mount's handle open.
      getDirectories: (): [Descriptor, string][] =>
        fs.preopens.map((preopen) => [
          new Descriptor(
            context,
            preopen.handle,
            { read: true, mutateDirectory: !preopen.readOnly },
            false,
          ),
          preopen.guestPath,
        ]),
    },
  };
}
