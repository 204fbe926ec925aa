// Reading one run's log the way the kubelet's ReadLogs does: from the live
// file (rotated files are left to log shippers, as with the kubelet), from
// the start or the last N lines, each entry's content printed as is (`F`
// entries with their newline back), timestamps prefixed to the first piece of
// each line, entries before `since` skipped, output cut at `limitBytes`.
// Following waits for the writer's changes and goes on through rotations:
// after a rotation, the renamed file is read to its end, then the next one.

import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import type { LogReadOptions } from './container-log-store.js';
import type { LogStream } from './cri-log-format.js';
import { parseLogEntry, parseLogTimestamp } from './cri-log-format.js';
import { tailStart } from './log-tail.js';
import type { RunLogWriter } from './run-log-writer.js';

const READ_BYTES = 64 * 1024;
const NEWLINE = 0x0a;
const EMPTY = Buffer.alloc(0);

/** A run's log opened for reading: the live file as it was when opened. */
export interface OpenedRunLog {
  readonly handle: FileHandle;
  /** The writer's rotation count when opened (0 without a writer). */
  readonly generation: number;
  /** The file's size when opened. */
  readonly size: number;
  /** The run's open writer: present while the run may still write. */
  readonly writer?: RunLogWriter;
}

/** Opens the live log at `path` (between two appends or rotations of `writer`, when there is one). */
export async function openRunLog(path: string, writer?: RunLogWriter): Promise<OpenedRunLog> {
  const openNow = async (): Promise<OpenedRunLog> => {
    const handle = await open(path, 'r');
    const size = (await handle.stat()).size;
    return {
      handle,
      size,
      generation: writer?.generation ?? 0,
      ...(writer ? { writer } : {}),
    };
  };
  return writer ? writer.exclusive(openNow) : openNow();
}

/** The file that comes after generation `generation` of `writer`'s run (files removed since are skipped). */
async function openNextFile(
  writer: RunLogWriter,
  generation: number,
): Promise<{ handle: FileHandle; generation: number } | undefined> {
  return writer.exclusive(async () => {
    for (let next = generation + 1; next <= writer.generation; next++) {
      const path = next === writer.generation ? writer.path : writer.rotatedPath(next);
      if (path === undefined) continue;
      try {
        return { handle: await open(path, 'r'), generation: next };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return undefined;
  });
}

/** Turns entries into what the user sees, honouring since, timestamps and limitBytes. */
class EntryPrinter {
  readonly #since: number;
  readonly #timestamps: boolean;
  #remaining: number;
  readonly #atLineStart: Record<LogStream, boolean> = { stdout: true, stderr: true };

  constructor(options: LogReadOptions, now: number) {
    let since = Number.NEGATIVE_INFINITY;
    if (options.sinceSeconds !== undefined) since = now - options.sinceSeconds * 1000;
    if (options.sinceTime !== undefined) {
      const time = parseLogTimestamp(options.sinceTime);
      if (!Number.isNaN(time) && time > since) since = time;
    }
    this.#since = since;
    this.#timestamps = options.timestamps === true;
    this.#remaining = options.limitBytes ?? Number.POSITIVE_INFINITY;
  }

  /** True once limitBytes were printed. */
  get full(): boolean {
    return this.#remaining <= 0;
  }

  /** Appends what `line` (a file line, no newline) prints to `out`. */
  print(line: Buffer, out: Buffer[]): void {
    if (this.full) return;
    const entry = parseLogEntry(line);
    if (!entry) return;
    const atLineStart = this.#atLineStart[entry.stream];
    this.#atLineStart[entry.stream] = !entry.partial;
    if (
      this.#since > Number.NEGATIVE_INFINITY &&
      !(parseLogTimestamp(entry.timestamp) >= this.#since)
    ) {
      return;
    }
    const parts: Uint8Array[] = [];
    if (this.#timestamps && atLineStart) parts.push(Buffer.from(`${entry.timestamp} `));
    parts.push(entry.content);
    if (!entry.partial) parts.push(Buffer.from('\n'));
    let text = Buffer.concat(parts);
    if (text.length > this.#remaining) text = text.subarray(0, this.#remaining);
    this.#remaining -= text.length;
    out.push(text);
  }
}

/**
 * What `opened` prints under `options`, from the tail (or start) to the end of
 * the file as it was when opened, or with `follow` and an open writer, on to
 * what the run writes until the writer is closed or `options.signal` aborts.
 * Closes the file when done.
 */
export async function* readRunLog(
  opened: OpenedRunLog,
  options: LogReadOptions,
  now: number,
): AsyncGenerator<Uint8Array> {
  const writer = options.follow ? opened.writer : undefined;
  const signal = options.signal;
  let handle = opened.handle;
  let generation = opened.generation;
  const printer = new EntryPrinter(options, now);
  let position =
    options.tailLines !== undefined ? await tailStart(handle, opened.size, options.tailLines) : 0;
  // Without following, the read ends where the file ended when opened.
  let end = writer ? Number.POSITIVE_INFINITY : opened.size;
  let carry: Buffer = EMPTY;
  const block = Buffer.alloc(READ_BYTES);
  try {
    for (;;) {
      if (signal?.aborted) return;
      // What the writer had done before this read: anything later wakes the wait below.
      const seen = writer?.version ?? 0;
      const rotatedAway = writer !== undefined && generation < writer.generation;
      const finished = writer?.finished ?? true;
      for (;;) {
        const want = Math.min(block.length, end - position);
        if (want <= 0) break;
        const { bytesRead } = await handle.read(block, 0, want, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        const out: Buffer[] = [];
        carry = printLines(Buffer.concat([carry, block.subarray(0, bytesRead)]), printer, out);
        if (out.length > 0) yield Buffer.concat(out);
        if (printer.full || signal?.aborted) return;
      }
      if (writer && rotatedAway) {
        const next = await openNextFile(writer, generation);
        if (!next) return;
        await handle.close();
        ({ handle, generation } = next);
        position = 0;
        end = Number.POSITIVE_INFINITY;
        continue;
      }
      if (!writer || finished) {
        // A last line without its newline (a file cut short) is printed as it is.
        if (carry.length > 0) {
          const out: Buffer[] = [];
          printer.print(carry, out);
          if (out.length > 0) yield Buffer.concat(out);
        }
        return;
      }
      await writer.changedSince(seen, signal);
    }
  } finally {
    await handle.close();
  }
}

/** Prints the whole lines of `data` and returns the rest (a line still being read). */
function printLines(data: Buffer, printer: EntryPrinter, out: Buffer[]): Buffer {
  let start = 0;
  for (;;) {
    const newline = data.indexOf(NEWLINE, start);
    if (newline < 0) break;
    printer.print(data.subarray(start, newline), out);
    start = newline + 1;
  }
  return start === 0 ? data : Buffer.from(data.subarray(start));
}
