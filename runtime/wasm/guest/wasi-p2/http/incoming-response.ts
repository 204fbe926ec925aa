// `wasi:http/types.incoming-response` and `future-incoming-response`: what an
// outgoing request gets back. Guests have no egress yet (`outgoing-handler.
// handle` is denied), so nothing hands these out today; they are complete so
// that an egress implementation only has to create them.

import type {
  ErrorCode,
  FutureIncomingResponse as FutureIncomingResponseApi,
  IncomingResponse as IncomingResponseApi,
} from '@bytecodealliance/preview2-shim/interfaces/wasi-http-types';
import type { ByteSource } from '../../context.js';
import type { Pollable } from '../io/poll.js';
import type { WasiStreamFactory } from '../io/stream-factory.js';
import type { WitResult } from '../wit.js';
import { failWith } from '../wit.js';
import { Fields } from './fields.js';
import type { FieldEntry } from './fields.js';
import { IncomingBody } from './incoming-body.js';

/** An `incoming-response` resource. */
export class IncomingResponse implements IncomingResponseApi {
  readonly #status: number;
  readonly #headers: readonly FieldEntry[];
  readonly #body: ByteSource;
  readonly #streams: WasiStreamFactory;
  #consumed = false;

  /** Host side: a response with lower-case header names and a body source. */
  constructor(
    status: number,
    headers: readonly FieldEntry[],
    body: ByteSource,
    streams: WasiStreamFactory,
  ) {
    this.#status = status;
    this.#headers = headers;
    this.#body = body;
    this.#streams = streams;
  }

  status(): number {
    return this.#status;
  }

  /** The headers, immutable. */
  headers(): Fields {
    return Fields.fromHost(this.#headers.map(([name, value]): FieldEntry => [name, value.slice()]));
  }

  /** The body; an error (unit) after the first call. */
  consume(): IncomingBody {
    if (this.#consumed) return failWith(undefined);
    this.#consumed = true;
    return new IncomingBody(this.#body, this.#streams);
  }
}

/** What a response future resolves to. */
export type ResponseOutcome = WitResult<IncomingResponse, ErrorCode>;

/** A `future-incoming-response` resource, resolved by the host through `resolve`. */
export class FutureIncomingResponse implements FutureIncomingResponseApi {
  readonly #streams: WasiStreamFactory;
  #outcome: ResponseOutcome | undefined;
  #taken = false;

  /** Host side: a future, already resolved when `outcome` is given. */
  constructor(streams: WasiStreamFactory, outcome?: ResponseOutcome) {
    this.#streams = streams;
    this.#outcome = outcome;
  }

  /** Host side: settles the future (once). */
  resolve(outcome: ResponseOutcome): void {
    this.#outcome ??= outcome;
  }

  subscribe(): Pollable {
    return this.#streams.pollable(() => this.#outcome !== undefined);
  }

  /** Nothing before it resolves; the outcome once; then `err` (unit). */
  get(): WitResult<ResponseOutcome, undefined> | undefined {
    if (this.#outcome === undefined) return undefined;
    if (this.#taken) return { tag: 'err', val: undefined };
    this.#taken = true;
    return { tag: 'ok', val: this.#outcome };
  }
}
