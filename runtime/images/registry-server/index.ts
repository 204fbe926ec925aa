// `skiff registry`: an OCI Distribution registry over the Skiff blob store.
// The wiring layer mounts `createRegistryRouter` at `/v2` (the control plane)
// or runs `serveRegistry` (the standalone command).
export { RegistryError, errorBody } from './errors.js';
export type { RegistryErrorCode } from './errors.js';
export type { GarbageCollectionOptions, GarbageCollectionResult } from './garbage-collector.js';
export { createRegistryRouter } from './router.js';
export type { RegistryRouterOptions } from './router.js';
export { createRegistryStorage } from './registry-storage.js';
export type { RegistryStorage } from './registry-storage.js';
export { serveRegistry } from './server.js';
export type { RunningRegistry, ServeRegistryOptions } from './server.js';
