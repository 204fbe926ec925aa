// The kubelet answers errors as plain text (go-restful's WriteError): the
// message, nothing else.

import type { ServerResponse } from 'node:http';

/** Ends `response` with `status` and `text` as text/plain. */
export function sendText(response: ServerResponse, status: number, text: string): void {
  response.statusCode = status;
  response.setHeader('Content-Type', 'text/plain; charset=utf-8');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.end(text);
}
