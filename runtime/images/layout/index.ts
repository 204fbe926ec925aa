// OCI image layouts (`skiff save` / `skiff load`), as directories or tar files.
export { loadImages } from './load-layout.js';
export type { LoadOptions } from './load-layout.js';
export { saveImages } from './save-layout.js';
export type { LayoutLocation } from './layout-format.js';
