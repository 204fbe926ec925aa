// Request and response classes for a server in front of an express app,
// whose instances are born with the prototypes express gives them.
//
// Express gives each request and response its prototypes (`app.request`,
// `app.response`) with Object.setPrototypeOf when it starts handling them.
// Changing an object's prototype after it was built throws away what V8
// learned about its shape, and property accesses on it in Node's HTTP code
// and in express get slower. When Node builds them with these classes,
// express finds the prototype already set and the call changes nothing.
//
// Classes rather than functions whose `prototype` is `app.request`: Node
// constructs its messages with `new`, and V8 builds an object for a
// Reflect.construct with a foreign new.target ~100× slower than for a
// subclass (25-35 µs against 0.2-0.5 µs, measured).

import { IncomingMessage, ServerResponse } from 'node:http';
import type { Express, Request, Response } from 'express';

/** The `IncomingMessage`/`ServerResponse` options of http(s).createServer. */
export interface MessageClasses {
  readonly IncomingMessage: typeof IncomingMessage;
  readonly ServerResponse: typeof ServerResponse;
}

/**
 * Classes whose instances have `app.request` and `app.response` as their
 * prototypes. The app's `request` and `response` become the classes'
 * prototypes (which inherit from the previous ones, so everything express
 * and the app defined on them is still there): call it once per app, before
 * the app serves.
 */
export function expressMessageClasses(app: Express): MessageClasses {
  class AppRequest extends IncomingMessage {}
  Object.setPrototypeOf(AppRequest.prototype, app.request);
  app.request = AppRequest.prototype as unknown as Request;
  class AppResponse<Incoming extends IncomingMessage> extends ServerResponse<Incoming> {}
  Object.setPrototypeOf(AppResponse.prototype, app.response);
  app.response = AppResponse.prototype as unknown as Response;
  return { IncomingMessage: AppRequest, ServerResponse: AppResponse };
}
