// The outer framing of a WebAssembly binary: the 8-byte preamble that tells a
// core module from a component, and the sequence of length-prefixed sections.
// Everything else in the toolkit works on the spans found here.

import { WasmFormatError } from './errors.js';
import { ByteReader } from './reader.js';

/** What a binary's preamble says it is. */
export type BinaryKind = 'core' | 'component';

/** Section ids of a core module (the Wasm 3.0 binary format, plus tags). */
export const CoreSectionId = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
  tag: 13,
} as const;

/** Section ids of a component that the toolkit decodes; all others are skipped. */
export const ComponentSectionId = {
  custom: 0,
  import: 10,
  export: 11,
} as const;

/** Where one section sits in the binary. */
export interface SectionSpan {
  readonly id: number;
  /** Offset of the section's id byte. */
  readonly start: number;
  /** Offset of the first payload byte (after id and size). */
  readonly payloadStart: number;
  /** One past the last payload byte. */
  readonly end: number;
  /** Custom sections: their name. */
  readonly customName?: string;
}

const PREAMBLE_BYTES = 8;
const MAGIC = [0x00, 0x61, 0x73, 0x6d] as const;
const CORE_VERSION = 1;
const COMPONENT_VERSION = 0x0d;
const COMPONENT_LAYER = 1;

const CORE_SECTION_NAMES = [
  'custom',
  'type',
  'import',
  'function',
  'table',
  'memory',
  'global',
  'export',
  'start',
  'element',
  'code',
  'data',
  'data count',
  'tag',
] as const;

const COMPONENT_SECTION_NAMES = [
  'custom',
  'core module',
  'core instance',
  'core type',
  'component',
  'instance',
  'alias',
  'type',
  'canon',
  'start',
  'import',
  'export',
  'value',
] as const;

/**
 * Position of each core section id in the order the binary format requires
 * (custom sections excepted). Tags sit between memory and global, data count
 * between element and code.
 */
const CORE_SECTION_ORDER: Readonly<Record<number, number>> = {
  1: 1,
  2: 2,
  3: 3,
  4: 4,
  5: 5,
  13: 6,
  6: 7,
  7: 8,
  8: 9,
  9: 10,
  12: 11,
  10: 12,
  11: 13,
};

/** Rank of a core section id in the required order; custom sections have none. */
export function coreSectionRank(id: number): number | undefined {
  return CORE_SECTION_ORDER[id];
}

/** "import section (id 2)", "custom section \"name\"", for messages. */
export function sectionLabel(kind: BinaryKind, id: number, customName?: string): string {
  if (id === 0)
    return customName === undefined ? 'custom section' : `custom section "${customName}"`;
  const names: readonly string[] = kind === 'core' ? CORE_SECTION_NAMES : COMPONENT_SECTION_NAMES;
  const name = names[id];
  const prefix = kind === 'core' ? '' : 'component ';
  return name === undefined ? `${prefix}section id ${id}` : `${prefix}${name} section (id ${id})`;
}

/**
 * Reads the 8-byte preamble and says whether this is a core module or a
 * component. Throws a WasmFormatError a user can act on otherwise.
 */
export function readPreamble(bytes: Uint8Array): BinaryKind {
  if (bytes.length === 0) {
    throw new WasmFormatError('not a WebAssembly binary (empty input)', 0);
  }
  const magicLength = Math.min(bytes.length, MAGIC.length);
  for (let i = 0; i < magicLength; i++) {
    if (bytes[i] !== MAGIC[i]) throw new WasmFormatError(badMagicMessage(bytes), 0);
  }
  if (bytes.length < PREAMBLE_BYTES) {
    throw new WasmFormatError(
      `truncated: the 8-byte WebAssembly header stops after ${bytes.length} bytes, at byte ${bytes.length}`,
      bytes.length,
    );
  }
  const version = bytes[4] | (bytes[5] << 8);
  const layer = bytes[6] | (bytes[7] << 8);
  if (layer === 0 && version === CORE_VERSION) return 'core';
  if (layer === COMPONENT_LAYER && version === COMPONENT_VERSION) return 'component';
  if (layer === COMPONENT_LAYER) {
    throw new WasmFormatError(
      `unsupported WebAssembly component version 0x${hex(version)} (supported: 0x0d); ` +
        `rebuild the component with current tooling`,
      4,
    );
  }
  throw new WasmFormatError(
    `unsupported WebAssembly version ${version + layer * 65536} (supported: 1 for core modules, ` +
      `0x0d with layer 1 for components)`,
    4,
  );
}

/**
 * Splits the binary after its preamble into sections, checking that every
 * declared size fits in the input. For core modules it also checks that each
 * non-custom section appears at most once and in the required order, which
 * lets the rewrite find and replace sections by id.
 */
export function readSections(bytes: Uint8Array, kind: BinaryKind): SectionSpan[] {
  const sections: SectionSpan[] = [];
  const reader = new ByteReader(bytes, PREAMBLE_BYTES, bytes.length, 'WebAssembly binary');
  let lastRank = 0;
  while (!reader.atEnd) {
    const start = reader.pos;
    const id = reader.readByte('a section id');
    const sizeReader = new ByteReader(bytes, reader.pos, bytes.length, 'WebAssembly binary');
    let size: number;
    try {
      size = sizeReader.readU32('a section size');
    } catch {
      throw new WasmFormatError(
        `truncated: the header of the ${sectionLabel(kind, id)} at byte ${start} has no valid size, ` +
          `at byte ${sizeReader.pos}`,
        sizeReader.pos,
      );
    }
    const payloadStart = sizeReader.pos;
    const available = bytes.length - payloadStart;
    if (size > available) {
      throw new WasmFormatError(
        `truncated: the ${sectionLabel(kind, id)} at byte ${start} declares ${size} bytes but ` +
          `only ${available} remain, at byte ${bytes.length}`,
        bytes.length,
      );
    }
    const end = payloadStart + size;
    reader.pos = end;
    if (id === 0) {
      const nameReader = new ByteReader(
        bytes,
        payloadStart,
        end,
        `custom section at byte ${start}`,
      );
      sections.push({ id, start, payloadStart, end, customName: nameReader.readName('its name') });
      continue;
    }
    if (kind === 'core') lastRank = checkCoreOrder(id, lastRank, start);
    sections.push({ id, start, payloadStart, end });
  }
  return sections;
}

function checkCoreOrder(id: number, lastRank: number, start: number): number {
  const rank = coreSectionRank(id);
  if (rank === undefined) {
    throw new WasmFormatError(`malformed: unknown section id ${id} at byte ${start}`, start);
  }
  if (rank <= lastRank) {
    throw new WasmFormatError(
      `malformed: the ${sectionLabel('core', id)} at byte ${start} is repeated or out of order`,
      start,
    );
  }
  return rank;
}

function badMagicMessage(bytes: Uint8Array): string {
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 64)).trimStart();
  if (head.startsWith('(module') || head.startsWith('(component') || head.startsWith(';;')) {
    return 'not a WebAssembly binary (bad magic): this looks like WebAssembly text; compile it to a .wasm binary first';
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    return 'not a WebAssembly binary (bad magic): this looks like gzip data (an image layer?); unpack it first';
  }
  const shown = Array.from(bytes.subarray(0, 4), (byte) => hex(byte)).join(' ');
  return `not a WebAssembly binary (bad magic): expected 00 61 73 6d, found ${shown}`;
}

function hex(value: number): string {
  return value.toString(16).padStart(2, '0');
}
