// `wasi:http/types.response-outparam`: where a guest's `incoming-handler.handle`
// puts its answer. Setting it sends the head to the request's ResponseChannel
// and connects the response body to it.

import type {
  ErrorCode,
  Fields as FieldsApi,
  ResponseOutparam as ResponseOutparamApi,
} from '@bytecodealliance/preview2-shim/interfaces/wasi-http-types';
import type { WitResult } from '../wit.js';
import { failWith, GuestTrap, symbolDispose } from '../wit.js';
import { OutgoingResponse } from './outgoing-response.js';
import type { ResponseChannel } from './response-channel.js';

/** A `response-outparam` resource. */
export class ResponseOutparam implements ResponseOutparamApi {
  readonly #channel: ResponseChannel;
  #used = false;

  /** Host side: an outparam answering through `channel`. */
  constructor(channel: ResponseChannel) {
    this.#channel = channel;
  }

  /**
   * Sends `response`: its head now, its body as the guest writes it (what was
   * written before is flushed first). An `err` is passed to the sink as its
   * error code tag. Setting an outparam twice traps.
   */
  static set(param: ResponseOutparam, response: WitResult<OutgoingResponse, ErrorCode>): void {
    if (param.#used) throw new GuestTrap('response-outparam set twice');
    param.#used = true;
    const channel = param.#channel;
    if (response.tag === 'err') {
      channel.error(response.val.tag);
      return;
    }
    const outgoing = response.val;
    if (!(outgoing instanceof OutgoingResponse)) {
      throw new TypeError('response-outparam.set: not an outgoing-response');
    }
    channel.head(outgoing.statusCode(), outgoing.headerEntries);
    // The response was moved into `set`, so a body never asked for stays empty.
    if (outgoing.bodyTaken) outgoing.bodyPipe.attach(channel);
    else channel.end();
  }

  /** Unstable 1xx responses: not supported, the guest gets an error. */
  sendInformational(_status: number, _headers: FieldsApi): void {
    failWith({ tag: 'HTTP-protocol-error' } satisfies ErrorCode);
  }

  /** The guest dropped the outparam without setting it: the request gets no response. */
  [symbolDispose](): void {
    if (this.#used) return;
    this.#used = true;
    this.#channel.settle();
  }

  /** Host side: the channel this outparam answers through. */
  get channel(): ResponseChannel {
    return this.#channel;
  }
}
