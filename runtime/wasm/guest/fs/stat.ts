// Conversions from Node's stat results to the guest filesystem's types.

import type { BigIntStats, Dirent, Stats } from 'node:fs';
import type { FileStat, FileType } from './types.js';

/** The file type of a stat result or directory entry. */
export function fileTypeOf(entry: Stats | BigIntStats | Dirent): FileType {
  if (entry.isFile()) return 'regular-file';
  if (entry.isDirectory()) return 'directory';
  if (entry.isSymbolicLink()) return 'symbolic-link';
  if (entry.isCharacterDevice()) return 'character-device';
  if (entry.isBlockDevice()) return 'block-device';
  if (entry.isFIFO()) return 'fifo';
  if (entry.isSocket()) return 'socket';
  return 'unknown';
}

/** A `FileStat` from a bigint stat result (nanosecond times). */
export function toFileStat(st: BigIntStats): FileStat {
  return {
    dev: st.dev,
    ino: st.ino,
    type: fileTypeOf(st),
    nlink: st.nlink,
    size: st.size,
    atimeNs: st.atimeNs,
    mtimeNs: st.mtimeNs,
    ctimeNs: st.ctimeNs,
  };
}
