// Puts a rewritten core module together: the preamble, then every section
// either copied from the input as a view or rebuilt from a new payload, with
// sections the input lacked inserted where the binary format's order wants them.

import { CoreSectionId, coreSectionRank } from './sections.js';
import type { SectionSpan } from './sections.js';
import { ChunkList, u32LebLength, writeU32Leb } from './writer.js';

const PREAMBLE_BYTES = 8;

/** New payloads for some sections of a module; sections without one are copied. */
export class SectionPayloads {
  private readonly byId = new Map<number, ChunkList>();
  private readonly byCustomStart = new Map<number, ChunkList>();

  /** Replaces (or, when the module has none, adds) the non-custom section `id`. */
  set(id: number, payload: ChunkList): void {
    this.byId.set(id, payload);
  }

  /** Replaces the custom section at `span` (its payload includes its name). */
  setCustom(span: SectionSpan, payload: ChunkList): void {
    this.byCustomStart.set(span.start, payload);
  }

  /** The new payload for `section`, if any. */
  payloadFor(section: SectionSpan): ChunkList | undefined {
    return section.id === CoreSectionId.custom
      ? this.byCustomStart.get(section.start)
      : this.byId.get(section.id);
  }

  /** The new payload for the non-custom section `id`, if any. */
  payloadForId(id: number): ChunkList | undefined {
    return this.byId.get(id);
  }

  /** Non-custom section ids with a payload, in the order the format requires. */
  idsInOrder(): number[] {
    return [...this.byId.keys()].sort((a, b) => rank(a) - rank(b));
  }
}

/**
 * The output module for `bytes` (whose sections are `sections`) with
 * `payloads` applied. Allocates the output once, at its final size.
 */
export function assembleCoreModule(
  bytes: Uint8Array,
  sections: readonly SectionSpan[],
  payloads: SectionPayloads,
): Uint8Array {
  const out = new ChunkList();
  out.push(bytes.subarray(0, PREAMBLE_BYTES));
  const present = new Set(sections.map((section) => section.id));
  const missing = payloads.idsInOrder().filter((id) => !present.has(id));
  const emitMissingBefore = (limit: number): void => {
    while (missing.length > 0 && rank(missing[0]!) < limit) {
      const id = missing.shift()!;
      out.pushAll(sectionWithPayload(id, payloads.payloadForId(id)!));
    }
  };
  for (const section of sections) {
    const sectionRank = coreSectionRank(section.id);
    if (sectionRank !== undefined) emitMissingBefore(sectionRank);
    const payload = payloads.payloadFor(section);
    if (payload === undefined) out.push(bytes.subarray(section.start, section.end));
    else out.pushAll(sectionWithPayload(section.id, payload));
  }
  emitMissingBefore(Number.POSITIVE_INFINITY);
  return out.toBytes();
}

function rank(id: number): number {
  const sectionRank = coreSectionRank(id);
  if (sectionRank === undefined) throw new Error(`no section order for id ${id}`);
  return sectionRank;
}

/** A whole section: id, LEB128 payload size, payload. */
function sectionWithPayload(id: number, payload: ChunkList): ChunkList {
  const header = new Uint8Array(1 + u32LebLength(payload.length));
  header[0] = id;
  writeU32Leb(header, 1, payload.length);
  const section = new ChunkList();
  section.push(header);
  section.pushAll(payload);
  return section;
}
