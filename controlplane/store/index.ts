// The store of the control plane (the etcd of Skiff): the contract, an
// in-memory implementation and the durable one on LMDB.

export * from './types.js';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { openLmdbStore, type LmdbStoreOptions } from './lmdb-store.js';
export { DEFAULT_COMPACTION, type CompactionOptions } from './auto-compaction.js';
export { DEFAULT_MAX_BUFFERED_EVENTS } from './watch-hub.js';
