// Small HTTP pieces the handlers share: the request context, headers of the
// spec's grammar (Content-Range of chunks, Range of blob reads), bounded body
// reads, and `n`/`last` pagination with its `Link` header.

import type { Request, Response } from 'express';
import { RegistryError } from '../errors.js';
import type { RegistryStorage } from '../registry-storage.js';
import type { ChunkRange } from '../upload-sessions.js';

/** The router's settings, defaults filled in. */
export interface RegistrySettings {
  readonly maxManifestBytes: number;
  readonly allowDelete: boolean;
}

/** What every handler gets. */
export interface RequestContext {
  readonly storage: RegistryStorage;
  readonly settings: RegistrySettings;
  readonly req: Request;
  readonly res: Response;
  readonly query: URLSearchParams;
  /** Where the router is mounted (`/v2`): Location headers start with it. */
  readonly base: string;
}

/** The query string, parsed here so the host app's query-parser setting does not matter. */
export function queryOf(req: Request): URLSearchParams {
  const at = req.originalUrl.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : req.originalUrl.slice(at + 1));
}

/** Ends a response that has no body (201, 202, 204) with the given headers. */
export function sendEmpty(
  res: Response,
  status: number,
  headers: Readonly<Record<string, string>>,
): void {
  res.status(status).set(headers);
  if (status !== 204) res.set('Content-Length', '0');
  res.end();
}

const CONTENT_RANGE = /^(?:bytes[ =])?(\d+)-(\d+)(?:\/(?:\d+|\*))?$/;

/**
 * A chunk's `Content-Range` (`<start>-<end>`, inclusive; the spec's grammar,
 * with an optional `bytes ` prefix and `/total` some clients add), or
 * undefined when absent (a streamed chunk). Malformed → 416.
 */
export function parseContentRange(header: string | undefined): ChunkRange | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = CONTENT_RANGE.exec(header.trim());
  const start = Number(match?.[1]);
  const end = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) {
    throw new RegistryError('BLOB_UPLOAD_INVALID', `invalid Content-Range "${header}"`, {
      status: 416,
    });
  }
  return { start, end };
}

/**
 * The chunk range of an upload request, checked against its Content-Length
 * before a byte is read: a mismatch is SIZE_INVALID while the connection can
 * still carry the answer (cutting a chunk off midway would take the socket).
 */
export function chunkRangeOf(req: Request): ChunkRange | undefined {
  const range = parseContentRange(req.headers['content-range']);
  const declared = req.headers['content-length'];
  if (range !== undefined && declared !== undefined) {
    const length = range.end - range.start + 1;
    if (Number(declared) !== length) {
      throw new RegistryError(
        'SIZE_INVALID',
        `Content-Length ${declared} does not match Content-Range ${range.start}-${range.end}`,
      );
    }
  }
  return range;
}

/** A byte range to serve, inclusive. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/**
 * A blob read's `Range: bytes=...` against a blob of `size` bytes: the range,
 * `'unsatisfiable'` (416), or undefined to serve the whole blob (no header, a
 * multi-range or malformed one, which RFC 9110 lets a server ignore).
 */
export function parseByteRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== '' && Number(match[2]) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/**
 * Reads a whole request body of at most `limit` bytes (manifests only; blobs
 * are streamed). Larger → 413 SIZE_INVALID. When the client declared the
 * length, it is refused before anything is read (Node discards the body after
 * the response); a streamed body is cut off and the connection closed.
 */
export async function readLimitedBody(req: Request, res: Response, limit: number): Promise<Buffer> {
  const tooLarge = () =>
    new RegistryError('SIZE_INVALID', `manifest is larger than ${limit} bytes`, {
      status: 413,
      detail: { limit },
    });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        // Stop collecting but leave the stream alone: destroying it would
        // take the socket, and the 413 with it. The connection ends after
        // the response, so an endless body is not read forever.
        req.off('data', onData);
        req.resume();
        res.set('Connection', 'close');
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** One page of a sorted list (`n`, `last`, as the spec's tags list defines them). */
export interface Page {
  readonly items: string[];
  /** The query string of the next page, when there is one. */
  readonly next?: string;
}

/** Takes the page `query` asks for from `sorted` (ordered by `compare`). */
export function paginate(
  sorted: readonly string[],
  query: URLSearchParams,
  compare: (a: string, b: string) => number,
): Page {
  const last = query.get('last');
  const after = last === null ? [...sorted] : sorted.filter((item) => compare(item, last) > 0);
  const nText = query.get('n');
  if (nText === null || nText === '') return { items: after };
  if (!/^\d+$/.test(nText)) {
    // The spec's code list has no pagination code; UNSUPPORTED says what the client did.
    throw new RegistryError('UNSUPPORTED', `n must be a non-negative integer, not "${nText}"`, {
      status: 400,
    });
  }
  const n = Number(nText);
  const items = after.slice(0, n);
  const lastItem = items[items.length - 1];
  if (n === 0 || after.length <= n || lastItem === undefined) return { items };
  return { items, next: `n=${n}&last=${encodeURIComponent(lastItem)}` };
}

/** The `Link` header for the next page at `path`. */
export function linkHeader(path: string, next: string): string {
  return `<${path}?${next}>; rel="next"`;
}
