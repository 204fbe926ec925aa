// A single-producer, single-consumer byte ring over a SharedArrayBuffer.
//
// It carries a guest's stdin from the host thread (producer) to the worker
// (consumer), which reads it synchronously from inside a WASI call. Indices are
// free-running 32-bit counters; the ring capacity is a power of two.

const HEAD = 0; // total bytes ever read (consumer writes)
const TAIL = 1; // total bytes ever written (producer writes)
const CLOSED = 2; // producer closed: no more bytes will come
const HEADER_CELLS = 4;

/** Allocates a queue able to hold `capacity` bytes (rounded up to a power of two). */
export function createSharedByteQueue(capacity = 64 * 1024): SharedArrayBuffer {
  let size = 1;
  while (size < capacity) size *= 2;
  return new SharedArrayBuffer(HEADER_CELLS * 4 + size);
}

/** Either end of a queue made by `createSharedByteQueue`. */
export class SharedByteQueue {
  readonly #header: Int32Array;
  readonly #data: Uint8Array;
  readonly #mask: number;

  constructor(buffer: SharedArrayBuffer) {
    this.#header = new Int32Array(buffer, 0, HEADER_CELLS);
    this.#data = new Uint8Array(buffer, HEADER_CELLS * 4);
    this.#mask = this.#data.length - 1;
  }

  /** Bytes written and not yet read. */
  get size(): number {
    return (Atomics.load(this.#header, TAIL) - Atomics.load(this.#header, HEAD)) >>> 0;
  }

  get closed(): boolean {
    return Atomics.load(this.#header, CLOSED) === 1;
  }

  /** Producer: copies as much of `bytes` as fits; returns how many bytes were taken. */
  write(bytes: Uint8Array): number {
    if (this.closed) throw new Error('write to a closed queue');
    const tail = Atomics.load(this.#header, TAIL);
    const free = this.#data.length - this.size;
    const count = Math.min(free, bytes.length);
    for (let done = 0; done < count;) {
      const at = (tail + done) & this.#mask;
      const run = Math.min(count - done, this.#data.length - at);
      this.#data.set(bytes.subarray(done, done + run), at);
      done += run;
    }
    Atomics.store(this.#header, TAIL, (tail + count) | 0);
    return count;
  }

  /** Producer: no more bytes will be written; the consumer sees end of stream once drained. */
  close(): void {
    Atomics.store(this.#header, CLOSED, 1);
  }

  /**
   * Consumer: up to `max` bytes now; an empty array when nothing is buffered yet,
   * `null` once the producer closed and everything was read.
   */
  read(max: number): Uint8Array | null {
    const available = this.size;
    if (available === 0) return this.closed && this.size === 0 ? null : new Uint8Array(0);
    const head = Atomics.load(this.#header, HEAD);
    const count = Math.min(available, max);
    const out = new Uint8Array(count);
    for (let done = 0; done < count;) {
      const at = (head + done) & this.#mask;
      const run = Math.min(count - done, this.#data.length - at);
      out.set(this.#data.subarray(at, at + run), done);
      done += run;
    }
    Atomics.store(this.#header, HEAD, (head + count) | 0);
    return out;
  }

  /** Consumer: true when `read` would not return an empty array. */
  ready(): boolean {
    return this.size > 0 || this.closed;
  }
}
