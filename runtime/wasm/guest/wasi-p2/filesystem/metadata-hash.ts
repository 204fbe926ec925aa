// `metadata-hash`: a 128-bit hash of what changes when a file is modified or
// replaced (device, inode, size, modification and status-change times), keyed
// with a per-guest secret so guests cannot compute inputs from it.

import { createHash, randomBytes } from 'node:crypto';
import type { MetadataHashValue } from '@bytecodealliance/preview2-shim/interfaces/wasi-filesystem-types';
import type { FileStat } from '../../fs/index.js';

/** Hashes stats with one secret key (make one per guest instance). */
export function createMetadataHasher(): (stat: FileStat) => MetadataHashValue {
  const key = randomBytes(16);
  return (stat) => {
    const digest = createHash('sha256')
      .update(key)
      .update(`${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`)
      .digest();
    return { lower: digest.readBigUInt64LE(0), upper: digest.readBigUInt64LE(8) };
  };
}
