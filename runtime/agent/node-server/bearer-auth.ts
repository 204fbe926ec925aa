// The node server's authentication: one bearer token (the cluster's node
// token, which the API server sends when it proxies to nodes). Anything else
// is answered as the kubelet answers it: 401, `Unauthorized`.

import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendText } from './plain-text.js';

/**
 * A check of `Authorization: Bearer <token>`: true when the request carries
 * the token; otherwise it has answered 401 and returns false.
 */
export function bearerAuth(
  token: string,
): (request: IncomingMessage, response: ServerResponse) => boolean {
  const expected = Buffer.from(token);
  return (request, response) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const given = Buffer.from(match?.[1] ?? '');
    // Compared in constant time, so the token cannot be guessed byte by byte.
    if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
    response.setHeader('WWW-Authenticate', 'Bearer');
    sendText(response, 401, 'Unauthorized');
    return false;
  };
}
