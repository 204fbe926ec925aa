// Writing responses: JSON bodies, and every failure as a Kubernetes Status
// with its HTTP code (clients such as kubectl decode the Status and print its
// message).

import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { ApiError, failure, statusOf } from '../api/errors.js';
import type { Status } from '../api/types.js';

/** Writes `body` as JSON with `code`. */
export function sendJson(
  response: Response,
  code: number,
  body: unknown,
  contentType = 'application/json',
): void {
  const text = JSON.stringify(body);
  response.status(code);
  response.setHeader('Content-Type', contentType);
  response.setHeader('Cache-Control', 'no-cache, private');
  response.end(text);
}

/** Adds a warning as Kubernetes does: `Warning: 299 - "<text>"`, which kubectl prints. */
export function addWarning(response: Response, message: string): void {
  if (response.headersSent) return;
  const quoted = JSON.stringify(message).replace(/[^\x20-\x7e]/g, '?');
  response.append('Warning', `299 - ${quoted}`);
}

/** Writes a Status with its own code. */
export function sendStatus(response: Response, status: Status): void {
  sendJson(response, status.code, status);
}

/** A `Success` Status, as the apiserver answers a binding or some deletes. */
export function success(code: number, details?: Status['details']): Status {
  return {
    apiVersion: 'v1',
    kind: 'Status',
    metadata: {},
    status: 'Success',
    ...(details ? { details } : {}),
    code,
  };
}

/** What the apiserver answers for a path it serves nothing at. */
export function pathNotFound(): ApiError {
  return new ApiError(
    failure(404, 'NotFound', 'the server could not find the requested resource', {}),
  );
}

/** A verb the resource does not support (`PUT` on a collection, ...). */
export function verbNotAllowed(): ApiError {
  return new ApiError(
    failure(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
      {},
    ),
  );
}

/** Body-parser failures of Express itself carry an HTTP status; everything else is ours. */
function expressStatus(error: unknown): Status | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, type, message } = error as {
    status?: unknown;
    type?: unknown;
    message?: unknown;
  };
  if (typeof status !== 'number' || typeof type !== 'string') return undefined;
  const text = typeof message === 'string' ? message : type;
  if (status === 413) return failure(413, 'RequestEntityTooLarge', text);
  if (status === 415) return failure(415, 'UnsupportedMediaType', text);
  if (status >= 400 && status < 500) return failure(400, 'BadRequest', text);
  return undefined;
}

/**
 * The last handler of the app: every error as a Status. Unexpected errors are
 * logged (with the request) and answered 500; ApiErrors are the API's answers.
 */
export function statusErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, request, response, next) => {
    if (response.headersSent) {
      // A stream already begun (a watch) cannot carry a Status any more.
      response.destroy();
      next();
      return;
    }
    const status =
      error instanceof ApiError ? error.status : (expressStatus(error) ?? statusOf(error));
    if (status.code >= 500) {
      logger.error(
        { err: error, method: request.method, url: request.originalUrl },
        'request failed',
      );
    }
    sendStatus(response, status);
  };
}
