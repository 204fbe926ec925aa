// The messages of autoscaling/v1 HorizontalPodAutoscalers, which `kubectl
// autoscale` sends in protobuf, with the field numbers of k8s.io/api's
// autoscaling/v1.

import { i32, i64, msg, opt, s, type MessageSpec } from './field-specs.js';

/** The names of autoscaling/v1's messages. */
export type AutoscalingMessageName =
  | 'HorizontalPodAutoscalerV1'
  | 'HorizontalPodAutoscalerSpecV1'
  | 'HorizontalPodAutoscalerStatusV1'
  | 'CrossVersionObjectReference';

/** autoscaling/v1's messages, by name (suffixed V1 where v2 has a message of the same name). */
export const AUTOSCALING_MESSAGES: Readonly<Record<AutoscalingMessageName, MessageSpec>> = {
  HorizontalPodAutoscalerV1: {
    1: msg('metadata', 'ObjectMeta'),
    2: msg('spec', 'HorizontalPodAutoscalerSpecV1'),
    3: msg('status', 'HorizontalPodAutoscalerStatusV1'),
  },
  HorizontalPodAutoscalerSpecV1: {
    1: msg('scaleTargetRef', 'CrossVersionObjectReference'),
    2: opt(i32('minReplicas')),
    3: i32('maxReplicas'),
    4: opt(i32('targetCPUUtilizationPercentage')),
  },
  CrossVersionObjectReference: { 1: s('kind'), 2: s('name'), 3: s('apiVersion') },
  HorizontalPodAutoscalerStatusV1: {
    1: opt(i64('observedGeneration')),
    2: { json: 'lastScaleTime', type: 'time' },
    3: i32('currentReplicas'),
    4: i32('desiredReplicas'),
    5: opt(i32('currentCPUUtilizationPercentage')),
  },
};

/** The top-level kinds among them, by `apiVersion/kind`. */
export const AUTOSCALING_KINDS: readonly (readonly [string, AutoscalingMessageName])[] = [
  ['autoscaling/v1/HorizontalPodAutoscaler', 'HorizontalPodAutoscalerV1'],
];
