// The node's image store (see local-image-store.ts) and its contract.

import { LocalImageStore } from './local-image-store.js';

export * from './image-store-types.js';
export { BlobStore, DigestMismatchError } from './blob-store.js';
export type { ExpectedBlob, StagedBlob } from './blob-store.js';
export type { CountReport } from './count-check.js';
export type { StoreIngestSession } from './ingest-session.js';
export { LocalImageStore } from './local-image-store.js';
export type { PruneResult } from './prune.js';
export { ImageNotFoundError } from './store-errors.js';

/**
 * Opens (creating if needed) the image store under `root`: blobs in
 * `<root>/blobs/sha256`, the LMDB index in `<root>/index`, unpacked wasm-rootfs
 * images in `<root>/rootfs`. Close it with `close()`.
 */
export function createImageStore(root: string): Promise<LocalImageStore> {
  return LocalImageStore.open(root);
}
