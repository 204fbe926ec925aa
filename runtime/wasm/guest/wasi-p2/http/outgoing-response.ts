// `wasi:http/types.outgoing-response`: the response a guest builds and hands to
// `response-outparam.set`. Its headers are fixed at construction (the guest's
// fields are moved in), so `headers()` returns an immutable copy.

import type {
  Headers,
  OutgoingResponse as OutgoingResponseApi,
} from '@bytecodealliance/preview2-shim/interfaces/wasi-http-types';
import { failWith } from '../wit.js';
import { BodyPipe, contentLengthOf } from './body-pipe.js';
import { Fields } from './fields.js';
import type { FieldEntry } from './fields.js';
import { OutgoingBody } from './outgoing-body.js';

/** An `outgoing-response` resource. */
export class OutgoingResponse implements OutgoingResponseApi {
  readonly #headers: readonly FieldEntry[];
  readonly #pipe: BodyPipe;
  #status = 200;
  #bodyTaken = false;

  /** A 200 response with `headers` (the WIT constructor; the fields are copied). */
  constructor(headers: Headers) {
    if (!(headers instanceof Fields)) throw new TypeError('headers must be a fields resource');
    this.#headers = headers.toEntries();
    this.#pipe = new BodyPipe('response', contentLengthOf(this.#headers));
  }

  statusCode(): number {
    return this.#status;
  }

  /** Sets the status; fails (unit error) outside 100..999, as the `http` crate does. */
  setStatusCode(status: number): void {
    if (!Number.isInteger(status) || status < 100 || status > 999) failWith(undefined);
    this.#status = status;
  }

  headers(): Fields {
    return Fields.fromHost(this.#headers.map(([name, value]): FieldEntry => [name, value.slice()]));
  }

  /** The body; an error (unit) after the first call. */
  body(): OutgoingBody {
    if (this.#bodyTaken) return failWith(undefined);
    this.#bodyTaken = true;
    return new OutgoingBody(this.#pipe);
  }

  /** Host side: the header lines to send. */
  get headerEntries(): readonly FieldEntry[] {
    return this.#headers;
  }

  /** Host side: whether the guest ever asked for the body (no body means an empty one). */
  get bodyTaken(): boolean {
    return this.#bodyTaken;
  }

  /** Host side: the pipe the body's bytes flow through. */
  get bodyPipe(): BodyPipe {
    return this.#pipe;
  }
}
