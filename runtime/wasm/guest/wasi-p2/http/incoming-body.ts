// `wasi:http/types.incoming-body` and `future-trailers`: the body of a request a
// guest receives (or, later, of a response to its own request).

import type {
  ErrorCode,
  FutureTrailers as FutureTrailersApi,
  IncomingBody as IncomingBodyApi,
} from '@bytecodealliance/preview2-shim/interfaces/wasi-http-types';
import type { ByteSource } from '../../context.js';
import type { InputStream } from '../io/input-stream.js';
import type { Pollable } from '../io/poll.js';
import type { WasiStreamFactory } from '../io/stream-factory.js';
import type { WitResult } from '../wit.js';
import { failWith } from '../wit.js';
import type { Fields } from './fields.js';

/** The value `future-trailers.get` yields once ready. */
type TrailersOutcome = WitResult<WitResult<Fields | undefined, ErrorCode>, undefined>;

/** A `future-trailers` resource. Skiff's bodies carry no trailers, so it is ready at once. */
export class FutureTrailers implements FutureTrailersApi {
  readonly #streams: WasiStreamFactory;
  readonly #trailers: Fields | undefined;
  #taken = false;

  /** Host side: a future holding `trailers` (none when undefined). */
  constructor(streams: WasiStreamFactory, trailers: Fields | undefined) {
    this.#streams = streams;
    this.#trailers = trailers;
  }

  subscribe(): Pollable {
    return this.#streams.pollable(() => true);
  }

  /** The trailers the first time; `err` (unit) after that, as WASI says. */
  get(): TrailersOutcome {
    if (this.#taken) return { tag: 'err', val: undefined };
    this.#taken = true;
    return { tag: 'ok', val: { tag: 'ok', val: this.#trailers } };
  }
}

/** An `incoming-body` resource over a ByteSource. */
export class IncomingBody implements IncomingBodyApi {
  readonly #source: ByteSource;
  readonly #streams: WasiStreamFactory;
  #stream: InputStream | undefined;
  #streamTaken = false;

  /** Host side: a body reading `source`. */
  constructor(source: ByteSource, streams: WasiStreamFactory) {
    this.#source = source;
    this.#streams = streams;
  }

  /** The body's input stream; an error (unit) after the first call. */
  stream(): InputStream {
    if (this.#streamTaken) return failWith(undefined);
    this.#streamTaken = true;
    this.#stream = this.#streams.inputStream(this.#source);
    return this.#stream;
  }

  /** Ends reading (what is left is discarded) and returns the trailers' future. */
  static finish(body: IncomingBody): FutureTrailers {
    body.#stream?.close();
    return new FutureTrailers(body.#streams, undefined);
  }
}
