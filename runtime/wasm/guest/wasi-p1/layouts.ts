// Preview 1 structs written into guest memory, and the guest filesystem's
// values in preview 1 terms.

import type { FileStat, FileType, NewTime } from '../fs/index.js';
import { ERRNO, FILETYPE, FSTFLAGS, SIZE } from './constants.js';
import { WasiErrno } from './errno.js';
import type { GuestMemory } from './memory.js';

/** The preview 1 `filetype` of a guest filesystem type. */
export function filetypeNumber(type: FileType): number {
  switch (type) {
    case 'regular-file':
      return FILETYPE.REGULAR_FILE;
    case 'directory':
      return FILETYPE.DIRECTORY;
    case 'symbolic-link':
      return FILETYPE.SYMBOLIC_LINK;
    case 'character-device':
      return FILETYPE.CHARACTER_DEVICE;
    case 'block-device':
      return FILETYPE.BLOCK_DEVICE;
    case 'socket':
      return FILETYPE.SOCKET_STREAM;
    default:
      // Preview 1 has no FIFO type.
      return FILETYPE.UNKNOWN;
  }
}

/** Writes a `filestat` (64 bytes) at `ptr`. */
export function writeFilestat(memory: GuestMemory, ptr: number, stat: FileStat): void {
  const view = memory.view(ptr, SIZE.FILESTAT);
  view.setBigUint64(0, stat.dev, true);
  view.setBigUint64(8, stat.ino, true);
  view.setUint8(16, filetypeNumber(stat.type));
  for (let pad = 17; pad < 24; pad++) view.setUint8(pad, 0);
  view.setBigUint64(24, stat.nlink, true);
  view.setBigUint64(32, stat.size, true);
  view.setBigUint64(40, stat.atimeNs, true);
  view.setBigUint64(48, stat.mtimeNs, true);
  view.setBigUint64(56, stat.ctimeNs, true);
}

/** A `filestat` for stdio, which has no file behind it. */
export function streamFilestat(): FileStat {
  return {
    dev: 0n,
    ino: 0n,
    type: 'unknown',
    nlink: 1n,
    size: 0n,
    atimeNs: 0n,
    mtimeNs: 0n,
    ctimeNs: 0n,
  };
}

/** Writes an `fdstat` (24 bytes) at `ptr`. */
export function writeFdstat(
  memory: GuestMemory,
  ptr: number,
  filetype: number,
  fdflags: number,
  rightsBase: bigint,
  rightsInheriting: bigint,
): void {
  const view = memory.view(ptr, SIZE.FDSTAT);
  view.setUint8(0, filetype);
  view.setUint8(1, 0);
  view.setUint16(2, fdflags, true);
  view.setUint32(4, 0, true);
  view.setBigUint64(8, rightsBase, true);
  view.setBigUint64(16, rightsInheriting, true);
}

/** The timestamp updates an `fstflags` word asks for (EINVAL for contradictory bits). */
export function timeUpdates(atim: bigint, mtim: bigint, flags: number): [NewTime, NewTime] {
  const pick = (value: bigint, set: number, now: number): NewTime => {
    if ((flags & set) !== 0 && (flags & now) !== 0) {
      throw new WasiErrno(ERRNO.INVAL, 'both a time and now requested');
    }
    if ((flags & now) !== 0) return 'now';
    if ((flags & set) !== 0) return value;
    return 'unchanged';
  };
  return [
    pick(atim, FSTFLAGS.ATIM, FSTFLAGS.ATIM_NOW),
    pick(mtim, FSTFLAGS.MTIM, FSTFLAGS.MTIM_NOW),
  ];
}
