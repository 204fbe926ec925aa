// The byte sources and sinks behind a descriptor's read-via-stream,
// write-via-stream and append-via-stream. Each keeps its own offset, so several
// streams on one file do not interfere (and none moves any cursor).

import type { ByteSink, ByteSource } from '../../context.js';
import type { FsHandle, GuestFileSystem } from '../../fs/index.js';
import { MAX_CHUNK_BYTES } from '../wit.js';
import { streamFailure } from './error-code.js';

/** Reads `handle` from `offset` on; end of file ends the stream. Files never block. */
export function fileSource(fs: GuestFileSystem, handle: FsHandle, offset: bigint): ByteSource {
  let position = offset;
  return {
    read(max: number): Uint8Array | null {
      const buffer = new Uint8Array(Math.min(max, MAX_CHUNK_BYTES));
      let count: number;
      try {
        count = fs.read(handle, buffer, position);
      } catch (err) {
        throw streamFailure(err);
      }
      if (count === 0 && buffer.length > 0) return null;
      position += BigInt(count);
      return buffer.subarray(0, count);
    },
    ready: () => true,
  };
}

/** Writes to `handle` from `offset` on (or always at the end, with `'append'`). */
export function fileSink(
  fs: GuestFileSystem,
  handle: FsHandle,
  offset: bigint | 'append',
): ByteSink {
  let position = offset;
  return {
    write(data: Uint8Array): void {
      let done = 0;
      try {
        while (done < data.length) {
          const rest = data.subarray(done);
          const count =
            position === 'append'
              ? fs.write(handle, rest, 'end')
              : fs.write(handle, rest, position);
          if (count === 0) break; // a host that accepts nothing would otherwise spin
          done += count;
          if (position !== 'append') position += BigInt(count);
        }
      } catch (err) {
        throw streamFailure(err);
      }
    },
  };
}
