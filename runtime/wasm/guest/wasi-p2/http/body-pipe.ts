// The bytes of one outgoing body, from the guest's output stream to wherever
// the body goes. A guest may write its body before it sets the response (or
// before a request is sent), so bytes are buffered until a destination is
// attached, then flushed to it; later writes go straight through. The pipe also
// checks the body against its content-length header.

import type { ErrorCode } from '@bytecodealliance/preview2-shim/interfaces/wasi-http-types';
import { GuestIoError } from '../../context.js';
import { IoError } from '../io/error.js';
import type { BodyDestination } from './response-channel.js';
import { INCOMPLETE_BODY_CODE } from './response-channel.js';

/** Whether the body belongs to a request or a response (it picks error codes). */
export type BodyKind = 'request' | 'response';

type PipeState = 'open' | 'finished' | 'broken';

/** One outgoing body's bytes and end state. */
export class BodyPipe {
  readonly #kind: BodyKind;
  readonly #expectedLength: bigint | undefined;
  #state: PipeState = 'open';
  #brokenCode = INCOMPLETE_BODY_CODE;
  #written = 0n;
  #buffered: Uint8Array[] = [];
  #destination: BodyDestination | undefined;

  /** `expectedLength` is the body's content-length header, when it has a valid one. */
  constructor(kind: BodyKind, expectedLength: bigint | undefined) {
    this.#kind = kind;
    this.#expectedLength = expectedLength;
  }

  /**
   * Takes a chunk from the body's output stream (a ByteSink). Fails the write
   * with an `IoError` carrying the body-size error code when it would pass the
   * content-length, and with EPIPE once the body is finished or broken.
   */
  write(chunk: Uint8Array): void {
    if (this.#state !== 'open') throw new GuestIoError('EPIPE', 'the body is already finished');
    const total = this.#written + BigInt(chunk.length);
    if (this.#expectedLength !== undefined && total > this.#expectedLength) {
      throw new IoError(`body longer than its content-length of ${this.#expectedLength}`, {
        http: this.#sizeError(total),
      });
    }
    this.#written = total;
    if (this.#destination) this.#destination.body(chunk);
    else this.#buffered.push(chunk.slice());
  }

  /**
   * The guest finished the body. Returns the error code when the body does not
   * match its content-length (the body is then broken), otherwise undefined.
   */
  finish(): ErrorCode | undefined {
    if (this.#state !== 'open') return undefined;
    if (this.#expectedLength !== undefined && this.#written !== this.#expectedLength) {
      const error = this.#sizeError(this.#written);
      this.#break(error.tag);
      return error;
    }
    this.#state = 'finished';
    this.#destination?.end();
    return undefined;
  }

  /** The guest dropped the body without finishing it: the body is broken. */
  abandon(): void {
    if (this.#state === 'open') this.#break(INCOMPLETE_BODY_CODE);
  }

  /** Starts delivering to `destination`: what was buffered first, then the end state. */
  attach(destination: BodyDestination): void {
    if (this.#destination) throw new Error('the body already has a destination');
    this.#destination = destination;
    for (const chunk of this.#buffered) destination.body(chunk);
    this.#buffered = [];
    if (this.#state === 'finished') destination.end();
    else if (this.#state === 'broken') destination.error(this.#brokenCode);
  }

  #break(code: string): void {
    this.#state = 'broken';
    this.#brokenCode = code;
    this.#buffered = [];
    this.#destination?.error(code);
  }

  #sizeError(size: bigint): ErrorCode {
    return this.#kind === 'response'
      ? { tag: 'HTTP-response-body-size', val: size }
      : { tag: 'HTTP-request-body-size', val: size };
  }
}

/** The value of a single, valid content-length header among `entries`, if there is one. */
export function contentLengthOf(
  entries: readonly (readonly [string, Uint8Array])[],
): bigint | undefined {
  const values = entries.filter(([name]) => name === 'content-length');
  if (values.length !== 1) return undefined;
  const text = new TextDecoder().decode(values[0]?.[1]).trim();
  return /^\d{1,19}$/.test(text) ? BigInt(text) : undefined;
}
