// Re-encodes the limits of defined memories whose maximum must come down to
// the container's limit. Entries that already fit are kept byte for byte.

import type { MemoryEntry } from './core-module.js';
import type { SectionSpan } from './sections.js';
import { ChunkList, encodeU32Leb, encodeU64Leb } from './writer.js';

const LIMIT_FLAG_HAS_MAX = 0x01;

/** The maximum a defined memory gets under a limit of `limitPages`. */
function clampedMaximum(memory: MemoryEntry, limitPages: number): number {
  const declared = memory.limits.maximumPages;
  return declared === undefined ? limitPages : Math.min(declared, limitPages);
}

/**
 * New memory section payload with every defined memory's maximum clamped to
 * `limitPages`, or undefined when no entry changes.
 *
 * @param definedMemories the section's entries, in order
 */
export function clampMemorySection(
  bytes: Uint8Array,
  span: SectionSpan,
  definedMemories: readonly MemoryEntry[],
  limitPages: number,
): ChunkList | undefined {
  const payload = new ChunkList();
  let copyFrom = span.payloadStart;
  let changed = false;
  for (const memory of definedMemories) {
    const maximum = clampedMaximum(memory, limitPages);
    if (maximum === memory.limits.maximumPages) continue;
    changed = true;
    payload.push(bytes.subarray(copyFrom, memory.limitsStart));
    payload.push(encodeLimits(bytes[memory.limitsStart] | LIMIT_FLAG_HAS_MAX, memory, maximum));
    copyFrom = memory.limitsEnd;
  }
  if (!changed) return undefined;
  payload.push(bytes.subarray(copyFrom, span.end));
  return payload;
}

function encodeLimits(flags: number, memory: MemoryEntry, maximum: number): Uint8Array {
  const encode = memory.limits.memory64 ? encodeU64Leb : encodeU32Leb;
  const parts = new ChunkList();
  parts.push(Uint8Array.of(flags));
  parts.push(encode(memory.limits.initialPages));
  parts.push(encode(maximum));
  return parts.toBytes();
}
