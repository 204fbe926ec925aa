// The `continue` token of a paginated list: the revision the first page was
// read at (later pages are read at it too) and the last key returned. It is
// opaque to clients; base64url JSON keeps it URL-safe.

import { checkRevision } from './errors.js';

/** Where the next page starts. */
export interface ContinueToken {
  readonly revision: number;
  /** The last key of the previous page: the next page starts after it. */
  readonly after: string;
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ r: token.revision, k: token.after })).toString('base64url');
}

/**
 * The token in `text`, which must come from a list of `prefix`. A RangeError
 * for anything else: a malformed token is the caller's mistake, not the store's
 * state.
 */
export function decodeContinue(text: string, prefix: string): ContinueToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new RangeError('invalid continue token');
  }
  const fields = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as {
    r?: unknown;
    k?: unknown;
  };
  const { r, k } = fields;
  if (typeof r !== 'number' || typeof k !== 'string' || !k.startsWith(prefix)) {
    throw new RangeError('invalid continue token');
  }
  checkRevision(r, 'the revision of a continue token');
  return { revision: r, after: k };
}
