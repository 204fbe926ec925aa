// The node side of Skiff: runtimes, images and pod networking.
export * from './runtime.js';
export { ContainerLog } from './container-log.js';
export * from './images/index.js';
export * from './network/index.js';
export * from './wasm/index.js';
