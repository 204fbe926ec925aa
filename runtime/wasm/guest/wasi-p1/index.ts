// Skiff's WASI preview 1 (`wasi_snapshot_preview1`) host.

export { WASI_PREVIEW1_FUNCTIONS, WasiPreview1 } from './preview1.js';
export { ERRNO, type Errno } from './constants.js';
