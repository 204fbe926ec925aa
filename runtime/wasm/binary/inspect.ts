// inspectWasm: what a binary is and what it imports and exports, read without
// compiling it. Used by the runtime to pick an engine and to refuse guests it
// cannot host with a message the user can act on.

import { readComponent } from './component.js';
import { readCoreModule } from './core-module.js';
import { readPreamble } from './sections.js';
import type { CoreModuleInfo, WasmBinaryInfo } from './types.js';

/**
 * Describes a WebAssembly core module or component.
 *
 * Checks the preamble, the framing of every section and the sections it
 * decodes; it does not validate function bodies or types (the engine does
 * that when compiling). Never modifies `bytes`.
 *
 * @throws WasmFormatError for anything that is not a well-framed core module
 *   (version 1) or component (version 0x0d, layer 1).
 */
export function inspectWasm(bytes: Uint8Array): WasmBinaryInfo {
  const kind = readPreamble(bytes);
  return kind === 'component' ? readComponent(bytes) : inspectCoreModule(bytes);
}

function inspectCoreModule(bytes: Uint8Array): CoreModuleInfo {
  const layout = readCoreModule(bytes);
  const exportsOf = (name: string, kind: 'func' | 'memory'): boolean =>
    layout.exports.some((entry) => entry.name === name && entry.kind === kind);
  return {
    kind: 'core',
    imports: layout.imports,
    exports: layout.exports,
    memories: layout.memories.map((memory, index) => ({
      ...memory.limits,
      index,
      imported: memory.imported,
    })),
    hasStartSection: layout.hasStartSection,
    exportsStart: exportsOf('_start', 'func'),
    exportsInitialize: exportsOf('_initialize', 'func'),
    exportsMemory: exportsOf('memory', 'memory'),
  };
}
