// A bounds-checked cursor over one region of a WebAssembly binary (usually one
// section's payload). Every read past the region's end becomes a
// WasmFormatError that names the region, so a user sees "truncated: import
// section ... at byte N" instead of a RangeError or, worse, garbage values.

import { WasmFormatError } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads LEB128 integers, bytes and names from `bytes[pos, end)`. */
export class ByteReader {
  /**
   * @param bytes the whole binary (offsets in errors are absolute)
   * @param pos first byte of the region
   * @param end one past the last byte of the region
   * @param region human description of the region, used in error messages
   */
  constructor(
    readonly bytes: Uint8Array,
    public pos: number,
    readonly end: number,
    readonly region: string,
  ) {}

  /** True when every byte of the region has been consumed. */
  get atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** Bytes left in the region. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Reads one byte; `what` names it for the truncation message. */
  readByte(what: string): number {
    if (this.pos >= this.end) throw this.truncated(what);
    return this.bytes[this.pos++];
  }

  /** Reads an unsigned LEB128 32-bit integer (at most 5 bytes). */
  readU32(what: string): number {
    let result = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) throw this.truncated(what);
      const byte = this.bytes[this.pos++];
      result |= (byte & 0x7f) << (7 * i);
      if ((byte & 0x80) === 0) {
        // The fifth byte may only carry the top 4 bits of a 32-bit value.
        if (i === 4 && (byte & 0x70) !== 0) throw this.malformed(`${what} does not fit 32 bits`);
        return result >>> 0;
      }
    }
    throw this.malformed(`${what} is longer than 5 bytes`);
  }

  /**
   * Reads an unsigned LEB128 64-bit integer as a number. Values above 2^53
   * cannot be represented exactly and are rejected (no real memory or table
   * size comes near them).
   */
  readU64(what: string): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw this.truncated(what);
      const byte = this.bytes[this.pos++];
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        if (result > Number.MAX_SAFE_INTEGER) throw this.malformed(`${what} is implausibly large`);
        return result;
      }
      scale *= 128;
    }
    throw this.malformed(`${what} is longer than 10 bytes`);
  }

  /** Skips one LEB128 integer of any signedness without decoding it. */
  skipLeb(what: string): void {
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw this.truncated(what);
      if ((this.bytes[this.pos++] & 0x80) === 0) return;
    }
    throw this.malformed(`${what} is longer than 10 bytes`);
  }

  /**
   * Reads a vector length and checks it is plausible: every item takes at
   * least `minItemBytes`, so a count larger than what is left is garbage
   * (and would otherwise make a caller loop for a very long time).
   */
  readCount(what: string, minItemBytes = 1): number {
    const start = this.pos;
    const count = this.readU32(`number of ${what}`);
    if (count * minItemBytes > this.remaining) {
      throw new WasmFormatError(
        `malformed: ${this.region} declares ${count} ${what} but only ${this.remaining} bytes ` +
          `follow, at byte ${start}`,
        start,
      );
    }
    return count;
  }

  /** Reads a length-prefixed UTF-8 name. */
  readName(what: string): string {
    const length = this.readU32(`length of ${what}`);
    const start = this.pos;
    if (length > this.remaining) throw this.truncated(what);
    this.pos += length;
    try {
      return utf8.decode(this.bytes.subarray(start, start + length));
    } catch {
      throw new WasmFormatError(
        `malformed: ${what} in ${this.region} is not valid UTF-8, at byte ${start}`,
        start,
      );
    }
  }

  /** Skips `count` raw bytes. */
  skipBytes(count: number, what: string): void {
    if (count > this.remaining) {
      this.pos = this.end;
      throw this.truncated(what);
    }
    this.pos += count;
  }

  /** Error for data that stops before `what` is complete. */
  truncated(what: string): WasmFormatError {
    return new WasmFormatError(
      `truncated: ${this.region} ends inside ${what} at byte ${this.pos}`,
      this.pos,
    );
  }

  /** Error for data that is present but cannot be right. */
  malformed(problem: string): WasmFormatError {
    return new WasmFormatError(
      `malformed: ${problem} in ${this.region}, at byte ${this.pos}`,
      this.pos,
    );
  }
}
