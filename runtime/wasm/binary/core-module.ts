// Reads the parts of a core module's sections that the toolkit needs: imports,
// exports, memories, type and index-space counts. Function bodies are left to
// instructions.ts; data, element and table contents are never decoded.

import { WasmFormatError } from './errors.js';
import { ByteReader } from './reader.js';
import { CoreSectionId, readSections, sectionLabel } from './sections.js';
import type { SectionSpan } from './sections.js';
import type { CoreExport, CoreExternalKind, CoreImport, MemoryLimits } from './types.js';

/** A memory of the module with where its limits are encoded. */
export interface MemoryEntry {
  readonly limits: MemoryLimits;
  readonly imported: boolean;
  /** Byte range of the encoded limits (flags byte through the last limit). */
  readonly limitsStart: number;
  readonly limitsEnd: number;
}

/** The decoded outline of a core module. */
export interface CoreModuleLayout {
  readonly bytes: Uint8Array;
  readonly sections: readonly SectionSpan[];
  readonly imports: readonly CoreImport[];
  readonly exports: readonly CoreExport[];
  /** Imported memories first, then defined ones: the memory index space. */
  readonly memories: readonly MemoryEntry[];
  readonly importedFunctionCount: number;
  readonly importedGlobalCount: number;
  /** Entries of the function section (= bodies of the code section). */
  readonly definedFunctionCount: number;
  readonly definedGlobalCount: number;
  /** Size of the type index space (recursion groups flattened). */
  readonly typeCount: number;
  /** Index of a plain `(func (param i32) (result i32))` type, if the module has one. */
  readonly i32ToI32TypeIndex: number | undefined;
  readonly hasStartSection: boolean;
}

const EXTERNAL_KINDS: readonly CoreExternalKind[] = ['func', 'table', 'memory', 'global', 'tag'];

const LIMIT_FLAG_HAS_MAX = 0x01;
const LIMIT_FLAG_SHARED = 0x02;
const LIMIT_FLAG_64 = 0x04;
const LIMIT_FLAG_PAGE_SIZE = 0x08;
const KNOWN_LIMIT_FLAGS = 0x0f;
const DEFAULT_PAGE_SIZE_LOG2 = 16;

const VALTYPE_I32 = 0x7f;
const REF_NULLABLE = 0x63;
const REF_NON_NULLABLE = 0x64;

/** Returns the span of the section with `id`, if the module has one. */
export function findSection(layout: CoreModuleLayout, id: number): SectionSpan | undefined {
  return layout.sections.find((section) => section.id === id);
}

/**
 * Decodes a core module's outline. The preamble must already have been
 * checked to be a core module's. Throws WasmFormatError on malformed input.
 */
export function readCoreModule(bytes: Uint8Array): CoreModuleLayout {
  const sections = readSections(bytes, 'core');
  const imports: CoreImport[] = [];
  const exports: CoreExport[] = [];
  const memories: MemoryEntry[] = [];
  let importedFunctionCount = 0;
  let importedGlobalCount = 0;
  let definedFunctionCount = 0;
  let definedGlobalCount = 0;
  let types: TypeSectionSummary = { typeCount: 0, i32ToI32TypeIndex: undefined };
  let hasStartSection = false;

  for (const section of sections) {
    const reader = new ByteReader(
      bytes,
      section.payloadStart,
      section.end,
      sectionLabel('core', section.id),
    );
    switch (section.id) {
      case CoreSectionId.type:
        types = readTypeSection(reader);
        break;
      case CoreSectionId.import:
        readImportSection(reader, imports, memories);
        importedFunctionCount = imports.filter((entry) => entry.kind === 'func').length;
        importedGlobalCount = imports.filter((entry) => entry.kind === 'global').length;
        break;
      case CoreSectionId.function:
        definedFunctionCount = reader.readCount('functions');
        break;
      case CoreSectionId.memory:
        readMemorySection(reader, memories);
        break;
      case CoreSectionId.global:
        definedGlobalCount = reader.readCount('globals');
        break;
      case CoreSectionId.export:
        readExportSection(reader, exports);
        break;
      case CoreSectionId.start:
        hasStartSection = true;
        break;
      default:
        break;
    }
  }

  return {
    bytes,
    sections,
    imports,
    exports,
    memories,
    importedFunctionCount,
    importedGlobalCount,
    definedFunctionCount,
    definedGlobalCount,
    typeCount: types.typeCount,
    i32ToI32TypeIndex: types.i32ToI32TypeIndex,
    hasStartSection,
  };
}

interface TypeSectionSummary {
  readonly typeCount: number;
  readonly i32ToI32TypeIndex: number | undefined;
}

function readTypeSection(reader: ByteReader): TypeSectionSummary {
  const entries = reader.readCount('types');
  let typeCount = 0;
  let i32ToI32TypeIndex: number | undefined;
  for (let entry = 0; entry < entries; entry++) {
    const form = reader.readByte('a type form');
    if (form === 0x4e) {
      const members = reader.readCount('types of a recursion group');
      for (let member = 0; member < members; member++) {
        readSubType(reader, reader.readByte('a type form'));
      }
      typeCount += members;
      continue;
    }
    // Only a stand-alone func type is reused: one inside a recursion group or
    // declared as a subtype is a distinct type under GC's type equivalence.
    if (form === 0x60 && i32ToI32TypeIndex === undefined && isI32ToI32(reader)) {
      i32ToI32TypeIndex = typeCount;
    }
    readSubType(reader, form);
    typeCount++;
  }
  return { typeCount, i32ToI32TypeIndex };
}

/** Peeks whether the func type at the reader (after 0x60) is exactly `[i32] -> [i32]`. */
function isI32ToI32(reader: ByteReader): boolean {
  const at = reader.pos;
  const bytes = reader.bytes;
  return (
    at + 4 <= reader.end &&
    bytes[at] === 1 &&
    bytes[at + 1] === VALTYPE_I32 &&
    bytes[at + 2] === 1 &&
    bytes[at + 3] === VALTYPE_I32
  );
}

function readSubType(reader: ByteReader, form: number): void {
  let composite = form;
  if (form === 0x50 || form === 0x4f) {
    const supertypes = reader.readCount('supertypes');
    for (let i = 0; i < supertypes; i++) reader.readU32('a supertype index');
    composite = reader.readByte('a composite type form');
  }
  switch (composite) {
    case 0x60: {
      for (let list = 0; list < 2; list++) {
        const count = reader.readCount(list === 0 ? 'parameters' : 'results');
        for (let i = 0; i < count; i++) skipValueType(reader);
      }
      return;
    }
    case 0x5f: {
      const fields = reader.readCount('struct fields');
      for (let i = 0; i < fields; i++) skipFieldType(reader);
      return;
    }
    case 0x5e:
      skipFieldType(reader);
      return;
    default:
      throw reader.malformed(`unknown type form 0x${composite.toString(16)}`);
  }
}

function skipFieldType(reader: ByteReader): void {
  // Packed storage types (i8 0x78, i16 0x77) are single bytes like value types.
  skipValueType(reader);
  reader.readByte('a field mutability');
}

/** Skips a value type, including `(ref null? ht)` with its heap type. */
export function skipValueType(reader: ByteReader): void {
  const code = reader.readByte('a value type');
  if (code === REF_NULLABLE || code === REF_NON_NULLABLE) reader.skipLeb('a heap type');
}

function readImportSection(
  reader: ByteReader,
  imports: CoreImport[],
  memories: MemoryEntry[],
): void {
  const count = reader.readCount('imports', 3);
  for (let i = 0; i < count; i++) {
    const module = reader.readName('an import module name');
    const name = reader.readName('an import name');
    const kindByte = reader.readByte('an import kind');
    const kind = EXTERNAL_KINDS[kindByte];
    switch (kind) {
      case 'func':
        reader.readU32('a function type index');
        imports.push({ module, name, kind });
        break;
      case 'table':
        skipValueType(reader);
        readLimits(reader);
        imports.push({ module, name, kind });
        break;
      case 'memory': {
        const limitsStart = reader.pos;
        const limits = readLimits(reader);
        memories.push({ limits, imported: true, limitsStart, limitsEnd: reader.pos });
        imports.push({ module, name, kind, memory: limits });
        break;
      }
      case 'global':
        skipValueType(reader);
        reader.readByte('a global mutability');
        imports.push({ module, name, kind });
        break;
      case 'tag':
        reader.readByte('a tag attribute');
        reader.readU32('a tag type index');
        imports.push({ module, name, kind });
        break;
      default:
        throw reader.malformed(`import "${module}" "${name}" has unknown kind ${kindByte}`);
    }
  }
  expectSectionEnd(reader);
}

function readMemorySection(reader: ByteReader, memories: MemoryEntry[]): void {
  const count = reader.readCount('memories', 2);
  for (let i = 0; i < count; i++) {
    const limitsStart = reader.pos;
    const limits = readLimits(reader);
    memories.push({ limits, imported: false, limitsStart, limitsEnd: reader.pos });
  }
  expectSectionEnd(reader);
}

/** Reads memory or table limits (flags, initial, maximum?, page size?). */
function readLimits(reader: ByteReader): MemoryLimits {
  const flags = reader.readByte('a limits flags byte');
  if ((flags & ~KNOWN_LIMIT_FLAGS) !== 0) {
    throw reader.malformed(`unknown limits flags 0x${flags.toString(16)}`);
  }
  const memory64 = (flags & LIMIT_FLAG_64) !== 0;
  const readSize = (what: string): number =>
    memory64 ? reader.readU64(what) : reader.readU32(what);
  const initialPages = readSize('an initial size');
  const maximumPages = (flags & LIMIT_FLAG_HAS_MAX) !== 0 ? readSize('a maximum size') : undefined;
  let pageSizeLog2 = DEFAULT_PAGE_SIZE_LOG2;
  if ((flags & LIMIT_FLAG_PAGE_SIZE) !== 0) {
    pageSizeLog2 = reader.readU32('a page size');
    if (pageSizeLog2 > DEFAULT_PAGE_SIZE_LOG2) throw reader.malformed('page size above 64 KiB');
  }
  return {
    initialPages,
    maximumPages,
    shared: (flags & LIMIT_FLAG_SHARED) !== 0,
    memory64,
    pageBytes: 2 ** pageSizeLog2,
  };
}

function readExportSection(reader: ByteReader, exports: CoreExport[]): void {
  const count = reader.readCount('exports', 3);
  for (let i = 0; i < count; i++) {
    const name = reader.readName('an export name');
    const kindByte = reader.readByte('an export kind');
    const kind = EXTERNAL_KINDS[kindByte];
    if (kind === undefined) throw reader.malformed(`export "${name}" has unknown kind ${kindByte}`);
    exports.push({ name, kind, index: reader.readU32('an export index') });
  }
  expectSectionEnd(reader);
}

function expectSectionEnd(reader: ByteReader): void {
  if (!reader.atEnd) {
    throw new WasmFormatError(
      `malformed: ${reader.region} has ${reader.remaining} unexpected bytes after its last entry, ` +
        `at byte ${reader.pos}`,
      reader.pos,
    );
  }
}
