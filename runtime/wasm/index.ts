// The Wasm runtime: what the rest of Skiff may use of runtime/wasm.
export { WasmRuntime } from './wasm-runtime.js';
export type { WasmRuntimeOptions } from './wasm-runtime.js';
