// `wasi:io/streams.input-stream` over a ByteSource (stdin, a request body, a
// file read). Reads never block unless the guest asks for a blocking one; the
// source says what is available now, and `waitForActivity` waits for more.

import type { InputStream as InputStreamApi } from '@bytecodealliance/preview2-shim/interfaces/wasi-io-streams';
import type { ByteSource } from '../../context.js';
import { clampLength, failWith, MAX_CHUNK_BYTES } from '../wit.js';
import type { ActivityWaiter } from './poll.js';
import { Pollable } from './poll.js';
import { STREAM_CLOSED, streamErrorOf } from './stream-error.js';

const EMPTY = new Uint8Array(0);

/** An `input-stream` resource. */
export class InputStream implements InputStreamApi {
  readonly #source: ByteSource;
  readonly #waiter: ActivityWaiter;
  #closed = false;

  constructor(source: ByteSource, waiter: ActivityWaiter) {
    this.#source = source;
    this.#waiter = waiter;
  }

  /** Up to `len` bytes available now (maybe none); throws `closed` at end of stream. */
  read(len: bigint): Uint8Array {
    const bytes = this.#pull(clampLength(len, MAX_CHUNK_BYTES));
    if (bytes === null) return failWith(STREAM_CLOSED);
    return bytes;
  }

  /** Like `read`, after blocking until at least one byte (or the end) is there. */
  blockingRead(len: bigint): Uint8Array {
    const max = clampLength(len, MAX_CHUNK_BYTES);
    for (;;) {
      const bytes = this.#pull(max);
      if (bytes === null) return failWith(STREAM_CLOSED);
      if (bytes.length > 0 || max === 0) return bytes;
      this.#waiter.waitForActivity();
    }
  }

  /** Like `read`, returning how many bytes were consumed instead of the bytes. */
  skip(len: bigint): bigint {
    return BigInt(this.read(len).length);
  }

  /** Like `blockingRead`, returning how many bytes were consumed. */
  blockingSkip(len: bigint): bigint {
    return BigInt(this.blockingRead(len).length);
  }

  /** Ready when bytes are available or the stream has ended. */
  subscribe(): Pollable {
    return new Pollable(this.#waiter, () => this.#closed || this.#source.ready());
  }

  /**
   * Host side: ends the stream early (its body was finished or its parent
   * resource is gone); later reads report `closed`.
   */
  close(): void {
    this.#closed = true;
  }

  /** Bytes now (possibly none), or null once the stream is closed. */
  #pull(max: number): Uint8Array | null {
    if (this.#closed) return null;
    let bytes: Uint8Array | null;
    try {
      bytes = this.#source.read(max);
    } catch (error) {
      const streamError = streamErrorOf(error);
      if (streamError === undefined) throw error;
      this.#closed = true;
      return failWith(streamError);
    }
    if (bytes === null) {
      // Stay closed even if the source would later hand out more.
      this.#closed = true;
      return null;
    }
    return bytes.length === 0 ? EMPTY : bytes;
  }
}
