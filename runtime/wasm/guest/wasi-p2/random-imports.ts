// `wasi:random/*` from the guest context's secure random source. The insecure
// interfaces use the same source: it is fast enough, and one source is simpler
// to reason about than a second generator.

import type { GuestContext } from '../context.js';
import { GuestTrap } from './wit.js';

// crypto.getRandomValues refuses more than 64 KiB per call; fill in slices.
const FILL_SLICE_BYTES = 65536;
// A guest asking for more than this in one call is treated as a bug, not obeyed.
const MAX_RANDOM_BYTES = 64 * 1024 * 1024;

type RandomFill = GuestContext['randomFill'];

function randomBytes(fill: RandomFill, len: bigint): Uint8Array {
  if (len > BigInt(MAX_RANDOM_BYTES)) throw new GuestTrap(`asked for ${len} random bytes`);
  const bytes = new Uint8Array(Number(len));
  for (let at = 0; at < bytes.length; at += FILL_SLICE_BYTES) {
    fill(bytes.subarray(at, Math.min(at + FILL_SLICE_BYTES, bytes.length)));
  }
  return bytes;
}

function randomU64(fill: RandomFill): bigint {
  const bytes = randomBytes(fill, 8n);
  return new DataView(bytes.buffer).getBigUint64(0, true);
}

/** The `wasi:random/*` interfaces for one guest. */
export function createRandomImports(fill: RandomFill): Record<string, object> {
  let seed: [bigint, bigint] | undefined;
  return {
    'wasi:random/random': {
      getRandomBytes: (len: bigint) => randomBytes(fill, len),
      getRandomU64: () => randomU64(fill),
    },
    'wasi:random/insecure': {
      getInsecureRandomBytes: (len: bigint) => randomBytes(fill, len),
      getInsecureRandomU64: () => randomU64(fill),
    },
    'wasi:random/insecure-seed': {
      // WASI: the same value for the life of the instance.
      insecureSeed: (): [bigint, bigint] => (seed ??= [randomU64(fill), randomU64(fill)]),
    },
  };
}
