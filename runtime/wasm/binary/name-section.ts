// Adds one function name to the "name" custom section, so the appended grow
// function shows up by name in stack traces and debuggers. Names are advisory:
// when the section cannot be read it is left exactly as it was.

import { WasmFormatError } from './errors.js';
import { ByteReader } from './reader.js';
import type { SectionSpan } from './sections.js';
import { ChunkList, encodeName, encodeU32Leb } from './writer.js';

const FUNCTION_NAMES = 1;

/**
 * New payload for the "name" custom section with `(functionIndex, name)`
 * added to its function-names subsection (created when absent). Returns
 * undefined when the section is malformed, so the caller keeps it unchanged.
 * `functionIndex` must be above every named function (it is appended).
 */
export function withFunctionName(
  bytes: Uint8Array,
  span: SectionSpan,
  functionIndex: number,
  name: string,
): ChunkList | undefined {
  try {
    return addFunctionName(bytes, span, functionIndex, name);
  } catch (error) {
    if (error instanceof WasmFormatError) return undefined;
    throw error;
  }
}

function addFunctionName(
  bytes: Uint8Array,
  span: SectionSpan,
  functionIndex: number,
  name: string,
): ChunkList {
  const reader = new ByteReader(bytes, span.payloadStart, span.end, 'custom section "name"');
  reader.readName('the section name');
  const payload = new ChunkList();
  payload.push(bytes.subarray(span.payloadStart, reader.pos));
  const entry = new ChunkList();
  entry.push(encodeU32Leb(functionIndex));
  entry.push(encodeName(name));
  let inserted = false;
  while (!reader.atEnd) {
    const subsectionStart = reader.pos;
    const id = reader.readByte('a subsection id');
    const size = reader.readU32('a subsection size');
    const contentStart = reader.pos;
    reader.skipBytes(size, 'a subsection');
    if (!inserted && id >= FUNCTION_NAMES) {
      inserted = true;
      if (id === FUNCTION_NAMES) {
        const names = new ByteReader(bytes, contentStart, reader.pos, 'function names');
        const count = names.readU32('the number of names');
        const content = new ChunkList();
        content.push(encodeU32Leb(count + 1));
        content.push(bytes.subarray(names.pos, reader.pos));
        content.pushAll(entry);
        pushSubsection(payload, FUNCTION_NAMES, content);
        continue;
      }
      const content = new ChunkList();
      content.push(encodeU32Leb(1));
      content.pushAll(entry);
      pushSubsection(payload, FUNCTION_NAMES, content);
    }
    payload.push(bytes.subarray(subsectionStart, reader.pos));
  }
  if (!inserted) {
    const content = new ChunkList();
    content.push(encodeU32Leb(1));
    content.pushAll(entry);
    pushSubsection(payload, FUNCTION_NAMES, content);
  }
  return payload;
}

function pushSubsection(payload: ChunkList, id: number, content: ChunkList): void {
  payload.push(Uint8Array.of(id));
  payload.push(encodeU32Leb(content.length));
  payload.pushAll(content);
}
