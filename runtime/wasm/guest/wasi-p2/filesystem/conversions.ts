// Values between the guest filesystem and wasi:filesystem's WIT types.

import type {
  Datetime,
  DescriptorStat,
  NewTimestamp,
} from '@bytecodealliance/preview2-shim/interfaces/wasi-filesystem-types';
import type { FileStat, NewTime } from '../../fs/index.js';

const NS_PER_SECOND = 1_000_000_000n;

/** A `datetime` from nanoseconds since the epoch. */
export function toDatetime(ns: bigint): Datetime {
  return { seconds: ns / NS_PER_SECOND, nanoseconds: Number(ns % NS_PER_SECOND) };
}

/** A `descriptor-stat` from a guest filesystem stat. */
export function toDescriptorStat(stat: FileStat): DescriptorStat {
  return {
    type: stat.type,
    linkCount: stat.nlink,
    size: stat.size,
    dataAccessTimestamp: toDatetime(stat.atimeNs),
    dataModificationTimestamp: toDatetime(stat.mtimeNs),
    statusChangeTimestamp: toDatetime(stat.ctimeNs),
  };
}

/** A guest filesystem time update from a `new-timestamp`. */
export function toNewTime(timestamp: NewTimestamp): NewTime {
  switch (timestamp.tag) {
    case 'no-change':
      return 'unchanged';
    case 'now':
      return 'now';
    case 'timestamp':
      return timestamp.val.seconds * NS_PER_SECOND + BigInt(timestamp.val.nanoseconds);
  }
}
