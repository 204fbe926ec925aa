// How the sandbox worker drives one HTTP request through a guest's exported
// `incoming-handler.handle`: it makes the request and outparam resources with
// this bridge, calls the export, then settles the outparam so that a guest
// that returned (or trapped) without finishing its response is reported.

import type { WasiStreamFactory } from '../io/stream-factory.js';
import type { IncomingHttpBridge, IncomingRequestData, ResponseSink } from '../provider-types.js';
import { IncomingRequest } from './incoming-request.js';
import { ResponseChannel } from './response-channel.js';
import { ResponseOutparam } from './response-outparam.js';

/** The IncomingHttpBridge contract, plus settling a request after the handler. */
export interface SkiffIncomingHttpBridge extends IncomingHttpBridge {
  incomingRequest(request: IncomingRequestData): IncomingRequest;
  responseOutparam(sink: ResponseSink): ResponseOutparam;
  /**
   * Call once `handle` has returned or thrown (or the instance is abandoned):
   * if the guest never set a response the sink gets `error('internal-error')`;
   * if it set one but never finished the body, `error('HTTP-response-incomplete')`.
   * Does nothing for a complete response; safe to call more than once.
   */
  settle(outparam: object): void;
}

/** The bridge for one guest's provider set. */
export function createIncomingHttpBridge(streams: WasiStreamFactory): SkiffIncomingHttpBridge {
  return {
    incomingRequest: (request) => new IncomingRequest(request, streams),
    responseOutparam: (sink) => new ResponseOutparam(new ResponseChannel(sink)),
    settle(outparam) {
      if (!(outparam instanceof ResponseOutparam)) {
        throw new TypeError('settle: not a response-outparam made by this bridge');
      }
      outparam.channel.settle();
    },
  };
}
