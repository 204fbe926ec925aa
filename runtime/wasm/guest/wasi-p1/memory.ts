// Access to the guest's linear memory for preview 1 calls.
//
// Every accessor builds its view from `memory.buffer` at the moment of use:
// `memory.grow` detaches the old ArrayBuffer, so a view kept from before a grow
// (or from before a blocking wait, during which a shared memory may grow) would
// read and write a dead buffer. Out-of-range pointers are EFAULT, never a trap.

import { ERRNO } from './constants.js';
import { WasiErrno } from './errno.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** A region of guest memory named by a preview 1 `iovec`/`ciovec`. */
export interface IoVec {
  readonly ptr: number;
  readonly len: number;
}

export class GuestMemory {
  #memory: WebAssembly.Memory | undefined;

  /** Binds the instance's exported memory (once it exists). */
  attach(memory: WebAssembly.Memory): void {
    this.#memory = memory;
  }

  #buffer(): ArrayBufferLike {
    if (this.#memory === undefined) {
      // A host wiring bug, not a guest error: let it trap.
      throw new Error('WASI preview 1 used before attach(memory)');
    }
    return this.#memory.buffer;
  }

  /** A fresh DataView over `[ptr, ptr+len)`, or EFAULT. */
  view(ptr: number, len: number): DataView {
    const buffer = this.#buffer();
    const start = ptr >>> 0;
    if (start + len > buffer.byteLength) throw new WasiErrno(ERRNO.FAULT, 'pointer out of bounds');
    return new DataView(buffer, start, len);
  }

  /** Fresh bytes over `[ptr, ptr+len)`, or EFAULT. Writes go straight to guest memory. */
  bytes(ptr: number, len: number): Uint8Array {
    const buffer = this.#buffer();
    const start = ptr >>> 0;
    const length = len >>> 0;
    if (start + length > buffer.byteLength) {
      throw new WasiErrno(ERRNO.FAULT, 'pointer out of bounds');
    }
    return new Uint8Array(buffer, start, length);
  }

  u32(ptr: number): number {
    return this.view(ptr, 4).getUint32(0, true);
  }

  setU8(ptr: number, value: number): void {
    this.view(ptr, 1).setUint8(0, value);
  }

  setU16(ptr: number, value: number): void {
    this.view(ptr, 2).setUint16(0, value, true);
  }

  setU32(ptr: number, value: number): void {
    this.view(ptr, 4).setUint32(0, value, true);
  }

  setU64(ptr: number, value: bigint): void {
    this.view(ptr, 8).setBigUint64(0, BigInt.asUintN(64, value), true);
  }

  /** The UTF-8 string at `[ptr, ptr+len)`; EILSEQ when it is not valid UTF-8. */
  string(ptr: number, len: number): string {
    // Decode from a copy: TextDecoder rejects views of a shared memory's buffer.
    const bytes = this.bytes(ptr, len).slice();
    try {
      return utf8.decode(bytes);
    } catch {
      throw new WasiErrno(ERRNO.ILSEQ, 'path is not valid UTF-8');
    }
  }

  /** The `count` (c)iovecs of the array at `ptr`. */
  ioVecs(ptr: number, count: number): IoVec[] {
    const table = this.view(ptr, (count >>> 0) * 8);
    const vecs: IoVec[] = [];
    for (let i = 0; i < count >>> 0; i++) {
      vecs.push({ ptr: table.getUint32(i * 8, true), len: table.getUint32(i * 8 + 4, true) });
    }
    return vecs;
  }

  /** Copies the bytes of `vecs` out of guest memory into one new array. */
  gather(vecs: readonly IoVec[]): Uint8Array {
    const total = vecs.reduce((sum, vec) => sum + vec.len, 0);
    const out = new Uint8Array(total);
    let offset = 0;
    for (const vec of vecs) {
      out.set(this.bytes(vec.ptr, vec.len), offset);
      offset += vec.len;
    }
    return out;
  }

  /** Copies `data` into `vecs` in order; returns the byte count copied. */
  scatter(data: Uint8Array, vecs: readonly IoVec[]): number {
    let offset = 0;
    for (const vec of vecs) {
      if (offset >= data.length) break;
      const chunk = data.subarray(offset, offset + vec.len);
      this.bytes(vec.ptr, chunk.length).set(chunk);
      offset += chunk.length;
    }
    return offset;
  }

  /** UTF-8 bytes of `text` (for sizes and copies). */
  static encode(text: string): Uint8Array {
    return encoder.encode(text);
  }
}
