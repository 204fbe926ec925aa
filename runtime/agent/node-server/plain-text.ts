// The kubelet answers errors as plain text (go-restful's WriteError): the
// message, nothing else.

import type { Response } from 'express';

/** Ends `response` with `status` and `text` as text/plain. */
export function sendText(response: Response, status: number, text: string): void {
  response.status(status);
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.end(text);
}
