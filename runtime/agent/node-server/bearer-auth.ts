// The node server's authentication: one bearer token (the cluster's node
// token, which the API server sends when it proxies to nodes). Anything else
// is answered as the kubelet answers it: 401, `Unauthorized`.

import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { sendText } from './plain-text.js';

/** Refuses every request that does not carry `Authorization: Bearer <token>`. */
export function bearerAuth(token: string): RequestHandler {
  const expected = Buffer.from(token);
  return (request, response, next) => {
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const given = Buffer.from(match?.[1] ?? '');
    // Compared in constant time, so the token cannot be guessed byte by byte.
    if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
    response.setHeader('WWW-Authenticate', 'Bearer');
    sendText(response, 401, 'Unauthorized');
  };
}
