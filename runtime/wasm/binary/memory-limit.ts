// limitMemory: rewrites a core module so that growing its memory past the
// container's memory limit kills the guest the way the kernel OOM-kills a
// container, instead of quietly returning -1 or taking the host down.

import { clampMemorySection } from './memory-section.js';
import { rewriteCodeSection, scanCodeSection } from './code-section.js';
import type { CodeScan } from './code-section.js';
import { findSection, readCoreModule } from './core-module.js';
import type { CoreModuleLayout, MemoryEntry } from './core-module.js';
import { MemoryLimitExceededError, WasmFormatError } from './errors.js';
import {
  LIMITED_GROW_FUNCTION_NAME,
  OOM_GLOBAL_EXPORT,
  callInstruction,
  i32ToI32TypeEntry,
  limitedGrowBody,
  oomExportEntry,
  oomGlobalEntry,
} from './grow-helper.js';
import { withFunctionName } from './name-section.js';
import { assembleCoreModule, SectionPayloads } from './module-assembly.js';
import { CoreSectionId, readPreamble } from './sections.js';
import { appendVectorEntry } from './vector-section.js';
import { encodeU32Leb } from './writer.js';

/** Bytes in one WebAssembly page (without the custom-page-sizes proposal). */
export const WASM_PAGE_BYTES = 65536;

/** The most pages a 32-bit memory can have (4 GiB). */
const MEMORY32_MAX_PAGES = 65536;

/** Options of limitMemory. */
export interface MemoryLimitOptions {
  /** The container's memory limit in 64 KiB pages (a non-negative integer). */
  readonly limitPages: number;
}

/**
 * Returns a copy of the core module `bytes` in which memory can never grow past
 * `limitPages`:
 *
 * - every defined memory's maximum becomes min(declared maximum, limitPages);
 *   imported memory declarations are left alone (they must keep linking);
 * - every `memory.grow` on memory 0 becomes a `call` to an appended function
 *   that, when the grow would take memory 0 past `limitPages`, sets the
 *   appended exported global `skiff:oom` to 1 and traps (`unreachable`); any
 *   other grow runs for real and may still return -1 at the module's own
 *   smaller maximum. When memory 0 declares its own maximum at or below the
 *   limit, that maximum already fails such grows with -1 (the guest's normal
 *   out-of-memory path), so the function then never traps;
 * - no existing function, global or type index changes: the function, type,
 *   global and export entries are appended, and the function name is added to
 *   the name section. Everything else is copied byte for byte (DWARF and
 *   other custom sections that hold code offsets are not updated).
 *
 * A module without any memory is returned as is (the same array). A module
 * whose memory 0 is 64-bit gets its maxima clamped but no grow function, and
 * is refused if it contains a `memory.grow`.
 *
 * @throws MemoryLimitExceededError when a defined memory starts above the limit
 * @throws WasmFormatError for malformed input, components, `memory.grow` on a
 *   memory other than 0, memory64 grows, custom page sizes, or a module that
 *   already went through limitMemory
 * @throws RangeError when `limitPages` is not a non-negative integer
 */
export function limitMemory(bytes: Uint8Array, options: MemoryLimitOptions): Uint8Array {
  const { limitPages } = options;
  if (!Number.isSafeInteger(limitPages) || limitPages < 0) {
    throw new RangeError(`limitPages must be a non-negative integer, got ${limitPages}`);
  }
  if (readPreamble(bytes) === 'component') {
    throw new WasmFormatError(
      'limitMemory rewrites core modules, and this is a component; apply it to the core ' +
        'modules the component embeds (for example after transpiling it)',
    );
  }
  const layout = readCoreModule(bytes);
  const memoryZero = layout.memories[0];
  if (memoryZero === undefined) return bytes;
  checkMemories(layout, limitPages);
  if (layout.exports.some((entry) => entry.name === OOM_GLOBAL_EXPORT)) {
    throw new WasmFormatError(
      `the module already exports "${OOM_GLOBAL_EXPORT}": it went through limitMemory before; ` +
        'apply limitMemory to the original module',
    );
  }

  const scan = scanCodeSection(
    bytes,
    findSection(layout, CoreSectionId.code),
    layout.importedFunctionCount,
    layout.definedFunctionCount,
  );
  checkGrowSites(scan, memoryZero);

  const payloads = new SectionPayloads();
  const memorySection = findSection(layout, CoreSectionId.memory);
  if (memorySection !== undefined) {
    const defined = layout.memories.filter((memory) => !memory.imported);
    const clamped = clampMemorySection(
      bytes,
      memorySection,
      defined,
      clampPages(memoryZero, limitPages),
    );
    if (clamped !== undefined) payloads.set(CoreSectionId.memory, clamped);
  }
  if (!memoryZero.limits.memory64) addGrowFunction(layout, scan, limitPages, payloads);
  return assembleCoreModule(bytes, layout.sections, payloads);
}

/** The limit expressed as a maximum a 32-bit memory can declare. */
function clampPages(memory: MemoryEntry, limitPages: number): number {
  return memory.limits.memory64 ? limitPages : Math.min(limitPages, MEMORY32_MAX_PAGES);
}

function checkMemories(layout: CoreModuleLayout, limitPages: number): void {
  layout.memories.forEach((memory, index) => {
    if (memory.limits.pageBytes !== WASM_PAGE_BYTES) {
      throw new WasmFormatError(
        `memory ${index} uses ${memory.limits.pageBytes}-byte pages (custom-page-sizes), which ` +
          'the memory limit does not support',
      );
    }
    if (!memory.imported && memory.limits.initialPages > limitPages) {
      throw new MemoryLimitExceededError(
        index,
        memory.limits.initialPages * WASM_PAGE_BYTES,
        limitPages * WASM_PAGE_BYTES,
      );
    }
  });
}

function checkGrowSites(scan: CodeScan, memoryZero: MemoryEntry): void {
  const { sites } = scan;
  for (let site = 0; site < sites.count; site++) {
    const memoryIndex = sites.memoryIndexes[site];
    const offset = sites.offsets[site];
    if (memoryIndex !== 0) {
      throw new WasmFormatError(
        `memory.grow on memory ${memoryIndex} (multi-memory) at byte ${offset}` +
          `${functionNote(scan, site)} is not supported by the memory limit`,
        offset,
      );
    }
    if (memoryZero.limits.memory64) {
      throw new WasmFormatError(
        `memory.grow on a 64-bit memory (memory64) at byte ${offset}` +
          `${functionNote(scan, site)} is not supported by the memory limit`,
        offset,
      );
    }
  }
}

function functionNote(scan: CodeScan, site: number): string {
  const body = scan.growingBodies.find((entry) => entry.firstSite <= site && site < entry.endSite);
  return body === undefined ? '' : ` in function ${body.functionIndex}`;
}

/**
 * Appends the type (unless one can be reused), the function, the OOM global
 * and its export, and rewrites the code and name sections.
 */
function addGrowFunction(
  layout: CoreModuleLayout,
  scan: CodeScan,
  limitPages: number,
  payloads: SectionPayloads,
): void {
  const { bytes } = layout;
  const memoryZero = layout.memories[0];
  let typeIndex = layout.i32ToI32TypeIndex;
  if (typeIndex === undefined) {
    typeIndex = layout.typeCount;
    const types = findSection(layout, CoreSectionId.type);
    payloads.set(CoreSectionId.type, appendVectorEntry(bytes, types, i32ToI32TypeEntry()));
  }
  const functionIndex = layout.importedFunctionCount + layout.definedFunctionCount;
  const globalIndex = layout.importedGlobalCount + layout.definedGlobalCount;
  payloads.set(
    CoreSectionId.function,
    appendVectorEntry(bytes, findSection(layout, CoreSectionId.function), encodeU32Leb(typeIndex)),
  );
  payloads.set(
    CoreSectionId.global,
    appendVectorEntry(bytes, findSection(layout, CoreSectionId.global), oomGlobalEntry()),
  );
  payloads.set(
    CoreSectionId.export,
    appendVectorEntry(
      bytes,
      findSection(layout, CoreSectionId.export),
      oomExportEntry(globalIndex),
    ),
  );
  // The grow can only exceed the limit when memory 0's own maximum (or the
  // 4 GiB a 32-bit memory can reach) lies above it.
  const ownMaximum = memoryZero.limits.maximumPages ?? MEMORY32_MAX_PAGES;
  const trapAbovePages = ownMaximum > limitPages ? limitPages : undefined;
  payloads.set(
    CoreSectionId.code,
    rewriteCodeSection(
      bytes,
      scan,
      callInstruction(functionIndex),
      limitedGrowBody(globalIndex, trapAbovePages),
    ),
  );
  nameTheFunction(layout, functionIndex, payloads);
}

function nameTheFunction(
  layout: CoreModuleLayout,
  functionIndex: number,
  payloads: SectionPayloads,
): void {
  const names = layout.sections.find((section) => section.customName === 'name');
  if (names === undefined) return;
  const payload = withFunctionName(layout.bytes, names, functionIndex, LIMITED_GROW_FUNCTION_NAME);
  if (payload !== undefined) payloads.setCustom(names, payload);
}
