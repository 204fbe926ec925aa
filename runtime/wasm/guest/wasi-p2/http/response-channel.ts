// The one path from a guest's response to the ResponseSink of the request it
// answers. It keeps the sink's protocol whatever order the guest does things
// in: `head` at most once, `body` only after it, and exactly one of `end` or
// `error` to finish (unless the host never settles the request).
//
// Error codes the sink may get, besides the guest's own `set(err(code))`:
// - `internal-error` before any head: the guest never set a response
//   (it dropped the response-outparam, or `handle` returned without setting it);
// - `HTTP-response-incomplete` after the head: the guest dropped the body
//   without finishing it, or `handle` returned (or trapped) before finishing it;
// - `HTTP-response-body-size` after the head: the body did not match its
//   content-length header.
// After a head, an error means the response is broken: the server should abort
// the connection rather than pretend the response is complete.

import type { ResponseSink } from '../provider-types.js';
import type { FieldEntry } from './fields.js';

/** Where a request's response stands. */
export type ResponseProgress = 'awaiting-response' | 'sending-body' | 'complete' | 'failed';

/** Error code for a request the guest never answered. */
export const NO_RESPONSE_CODE = 'internal-error';
/** Error code for a response whose body was never finished. */
export const INCOMPLETE_BODY_CODE = 'HTTP-response-incomplete';

/** Receives an outgoing body's bytes and its end. */
export interface BodyDestination {
  body(chunk: Uint8Array): void;
  end(): void;
  /** The body is broken; `code` is a wasi:http error-code tag. */
  error(code: string): void;
}

/** Guards a ResponseSink; see the file comment for the protocol. */
export class ResponseChannel implements BodyDestination {
  readonly #sink: ResponseSink;
  #progress: ResponseProgress = 'awaiting-response';

  constructor(sink: ResponseSink) {
    this.#sink = sink;
  }

  get progress(): ResponseProgress {
    return this.#progress;
  }

  /** Sends the status line and headers (once). */
  head(status: number, headers: readonly FieldEntry[]): void {
    if (this.#progress !== 'awaiting-response') return;
    this.#progress = 'sending-body';
    this.#sink.head(status, headers);
  }

  body(chunk: Uint8Array): void {
    if (this.#progress === 'sending-body' && chunk.length > 0) this.#sink.body(chunk);
  }

  end(): void {
    if (this.#progress !== 'sending-body') return;
    this.#progress = 'complete';
    this.#sink.end();
  }

  error(code: string): void {
    if (this.#progress === 'complete' || this.#progress === 'failed') return;
    this.#progress = 'failed';
    this.#sink.error(code);
  }

  /**
   * The guest can do nothing more for this request (its handler returned or
   * trapped, or its instance is gone): report whatever it left unfinished.
   */
  settle(): void {
    if (this.#progress === 'awaiting-response') this.error(NO_RESPONSE_CODE);
    else if (this.#progress === 'sending-body') this.error(INCOMPLETE_BODY_CODE);
  }
}
