// A small, dependency-free WebAssembly binary toolkit: what a binary is
// (inspectWasm) and the memory-limit rewrite applied before a guest compiles
// (limitMemory). Other modules import the toolkit only through this file.

export { inspectWasm } from './inspect.js';
export { limitMemory, WASM_PAGE_BYTES } from './memory-limit.js';
export type { MemoryLimitOptions } from './memory-limit.js';
export { OOM_GLOBAL_EXPORT } from './grow-helper.js';
export { MemoryLimitExceededError, WasmFormatError } from './errors.js';
export type {
  ComponentExtern,
  ComponentInfo,
  ComponentSort,
  CoreExport,
  CoreExternalKind,
  CoreImport,
  CoreMemory,
  CoreModuleInfo,
  MemoryLimits,
  WasmBinaryInfo,
} from './types.js';
