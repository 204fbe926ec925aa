// What inspectWasm reports. Plain readonly data, safe to serialise as JSON
// (undefined maxima drop out) and to post to a Worker.

/** Kinds of core imports and exports, as named in the WebAssembly text format. */
export type CoreExternalKind = 'func' | 'table' | 'memory' | 'global' | 'tag';

/** A memory type's limits, in pages of `pageBytes` bytes. */
export interface MemoryLimits {
  readonly initialPages: number;
  /** Undefined when the module declares no maximum (the engine's own cap applies). */
  readonly maximumPages: number | undefined;
  /** Shared memories (threads) must declare a maximum. */
  readonly shared: boolean;
  /** 64-bit addressing (memory64 proposal). */
  readonly memory64: boolean;
  /** 65536 unless the custom-page-sizes proposal is in use. */
  readonly pageBytes: number;
}

/** One entry of a core module's import section. */
export interface CoreImport {
  readonly module: string;
  readonly name: string;
  readonly kind: CoreExternalKind;
  /** Present for memory imports only. */
  readonly memory?: MemoryLimits;
}

/** One entry of a core module's export section. */
export interface CoreExport {
  readonly name: string;
  readonly kind: CoreExternalKind;
  /** Index in the index space of `kind`. */
  readonly index: number;
}

/** A memory of the module's memory index space, imported or defined. */
export interface CoreMemory extends MemoryLimits {
  /** Index in the memory index space (imported memories come first). */
  readonly index: number;
  readonly imported: boolean;
}

/** Facts about a core module (WASI preview 1 guests and the like). */
export interface CoreModuleInfo {
  readonly kind: 'core';
  readonly imports: readonly CoreImport[];
  readonly exports: readonly CoreExport[];
  /** Every memory, imported ones first, in index order. */
  readonly memories: readonly CoreMemory[];
  /** True when a start section names a function run at instantiation. */
  readonly hasStartSection: boolean;
  /** Exports a function named `_start` (a WASI command). */
  readonly exportsStart: boolean;
  /** Exports a function named `_initialize` (a WASI reactor). */
  readonly exportsInitialize: boolean;
  /** Exports a memory named `memory` (what WASI hosts read and write through). */
  readonly exportsMemory: boolean;
}

/**
 * The sort of a component import or export. Core sorts carry a `core-`
 * prefix; in practice components export only `core-module` among them.
 */
export type ComponentSort =
  | 'core-func'
  | 'core-table'
  | 'core-memory'
  | 'core-global'
  | 'core-type'
  | 'core-module'
  | 'core-instance'
  | 'func'
  | 'value'
  | 'type'
  | 'component'
  | 'instance';

/** A top-level import or export of a component, e.g. `wasi:http/types@0.2.12` (instance). */
export interface ComponentExtern {
  readonly name: string;
  readonly sort: ComponentSort;
}

/** Facts about a component (WASI 0.2 guests). Only the outer component is read. */
export interface ComponentInfo {
  readonly kind: 'component';
  readonly imports: readonly ComponentExtern[];
  readonly exports: readonly ComponentExtern[];
}

/** What a WebAssembly binary is and what it needs and offers. */
export type WasmBinaryInfo = CoreModuleInfo | ComponentInfo;
