// autoscaling/v1 ⇄ v2 HorizontalPodAutoscalers: v1's one target is v2's cpu
// utilization metric, both ways; what v1 cannot say comes from the stored object.

import t from 'tap';
import {
  horizontalPodAutoscalerFromV1,
  horizontalPodAutoscalerToV1,
} from '../../controlplane/api/conversion/horizontalpodautoscaler-v1.js';
import type { KubeObject } from '../../controlplane/api/types.js';

const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
const cpu = (averageUtilization: number) => ({
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } },
});
const memory = {
  type: 'Resource',
  resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '1Gi' } },
};

function object(value: Record<string, unknown>): KubeObject {
  return { kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, ...value } as KubeObject;
}

t.test('v2 to v1: the cpu utilization target, the status counts', async (t) => {
  const v2 = object({
    apiVersion: 'autoscaling/v2',
    spec: { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 4, metrics: [memory, cpu(65)] },
    status: {
      currentReplicas: 2,
      desiredReplicas: 3,
      currentMetrics: [
        { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 40 } } },
      ],
      conditions: [{ type: 'AbleToScale', status: 'True' }],
    },
  });
  t.same(horizontalPodAutoscalerToV1(v2), {
    apiVersion: 'autoscaling/v1',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web' },
    spec: {
      scaleTargetRef: ref,
      minReplicas: 1,
      maxReplicas: 4,
      targetCPUUtilizationPercentage: 65,
    },
    status: { currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 40 },
  });
  const memoryOnly = horizontalPodAutoscalerToV1(
    object({
      apiVersion: 'autoscaling/v2',
      spec: { scaleTargetRef: ref, maxReplicas: 4, metrics: [memory] },
    }),
  ) as unknown as { spec: Record<string, unknown> };
  t.notOk('targetCPUUtilizationPercentage' in memoryOnly.spec, 'no cpu target: none in v1');
});

t.test('v1 to v2: a new object, or one that keeps what v1 cannot say', async (t) => {
  const v1 = object({
    apiVersion: 'autoscaling/v1',
    spec: { scaleTargetRef: ref, maxReplicas: 4, targetCPUUtilizationPercentage: 50 },
  });
  t.same(horizontalPodAutoscalerFromV1(v1), {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web' },
    spec: { scaleTargetRef: ref, maxReplicas: 4, metrics: [cpu(50)] },
  });
  const stored = object({
    apiVersion: 'autoscaling/v2',
    spec: {
      scaleTargetRef: ref,
      maxReplicas: 4,
      metrics: [cpu(80), memory],
      behavior: { scaleUp: { stabilizationWindowSeconds: 0 } },
    },
    status: { desiredReplicas: 1, conditions: [{ type: 'ScalingActive', status: 'True' }] },
  });
  const replaced = horizontalPodAutoscalerFromV1(v1, stored) as unknown as Record<
    string,
    Record<string, unknown>
  >;
  t.same(replaced['spec']?.['metrics'], [cpu(50), memory], 'the cpu target replaced, memory kept');
  t.same(replaced['spec']?.['behavior'], { scaleUp: { stabilizationWindowSeconds: 0 } });
  const untargeted = horizontalPodAutoscalerFromV1(
    object({ apiVersion: 'autoscaling/v1', spec: { scaleTargetRef: ref, maxReplicas: 4 } }),
    stored,
  ) as unknown as Record<string, Record<string, unknown>>;
  t.same(untargeted['spec']?.['metrics'], [memory], 'a v1 target taken away leaves the others');
  const status = horizontalPodAutoscalerFromV1(
    object({
      apiVersion: 'autoscaling/v1',
      spec: {},
      status: { desiredReplicas: 2, currentCPUUtilizationPercentage: 30 },
    }),
    stored,
  ) as unknown as Record<string, Record<string, unknown>>;
  t.same(status['status'], {
    desiredReplicas: 2,
    currentMetrics: [
      { type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 30 } } },
    ],
    conditions: [{ type: 'ScalingActive', status: 'True' }],
  });
});

t.test('a round trip through v1 changes nothing v1 can say', async (t) => {
  const v1 = object({
    apiVersion: 'autoscaling/v1',
    metadata: { name: 'web', labels: { app: 'web' }, resourceVersion: '7' },
    spec: {
      scaleTargetRef: ref,
      minReplicas: 2,
      maxReplicas: 9,
      targetCPUUtilizationPercentage: 75,
    },
    status: {
      observedGeneration: 3,
      currentReplicas: 2,
      desiredReplicas: 2,
      currentCPUUtilizationPercentage: 12,
    },
  });
  t.same(horizontalPodAutoscalerToV1(horizontalPodAutoscalerFromV1(v1)), v1);
});
