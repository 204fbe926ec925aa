// The query of the kubelet's `GET /containerLogs/...`: v1.PodLogOptions as
// query parameters (plus the old `tail`), decoded and checked as the kubelet
// does, answering with its plain-text errors.

import type { LogReadOptions } from '../logs/index.js';
import { parseLogTimestamp } from '../logs/index.js';

/** A query the kubelet refuses: the status and plain-text body it answers. */
export class LogQueryError extends Error {
  override readonly name = 'LogQueryError';
  constructor(
    readonly status: 400 | 422,
    message: string,
  ) {
    super(message);
  }
}

/** The kubelet's body for a query it cannot decode. */
const UNDECODABLE = '{"message": "Unable to decode query."}';
/** The kubelet's body for options ValidatePodLogOptions refuses. */
const INVALID = '{"message": "Invalid request."}';

/** apimachinery's query booleans: absent or empty is false, `false` and `0` are false, anything else true. */
function flag(value: string | null): boolean | undefined {
  if (value === null) return undefined;
  return value !== '' && !/^(false|0)$/i.test(value);
}

/** apimachinery's query integers: empty is unset, anything but a base-10 integer fails to decode. */
function integer(value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  if (!/^[+-]?\d+$/.test(value)) throw new LogQueryError(400, UNDECODABLE);
  return Number(value);
}

/**
 * The read options of a containerLogs query. Throws LogQueryError: 400 for a
 * number or time that does not decode, 422 for negative tailLines,
 * limitBytes or sinceSeconds below 1, or both sinceSeconds and sinceTime.
 */
export function logReadOptionsOf(query: URLSearchParams): LogReadOptions {
  // The kubelet still takes the old `tail` (a number, or `all`).
  const tail = query.get('tail');
  const tailLines = integer(tail ? (tail === 'all' ? null : tail) : query.get('tailLines'));
  const limitBytes = integer(query.get('limitBytes'));
  const sinceSeconds = integer(query.get('sinceSeconds'));
  const sinceTime = query.get('sinceTime') || undefined;
  if (sinceTime !== undefined && Number.isNaN(parseLogTimestamp(sinceTime))) {
    throw new LogQueryError(400, UNDECODABLE);
  }
  if (
    (tailLines !== undefined && tailLines < 0) ||
    (limitBytes !== undefined && limitBytes < 1) ||
    (sinceSeconds !== undefined && sinceSeconds < 1) ||
    (sinceSeconds !== undefined && sinceTime !== undefined)
  ) {
    throw new LogQueryError(422, INVALID);
  }
  const options: {
    -readonly [K in keyof LogReadOptions]: LogReadOptions[K];
  } = {};
  const follow = flag(query.get('follow'));
  const previous = flag(query.get('previous'));
  const timestamps = flag(query.get('timestamps'));
  if (follow !== undefined) options.follow = follow;
  if (previous !== undefined) options.previous = previous;
  if (timestamps !== undefined) options.timestamps = timestamps;
  if (tailLines !== undefined) options.tailLines = tailLines;
  if (limitBytes !== undefined) options.limitBytes = limitBytes;
  if (sinceSeconds !== undefined) options.sinceSeconds = sinceSeconds;
  if (sinceTime !== undefined) options.sinceTime = sinceTime;
  return options;
}
