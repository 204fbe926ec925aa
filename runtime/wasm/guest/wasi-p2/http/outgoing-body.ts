// `wasi:http/types.outgoing-body`: the body of a response (or request) a guest
// sends. Its one output stream feeds a BodyPipe; `finish` ends the body, and
// dropping it unfinished breaks it (WASI: "treat the body as corrupted").

import type {
  OutgoingBody as OutgoingBodyApi,
  Trailers,
} from '@bytecodealliance/preview2-shim/interfaces/wasi-http-types';
import { OutputStream } from '../io/output-stream.js';
import { failWith, GuestTrap, symbolDispose } from '../wit.js';
import type { BodyPipe } from './body-pipe.js';

/** An `outgoing-body` resource. */
export class OutgoingBody implements OutgoingBodyApi {
  readonly #pipe: BodyPipe;
  #stream: OutputStream | undefined;
  #streamTaken = false;
  #done = false;

  /** Host side: a body feeding `pipe`. */
  constructor(pipe: BodyPipe) {
    this.#pipe = pipe;
  }

  /** The body's output stream; an error (unit) after the first call. */
  write(): OutputStream {
    if (this.#streamTaken || this.#done) return failWith(undefined);
    this.#streamTaken = true;
    this.#stream = new OutputStream(this.#pipe);
    return this.#stream;
  }

  /**
   * Ends the body. Trailers are accepted but not sent: the response sink has no
   * way to carry them yet. Fails with `HTTP-response-body-size` (or the request
   * one) when the body does not match its content-length.
   */
  static finish(body: OutgoingBody, trailers: Trailers | undefined): void {
    void trailers;
    body.#finish();
  }

  /** The guest dropped the body without finishing it. */
  [symbolDispose](): void {
    if (this.#done) return;
    this.#done = true;
    this.#stream?.close();
    this.#pipe.abandon();
  }

  #finish(): void {
    if (this.#done) throw new GuestTrap('outgoing-body finished twice');
    this.#done = true;
    // WASI wants the stream dropped first; closing it makes late writes fail instead.
    this.#stream?.close();
    const error = this.#pipe.finish();
    if (error !== undefined) failWith(error);
  }
}
