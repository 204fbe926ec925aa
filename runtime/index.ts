// The node side of Skiff: runtimes, images and pod networking.
export * from './runtime.js';
export { ContainerLog } from './container-log.js';
// The image subsystem (store, registry client, builds) is runtime/images/index.ts.
export { looksLikeWasmFile, resolveWasmFile } from './images/wasm-file.js';
export * from './network/index.js';
export * from './wasm/index.js';
