// A wasi:filesystem provider with no preopens, for tests of everything else:
// the classes exist so components importing the filesystem link, and the guest
// sees no directories.

import type { FilesystemProviderFactory } from '../../../runtime/wasm/guest/wasi-p2/provider-types.js';

class Descriptor {}
class DirectoryEntryStream {}

export const noFilesystem: FilesystemProviderFactory = () => ({
  types: { Descriptor, DirectoryEntryStream, filesystemErrorCode: () => undefined },
  preopens: { getDirectories: () => [] },
});
