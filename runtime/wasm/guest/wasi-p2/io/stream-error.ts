// The `stream-error` payloads streams fail with, and how failures of the byte
// sources and sinks underneath map onto them.

import type { StreamError } from '@bytecodealliance/preview2-shim/interfaces/wasi-io-streams';
import { GuestIoError } from '../../context.js';
import { IoError } from './error.js';

/** `stream-error::closed`: end of input, or an output that accepts nothing more. */
export const STREAM_CLOSED: StreamError = Object.freeze({ tag: 'closed' });

/** `stream-error::last-operation-failed` carrying `error`. */
export function lastOperationFailed(error: IoError): StreamError {
  return { tag: 'last-operation-failed', val: error };
}

/**
 * The stream error for a failure thrown by a ByteSource or ByteSink, or
 * `undefined` when it is not an I/O failure (a bug: let it trap). A broken pipe
 * means the other end went away, which WASI calls `closed`; other I/O errors
 * are `last-operation-failed`. An `IoError` thrown by a host-side sink (the HTTP
 * body checks its content-length that way) is passed through.
 */
export function streamErrorOf(thrown: unknown): StreamError | undefined {
  if (thrown instanceof IoError) return lastOperationFailed(thrown);
  if (!(thrown instanceof GuestIoError)) return undefined;
  if (thrown.code === 'EPIPE') return STREAM_CLOSED;
  return lastOperationFailed(new IoError(`${thrown.code}: ${thrown.message}`));
}
