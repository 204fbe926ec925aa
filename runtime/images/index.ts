// Images: where containers' code comes from. Local .wasm files, the node's
// image store, the registry client, builds, and the built-in registry.
export { looksLikeWasmFile, resolveWasmFile } from './wasm-file.js';
export * from './oci/reference.js';
export * from './oci/media-types.js';
export type * from './oci/types.js';
export * from './store/index.js';
export * from './distribution/index.js';
export * from './credentials/index.js';
export { buildArtifact, buildImage, BuildError, DockerfileError } from './build/index.js';
export { loadImages, saveImages } from './layout/index.js';
export { pullImage, PullError } from './transfer/pull.js';
export { pushImage } from './transfer/push.js';
export type { TransferEvent, TransferListener } from './transfer-events.js';
export {
  createRegistryRouter,
  createRegistryStorage,
  serveRegistry,
} from './registry-server/index.js';
