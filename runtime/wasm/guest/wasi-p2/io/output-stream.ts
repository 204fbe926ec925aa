// `wasi:io/streams.output-stream` over a ByteSink (stdout, stderr, a response
// body, a file write). Sinks accept whole writes synchronously, so a write is
// flushed by the time it returns: `flush` has nothing to wait for, and the
// check-write permit is a fixed cap on the size of one non-blocking write. As
// nothing ever waits, the stream needs no waiter and its pollable is always
// ready; that also lets guest-constructed HTTP bodies make one without help.

import type { OutputStream as OutputStreamApi } from '@bytecodealliance/preview2-shim/interfaces/wasi-io-streams';
import type { ByteSink } from '../../context.js';
import { failWith, GuestTrap, MAX_CHUNK_BYTES } from '../wit.js';
import type { InputStream } from './input-stream.js';
import { Pollable } from './poll.js';
import { STREAM_CLOSED, streamErrorOf } from './stream-error.js';

/** What `check-write` permits: the most one `write` may carry. */
export const WRITE_PERMIT_BYTES = 64 * 1024;

/** An `output-stream` resource. */
export class OutputStream implements OutputStreamApi {
  readonly #sink: ByteSink;
  #closed = false;

  constructor(sink: ByteSink) {
    this.#sink = sink;
  }

  /** Bytes the next `write` may carry; throws `closed` once the stream is closed. */
  checkWrite(): bigint {
    this.#assertOpen();
    return BigInt(WRITE_PERMIT_BYTES);
  }

  /** Writes `contents`, which must fit the check-write permit (else the guest traps). */
  write(contents: Uint8Array): void {
    this.#assertOpen();
    if (contents.length > WRITE_PERMIT_BYTES) {
      throw new GuestTrap(`write of ${contents.length} bytes exceeds the check-write permit`);
    }
    this.#send(contents);
  }

  /**
   * Writes and flushes `contents`. WASI caps this at 4096 bytes per call;
   * larger writes are accepted rather than trapped, as a sink takes any size.
   */
  blockingWriteAndFlush(contents: Uint8Array): void {
    this.#assertOpen();
    this.#send(contents);
  }

  /** Nothing is ever buffered here; only reports a closed stream. */
  flush(): void {
    this.#assertOpen();
  }

  /** As `flush`: writes are complete when they return. */
  blockingFlush(): void {
    this.#assertOpen();
  }

  /** Always ready: the stream accepts writes at once, or reports an error at once. */
  subscribe(): Pollable {
    return Pollable.alwaysReady();
  }

  /** Writes `len` zero bytes, within the check-write permit. */
  writeZeroes(len: bigint): void {
    this.#assertOpen();
    if (len > BigInt(WRITE_PERMIT_BYTES)) {
      throw new GuestTrap(`write-zeroes of ${len} bytes exceeds the check-write permit`);
    }
    this.#send(new Uint8Array(Number(len)));
  }

  /** Writes and flushes `len` zero bytes, in chunks. */
  blockingWriteZeroesAndFlush(len: bigint): void {
    this.#assertOpen();
    let left = len;
    while (left > 0n) {
      const chunk = left > BigInt(MAX_CHUNK_BYTES) ? MAX_CHUNK_BYTES : Number(left);
      this.#send(new Uint8Array(chunk));
      left -= BigInt(chunk);
    }
  }

  /** Moves what `src` has now (up to `len` and the permit) into this stream. */
  splice(src: InputStream, len: bigint): bigint {
    this.#assertOpen();
    const bytes = src.read(minLength(len));
    this.#send(bytes);
    return BigInt(bytes.length);
  }

  /** Like `splice`, after blocking until `src` has at least one byte or ends. */
  blockingSplice(src: InputStream, len: bigint): bigint {
    this.#assertOpen();
    const bytes = src.blockingRead(minLength(len));
    this.#send(bytes);
    return BigInt(bytes.length);
  }

  /** Host side: closes the stream (its body was finished); later calls report `closed`. */
  close(): void {
    this.#closed = true;
  }

  #assertOpen(): void {
    if (this.#closed) failWith(STREAM_CLOSED);
  }

  #send(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    try {
      this.#sink.write(bytes);
    } catch (error) {
      const streamError = streamErrorOf(error);
      if (streamError === undefined) throw error;
      // WASI: after a failed operation the stream is closed for good.
      this.#closed = true;
      failWith(streamError);
    }
  }
}

function minLength(len: bigint): bigint {
  const permit = BigInt(WRITE_PERMIT_BYTES);
  return len < permit ? len : permit;
}
