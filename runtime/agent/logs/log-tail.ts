// Where the last N lines of a CRI log file start, found by reading the file
// backwards in blocks (a log file is up to containerLogMaxSize; the tail is
// usually a few KiB). A line is what the container wrote up to a newline: its
// `P` pieces and the `F` entry that ends it count once, and `P` pieces at the
// end of the file with no `F` yet count as the last line.

import type { FileHandle } from 'node:fs/promises';
import { isPartialEntry } from './cri-log-format.js';

const BLOCK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;

/** The file lines of `[0, end)` from the last to the first: each one's content and the offset after its newline. */
async function* linesBackwards(
  handle: FileHandle,
  end: number,
): AsyncGenerator<{ readonly content: Buffer; readonly after: number }> {
  // The line being assembled ends at `lineEnd` (its newline, or `end`); `pieces`
  // holds its bytes found in later blocks.
  let lineEnd = end;
  let pieces: Buffer[] = [];
  let position = end;
  while (position > 0) {
    const start = Math.max(0, position - BLOCK_BYTES);
    const block = Buffer.alloc(position - start);
    await handle.read(block, 0, block.length, start);
    let cut = block.length;
    for (let i = block.length - 1; i >= 0; i--) {
      if (block[i] !== NEWLINE) continue;
      const at = start + i;
      if (at !== end - 1) {
        yield {
          content: Buffer.concat([block.subarray(i + 1, cut), ...pieces]),
          after: lineEnd + 1,
        };
      }
      // (A newline that is the file's last byte only ends the last line.)
      pieces = [];
      cut = i;
      lineEnd = at;
    }
    pieces.unshift(block.subarray(0, cut));
    position = start;
  }
  const content = Buffer.concat(pieces);
  if (content.length > 0) yield { content, after: lineEnd + 1 };
}

/** The offset of the first of the last `lines` lines of `[0, end)` (`end` for 0 lines). */
export async function tailStart(handle: FileHandle, end: number, lines: number): Promise<number> {
  if (lines <= 0) return end;
  let counted = 0;
  let first = true;
  for await (const line of linesBackwards(handle, end)) {
    // Going backwards, each F entry ends a line of its own, and so does the last entry of the file.
    if (first || !isPartialEntry(line.content)) counted++;
    first = false;
    if (counted > lines) return Math.min(line.after, end);
  }
  return 0;
}
