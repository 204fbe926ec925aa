// Reads a component's top-level imports and exports (Component Model
// Binary.md, sections 10 and 11). Every other section, nested components and
// core modules included, is skipped by its length.

import { ByteReader } from './reader.js';
import { ComponentSectionId, readSections, sectionLabel } from './sections.js';
import type { ComponentExtern, ComponentInfo, ComponentSort } from './types.js';

const CORE_SORTS: Readonly<Record<number, ComponentSort>> = {
  0x00: 'core-func',
  0x01: 'core-table',
  0x02: 'core-memory',
  0x03: 'core-global',
  0x10: 'core-type',
  0x11: 'core-module',
  0x12: 'core-instance',
};

const SORTS: Readonly<Record<number, ComponentSort>> = {
  0x01: 'func',
  0x02: 'value',
  0x03: 'type',
  0x04: 'component',
  0x05: 'instance',
};

/**
 * Decodes the import and export names of a component whose preamble has
 * already been checked. Throws WasmFormatError on malformed sections.
 */
export function readComponent(bytes: Uint8Array): ComponentInfo {
  const imports: ComponentExtern[] = [];
  const exports: ComponentExtern[] = [];
  for (const section of readSections(bytes, 'component')) {
    if (section.id !== ComponentSectionId.import && section.id !== ComponentSectionId.export) {
      continue;
    }
    const reader = new ByteReader(
      bytes,
      section.payloadStart,
      section.end,
      sectionLabel('component', section.id),
    );
    if (section.id === ComponentSectionId.import) readImports(reader, imports);
    else readExports(reader, exports);
    if (!reader.atEnd) {
      throw reader.malformed(`${reader.remaining} unexpected bytes after the last entry`);
    }
  }
  return { kind: 'component', imports, exports };
}

function readImports(reader: ByteReader, imports: ComponentExtern[]): void {
  const count = reader.readCount('imports', 3);
  for (let i = 0; i < count; i++) {
    const name = readExternName(reader, 'an import name');
    imports.push({ name, sort: readExternDesc(reader) });
  }
}

function readExports(reader: ByteReader, exports: ComponentExtern[]): void {
  const count = reader.readCount('exports', 4);
  for (let i = 0; i < count; i++) {
    const name = readExternName(reader, 'an export name');
    const sort = readSort(reader);
    reader.readU32('an export index');
    // An optional ascribed type: 0x00 = none, 0x01 = externdesc follows.
    const hasType = reader.readByte('an export type flag');
    if (hasType === 0x01) readExternDesc(reader);
    else if (hasType !== 0x00) throw reader.malformed(`export "${name}" has type flag ${hasType}`);
    exports.push({ name, sort });
  }
}

/**
 * `importname'` / `exportname'`: a discriminator then the name. 0x01 marked
 * interface names (`ns:pkg/iface`) in older encoders; both are a plain name now.
 */
function readExternName(reader: ByteReader, what: string): string {
  const discriminator = reader.readByte(`${what} discriminator`);
  if (discriminator !== 0x00 && discriminator !== 0x01) {
    throw reader.malformed(`unknown ${what} discriminator 0x${discriminator.toString(16)}`);
  }
  return reader.readName(what);
}

function readSort(reader: ByteReader): ComponentSort {
  const byte = reader.readByte('a sort');
  if (byte === 0x00) {
    const coreByte = reader.readByte('a core sort');
    const coreSort = CORE_SORTS[coreByte];
    if (coreSort === undefined)
      throw reader.malformed(`unknown core sort 0x${coreByte.toString(16)}`);
    return coreSort;
  }
  const sort = SORTS[byte];
  if (sort === undefined) throw reader.malformed(`unknown sort 0x${byte.toString(16)}`);
  return sort;
}

/** Reads an `externdesc` and returns the sort it describes. */
function readExternDesc(reader: ByteReader): ComponentSort {
  const sort = readSort(reader);
  switch (sort) {
    case 'type': {
      // typebound: 0x00 eq <typeidx> | 0x01 sub resource
      const bound = reader.readByte('a type bound');
      if (bound === 0x00) reader.readU32('a type index');
      else if (bound !== 0x01) throw reader.malformed(`unknown type bound 0x${bound.toString(16)}`);
      return sort;
    }
    case 'value':
      // wasm-tools encodes a value import as a bare valtype: a primitive type
      // code (one negative-SLEB byte) or a type index, both one LEB128.
      reader.skipLeb('a value type');
      return sort;
    default:
      reader.readU32('a type index');
      return sort;
  }
}
