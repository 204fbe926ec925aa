// The default profile: kube-scheduler's default plugins that apply to Skiff,
// in its order (filters stop at a node's first failure, so the order decides
// which reason a node reports), with its score weights, plus RuntimeFit.

import { DEFAULT_SCHEDULER_NAME } from '../../controlplane/api/defaults/pod-spec.js';
import { imageLocality } from '../plugins/image-locality.js';
import { nodeAffinityFilter, nodeAffinityScore } from '../plugins/node-affinity.js';
import { nodeResourcesFit } from '../plugins/node-resources-fit.js';
import { nodeUnschedulable } from '../plugins/node-unschedulable.js';
import { balancedAllocation, leastAllocated } from '../plugins/resource-allocation.js';
import { runtimeFit } from '../plugins/runtime-fit.js';
import { selectorSpread } from '../plugins/selector-spread.js';
import { taintTolerationFilter, taintTolerationScore } from '../plugins/taint-toleration.js';
import type { FilterPlugin, Profile, ScorePlugin } from './types.js';

export { DEFAULT_SCHEDULER_NAME };

/** The filters of the default profile, in order. */
export const DEFAULT_FILTERS: readonly FilterPlugin<unknown>[] = [
  nodeUnschedulable,
  taintTolerationFilter,
  nodeAffinityFilter,
  runtimeFit,
  nodeResourcesFit,
];

/** The scores of the default profile with kube-scheduler's weights. */
export const DEFAULT_SCORES: readonly ScorePlugin<unknown>[] = [
  taintTolerationScore,
  nodeAffinityScore,
  selectorSpread,
  leastAllocated,
  balancedAllocation,
  imageLocality,
];

/** The default profile (`default-scheduler`), optionally with changes. */
export function defaultProfile(changes: Partial<Profile> = {}): Profile {
  return {
    schedulerName: DEFAULT_SCHEDULER_NAME,
    filters: DEFAULT_FILTERS,
    scores: DEFAULT_SCORES,
    ...changes,
  };
}
