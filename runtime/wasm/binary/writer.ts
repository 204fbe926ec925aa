// Output side of the toolkit: LEB128 encoding and a chunk list that assembles
// the rewritten binary. Unchanged regions are pushed as views of the input
// (no copy) and the final buffer is allocated once at its exact size, so a
// rewrite copies each output byte exactly once.

const utf8 = new TextEncoder();

/** Number of bytes the unsigned LEB128 encoding of `value` (< 2^32) takes. */
export function u32LebLength(value: number): number {
  let length = 1;
  for (let rest = value >>> 7; rest !== 0; rest >>>= 7) length++;
  return length;
}

/** Writes `value` (< 2^32) as unsigned LEB128 at `offset`; returns the offset after it. */
export function writeU32Leb(target: Uint8Array, offset: number, value: number): number {
  let rest = value >>> 0;
  while (rest >= 0x80) {
    target[offset++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  target[offset++] = rest;
  return offset;
}

/** The unsigned LEB128 encoding of `value` (< 2^32). */
export function encodeU32Leb(value: number): Uint8Array {
  const out = new Uint8Array(u32LebLength(value));
  writeU32Leb(out, 0, value);
  return out;
}

/** The unsigned LEB128 encoding of a non-negative safe integer (memory64 limits). */
export function encodeU64Leb(value: number): Uint8Array {
  const bytes: number[] = [];
  let rest = value;
  do {
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    bytes.push(rest > 0 ? low | 0x80 : low);
  } while (rest > 0);
  return Uint8Array.from(bytes);
}

/** A WebAssembly `name`: LEB128 byte length followed by UTF-8. */
export function encodeName(name: string): Uint8Array {
  const text = utf8.encode(name);
  const out = new Uint8Array(u32LebLength(text.length) + text.length);
  out.set(text, writeU32Leb(out, 0, text.length));
  return out;
}

/** Concatenation of byte arrays into one. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const list = new ChunkList();
  for (const part of parts) list.push(part);
  return list.toBytes();
}

/**
 * An ordered list of byte chunks that becomes one Uint8Array at the end.
 * Chunks are kept by reference: callers must not modify a pushed chunk.
 */
export class ChunkList {
  private readonly chunks: Uint8Array[] = [];
  private total = 0;

  /** Total bytes pushed so far. */
  get length(): number {
    return this.total;
  }

  /** Appends a chunk (empty chunks are dropped). */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** Appends every chunk of another list, in order. */
  pushAll(other: ChunkList): void {
    for (const chunk of other.chunks) this.push(chunk);
  }

  /** One buffer holding every chunk in order, allocated at its exact size. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.total);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}
