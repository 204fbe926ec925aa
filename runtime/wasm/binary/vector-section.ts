// Appending one entry to a vector-shaped section (type, function, global,
// export): the count is re-encoded and the existing entries are kept as a view
// of the input, byte for byte.

import { ByteReader } from './reader.js';
import { sectionLabel } from './sections.js';
import type { SectionSpan } from './sections.js';
import { ChunkList, encodeU32Leb } from './writer.js';

/**
 * New payload for a section whose payload is `count entries...`, with `entry`
 * appended. A missing section (`span` undefined) becomes a one-entry vector.
 */
export function appendVectorEntry(
  bytes: Uint8Array,
  span: SectionSpan | undefined,
  entry: Uint8Array,
): ChunkList {
  const payload = new ChunkList();
  if (span === undefined) {
    payload.push(encodeU32Leb(1));
    payload.push(entry);
    return payload;
  }
  const reader = new ByteReader(bytes, span.payloadStart, span.end, sectionLabel('core', span.id));
  const count = reader.readCount('entries');
  payload.push(encodeU32Leb(count + 1));
  payload.push(bytes.subarray(reader.pos, span.end));
  payload.push(entry);
  return payload;
}
