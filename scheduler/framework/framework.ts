// A profile ready to run: its plugins, the random source of tie-breaks, and
// scratch buffers reused by every scheduling cycle, so that scheduling a pod
// allocates nothing in proportion to the cluster but its result.

import { defaultProfile } from './profile.js';
import { seededRandom } from './random.js';
import type { NodeInfo } from '../snapshot/node-info.js';
import type { FilterPlugin, Profile } from './types.js';

/** How a Framework is made. */
export interface FrameworkOptions {
  /** The plugins; the default profile when absent. */
  readonly profile?: Profile;
  /** Fixes the tie-breaks between equally scored nodes (tests, benchmarks). */
  readonly seed?: number;
  /** The random source of tie-breaks ([0, 1)); Math.random unless `seed` is given. */
  readonly random?: () => number;
}

/** A runnable profile. One per scheduler: its buffers are reused between cycles. */
export interface Framework {
  readonly profile: Profile;
  readonly random: () => number;
  /** Scratch space of schedule(); not part of the contract. */
  readonly scratch: Scratch;
}

/** Buffers of one scheduling cycle, grown as the cluster grows. */
export class Scratch {
  readonly filters: FilterPlugin<unknown>[] = [];
  readonly filterStates: unknown[] = [];
  readonly feasible: NodeInfo[] = [];
  readonly failedNodes: NodeInfo[] = [];
  readonly failures: (readonly string[])[] = [];
  scoreBuffer = new Float64Array(0);
  totals = new Float64Array(0);

  /** Makes the score buffers hold at least `count` nodes. */
  reserve(count: number): void {
    if (this.totals.length >= count) return;
    const size = Math.max(count, this.totals.length * 2, 64);
    this.scoreBuffer = new Float64Array(size);
    this.totals = new Float64Array(size);
  }
}

/** A framework for `options.profile` (default: the default profile). */
export function createFramework(options: FrameworkOptions = {}): Framework {
  return {
    profile: options.profile ?? defaultProfile(),
    random:
      options.random ?? (options.seed !== undefined ? seededRandom(options.seed) : Math.random),
    scratch: new Scratch(),
  };
}
