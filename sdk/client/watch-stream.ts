// Reading a watch: one HTTP request whose chunked body carries `{type,
// object}` lines until the server's timeout, a close, or the caller's abort.

import { ApiError } from '../../controlplane/api/errors.js';
import type { Status, WatchEventType } from '../../controlplane/api/types.js';
import { textLines } from './json-lines.js';
import type { Query } from './paths.js';
import { malformedResponse } from './response-errors.js';
import type { StreamResponse, Transport } from './transport.js';

const EVENT_TYPES: ReadonlySet<string> = new Set<WatchEventType>([
  'ADDED',
  'MODIFIED',
  'DELETED',
  'BOOKMARK',
  'ERROR',
]);

/** A watch event whose object type the caller asserts (objects, or tables). */
export interface StreamedEvent<O> {
  readonly type: WatchEventType;
  readonly object: O | Status;
}

/**
 * The events of a watch at `path`. Ends when the server ends the response or
 * `signal` aborts (without an error in both cases); a consumer that stops
 * iterating early cancels the response body, closing the stream. A 410 answer to the
 * request itself becomes one ERROR event carrying its Status, as the
 * ClusterApi contract promises for a compacted resourceVersion; other failed
 * answers throw their ApiError, a broken stream its error.
 */
export async function* watchStream<O>(
  transport: Transport,
  path: string,
  query: Query,
  accept: string | undefined,
  signal: AbortSignal,
): AsyncGenerator<StreamedEvent<O>> {
  let response: StreamResponse;
  try {
    response = await transport.stream('GET', path, { query, accept, signal });
  } catch (error) {
    if (signal.aborted) return;
    if (error instanceof ApiError && error.code === 410) {
      yield { type: 'ERROR', object: error.status };
      return;
    }
    throw error;
  }
  try {
    for await (const line of textLines(response.body)) yield parseEvent<O>(line);
  } catch (error) {
    if (signal.aborted) return;
    throw error;
  }
}

/** One line of a watch body as its event; the ApiError of a malformed answer otherwise. */
export function parseEvent<O>(line: string): StreamedEvent<O> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw malformedResponse('watch event', `not JSON: ${line.slice(0, 100)}`);
  }
  const event = value as { type?: unknown; object?: unknown };
  if (
    typeof event !== 'object' ||
    event === null ||
    typeof event.type !== 'string' ||
    !EVENT_TYPES.has(event.type)
  )
    throw malformedResponse('watch event', `no known type: ${line.slice(0, 100)}`);
  if (typeof event.object !== 'object' || event.object === null)
    throw malformedResponse('watch event', `no object: ${line.slice(0, 100)}`);
  return value as StreamedEvent<O>;
}
