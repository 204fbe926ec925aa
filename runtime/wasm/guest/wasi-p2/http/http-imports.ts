// The `wasi:http/*` part of the import object: every resource of
// `wasi:http/types`, `http-error-code`, and `outgoing-handler`, which denies
// every request until pods get egress.

import type { ErrorCode } from '@bytecodealliance/preview2-shim/interfaces/wasi-http-types';
import type { IoError } from '../io/error.js';
import { failWith } from '../wit.js';
import { Fields } from './fields.js';
import { FutureTrailers, IncomingBody } from './incoming-body.js';
import { IncomingRequest } from './incoming-request.js';
import { FutureIncomingResponse, IncomingResponse } from './incoming-response.js';
import { OutgoingBody } from './outgoing-body.js';
import { OutgoingRequest, RequestOptions } from './outgoing-request.js';
import { OutgoingResponse } from './outgoing-response.js';
import { ResponseOutparam } from './response-outparam.js';

/** `http-error-code(err)`: the HTTP error behind a stream's failure, if it was one. */
export function httpErrorCode(error: IoError): ErrorCode | undefined {
  return error.httpErrorCode;
}

/** `outgoing-handler.handle`: no egress yet, so every request is denied. */
function handleOutgoing(request: OutgoingRequest, options: RequestOptions | undefined): never {
  void request;
  void options;
  return failWith({ tag: 'HTTP-request-denied' } satisfies ErrorCode);
}

/** `wasi:http/types` and `wasi:http/outgoing-handler`. */
export function createHttpImports(): Record<string, object> {
  return {
    'wasi:http/types': {
      Fields,
      IncomingRequest,
      IncomingBody,
      FutureTrailers,
      OutgoingResponse,
      OutgoingBody,
      ResponseOutparam,
      OutgoingRequest,
      RequestOptions,
      IncomingResponse,
      FutureIncomingResponse,
      httpErrorCode,
    },
    'wasi:http/outgoing-handler': { handle: handleOutgoing },
  };
}
