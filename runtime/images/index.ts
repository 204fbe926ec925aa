// Images: where containers' code comes from.
export { looksLikeWasmFile, resolveWasmFile } from './wasm-file.js';
