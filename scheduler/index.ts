// scheduler: Skiff's kube-scheduler — a pure decision over a snapshot
// (schedule), its plugins and default profile, and the loop that keeps a
// snapshot from informers and binds pods through ClusterApi (startScheduler).

export { createFramework, type Framework, type FrameworkOptions } from './framework/framework.js';
export { fitErrorMessage, NO_NODES_AVAILABLE_MESSAGE } from './framework/fit-error.js';
export {
  DEFAULT_FILTERS,
  DEFAULT_SCHEDULER_NAME,
  DEFAULT_SCORES,
  defaultProfile,
} from './framework/profile.js';
export { seededRandom } from './framework/random.js';
export {
  numFeasibleNodesToFind,
  schedule,
  type NodeScore,
  type ScheduleFailure,
  type ScheduleOptions,
  type ScheduleResult,
  type ScheduleSuccess,
} from './framework/schedule.js';
export {
  defaultNormalizeScore,
  FITS,
  MAX_NODE_SCORE,
  SKIP,
  unfit,
  type FilterPlugin,
  type FilterResult,
  type Profile,
  type ScorePlugin,
} from './framework/types.js';
export { imageLocality } from './plugins/image-locality.js';
export {
  nodeAffinityFilter,
  nodeAffinityScore,
  REASON_NODE_AFFINITY,
} from './plugins/node-affinity.js';
export {
  insufficientReason,
  nodeResourcesFit,
  REASON_TOO_MANY_PODS,
} from './plugins/node-resources-fit.js';
export { nodeUnschedulable, REASON_UNSCHEDULABLE } from './plugins/node-unschedulable.js';
export { balancedAllocation, leastAllocated } from './plugins/resource-allocation.js';
export { missingRuntimeReason, runtimeFit } from './plugins/runtime-fit.js';
export { selectorSpread } from './plugins/selector-spread.js';
export {
  taintTolerationFilter,
  taintTolerationScore,
  untoleratedTaintReason,
} from './plugins/taint-toleration.js';
export {
  effectiveTaints,
  NodeInfo,
  RUNTIME_LABEL_PREFIX,
  TAINT_NOT_READY,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
  type RuntimeName,
} from './snapshot/node-info.js';
export { podInfo, podKey, type PodInfo } from './snapshot/pod-info.js';
export { podRequests, type PodRequests } from './snapshot/pod-requests.js';
export type { ResourceAmounts } from './snapshot/resources.js';
export {
  createSnapshot,
  Snapshot,
  type ImageRuntimeLookup,
  type SnapshotOptions,
} from './snapshot/snapshot.js';
export { startScheduler, type Scheduler, type SchedulerOptions } from './loop/scheduler-loop.js';
