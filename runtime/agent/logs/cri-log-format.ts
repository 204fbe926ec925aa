// The CRI container log format, as containerd and CRI-O write it and the
// kubelet reads it: one entry per line,
//
//   2016-10-06T00:17:09.669794202Z stdout F a whole line
//   2016-10-06T00:17:09.669794203Z stderr P the start of a line that did not end
//
// `F` closes a line of the container's output, `P` is a piece of one that the
// next entry of the stream continues (a write that did not end in a newline,
// or a line longer than the runtime's maximum, cut into pieces).

/** Which of the container's output streams an entry came from. */
export type LogStream = 'stdout' | 'stderr';

/** containerd's default `max_container_log_line_size`: longer lines are cut into `P` pieces. */
export const MAX_LOG_LINE_BYTES = 16 * 1024;

/** One entry of a CRI log file. */
export interface CriLogEntry {
  /** As written: RFC3339 with nanoseconds, UTC. */
  readonly timestamp: string;
  readonly stream: LogStream;
  /** True for a `P` entry: the line goes on in the next entry. */
  readonly partial: boolean;
  /** The container's bytes, without the newline that ended them. */
  readonly content: Uint8Array;
}

const NEWLINE = 0x0a;
const SPACE = 0x20;

/**
 * `time` in Go's RFC3339NanoFixed (`2006-01-02T15:04:05.000000000Z07:00`), UTC:
 * the format the kubelet prints with `timestamps=true`. Dates carry
 * milliseconds, so the last six digits are zeros.
 */
export function formatLogTimestamp(time: Date): string {
  return `${time.toISOString().slice(0, -1)}000000Z`;
}

/** Milliseconds since the epoch of a CRI timestamp (any number of fraction digits); NaN if it is none. */
export function parseLogTimestamp(timestamp: string): number {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(
    timestamp,
  );
  if (!match) return Number.NaN;
  const fraction = (match[2] ?? '').slice(0, 3).padEnd(3, '0');
  return Date.parse(`${match[1]}.${fraction}${match[3]}`);
}

const TAG_BYTES = 2; // `F ` or `P `

function entry(prefix: Buffer, content: Uint8Array, tag: 'P' | 'F'): Buffer {
  const out = Buffer.allocUnsafe(prefix.length + TAG_BYTES + content.length + 1);
  prefix.copy(out, 0);
  let at = prefix.length;
  out[at++] = tag === 'F' ? 0x46 : 0x50;
  out[at++] = SPACE;
  out.set(content, at);
  out[out.length - 1] = NEWLINE;
  return out;
}

// Writes come in bursts within one millisecond: the last prefix is reused.
let lastPrefix: { time: number; stream: LogStream; bytes: Buffer } | undefined;

function prefixOf(time: Date, stream: LogStream): Buffer {
  const ms = time.getTime();
  if (lastPrefix?.time !== ms || lastPrefix.stream !== stream) {
    lastPrefix = { time: ms, stream, bytes: Buffer.from(`${formatLogTimestamp(time)} ${stream} `) };
  }
  return lastPrefix.bytes;
}

/**
 * The CRI entries of one write by the container, each ending in a newline:
 * every line the write ends becomes an `F` entry, a rest without a newline a
 * `P` entry (the CRI runtimes write what they read, without waiting for the
 * rest of a line), and lines longer than `maxLineBytes` are cut into `P`
 * pieces as containerd cuts them.
 */
export function encodeLogEntries(
  chunk: { readonly stream: LogStream; readonly data: Uint8Array; readonly time: Date },
  maxLineBytes = MAX_LOG_LINE_BYTES,
): Buffer[] {
  const prefix = prefixOf(chunk.time, chunk.stream);
  const data = chunk.data;
  const entries: Buffer[] = [];
  let start = 0;
  while (start < data.length) {
    const newline = data.indexOf(NEWLINE, start);
    const end = newline < 0 ? data.length : newline;
    for (let piece = start; piece < end || piece === start; piece += maxLineBytes) {
      const pieceEnd = Math.min(end, piece + maxLineBytes);
      const closesLine = newline >= 0 && pieceEnd === end;
      entries.push(entry(prefix, data.subarray(piece, pieceEnd), closesLine ? 'F' : 'P'));
      if (pieceEnd === end) break;
    }
    start = end + 1;
  }
  return entries;
}

/** Whether `bytes[start, end)` is the ASCII text `word` (compared in place: this runs per line). */
function bytesAre(bytes: Uint8Array, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) if (bytes[start + i] !== word.charCodeAt(i)) return false;
  return true;
}

/**
 * Reads one line of a CRI log file (without its newline); undefined when it is
 * not a CRI entry (the timestamp is only checked for its shape here: readers
 * that compare times parse it).
 */
export function parseLogEntry(line: Uint8Array): CriLogEntry | undefined {
  const first = line.indexOf(SPACE);
  // The shortest RFC3339 time is 20 characters (`2006-01-02T15:04:05Z`).
  if (first < 20 || line[4] !== 0x2d || line[10] !== 0x54) return undefined;
  const second = line.indexOf(SPACE, first + 1);
  if (second < 0) return undefined;
  const third = line.indexOf(SPACE, second + 1);
  const tagEnd = third < 0 ? line.length : third;
  const text = Buffer.isBuffer(line) ? line : Buffer.from(line.buffer, line.byteOffset, tagEnd);
  const stream = bytesAre(line, first + 1, second, 'stdout')
    ? 'stdout'
    : bytesAre(line, first + 1, second, 'stderr')
      ? 'stderr'
      : undefined;
  if (stream === undefined) return undefined;
  // Forward compatible: `P:more` is `P`.
  const partial = line[second + 1] === 0x50 && (second + 2 === tagEnd || line[second + 2] === 0x3a);
  return {
    timestamp: text.toString('latin1', 0, first),
    stream,
    partial,
    content: third < 0 ? new Uint8Array(0) : line.subarray(third + 1),
  };
}

/** Whether a file line is a `P` entry (only its tag is read: for scanning files backwards). */
export function isPartialEntry(line: Uint8Array): boolean {
  return parseLogEntry(line)?.partial ?? false;
}
