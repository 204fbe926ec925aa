// kubectl's describe layouts that need no other objects: an HPA's (each
// metric as "current / target", the status's metric at the same position; the
// replica bounds, the behavior when set, the target's pods, the conditions)
// and an Endpoints' (each subset's addresses and ports).

import t from 'tap';
import type { Endpoints, HorizontalPodAutoscaler } from '../../controlplane/api/generated/index.js';
import { describeHorizontalPodAutoscaler } from '../../sdk/cli/kube/describe-autoscaling.js';
import { describeEndpoints } from '../../sdk/cli/kube/describe-others.js';
import { DescribeWriter } from '../../sdk/cli/kube/describe-writer.js';

const hpa: HorizontalPodAutoscaler = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    maxReplicas: 5,
    metrics: [
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } },
      },
      {
        type: 'Resource',
        resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } },
      },
    ],
    behavior: {
      scaleDown: {
        stabilizationWindowSeconds: 120,
        policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
      },
    },
  },
  status: {
    currentReplicas: 2,
    desiredReplicas: 3,
    currentMetrics: [
      {
        type: 'Resource',
        resource: { name: 'cpu', current: { averageUtilization: 75, averageValue: '150m' } },
      },
    ],
    conditions: [
      {
        type: 'AbleToScale',
        status: 'True',
        reason: 'ReadyForNewScale',
        message: 'recommended size matches current size',
      },
    ],
  },
};

t.test('an HPA as kubectl describes it', async (t) => {
  const w = new DescribeWriter();
  describeHorizontalPodAutoscaler(w, hpa);
  t.equal(
    w.toString(),
    [
      'Name:                                                  web',
      'Namespace:                                             default',
      'Labels:                                                <none>',
      'Annotations:                                           <none>',
      'CreationTimestamp:                                     <unknown>',
      'Reference:                                             Deployment/web',
      'Metrics:                                               ( current / target )',
      '  resource cpu on pods  (as a percentage of request):  75% (150m) / 60%',
      '  resource memory on pods:                             <unknown> / 100Mi',
      'Min replicas:                                          <unset>',
      'Max replicas:                                          5',
      'Behavior:',
      '  Scale Down:',
      '    Stabilization Window: 120 seconds',
      '    Select Policy: Max',
      '    Policies:',
      '      - Type: Pods  Value: 1  Period: 60 seconds',
      // Aligned with the policy line above it, as Go's tabwriter aligns consecutive cells.
      'Deployment pods:    2 current / 3 desired',
      'Conditions:',
      '  Type         Status  Reason            Message',
      '  ----         ------  ------            -------',
      '  AbleToScale  True    ReadyForNewScale  recommended size matches current size',
      '',
    ].join('\n'),
  );
});

t.test('Endpoints as kubectl describes them', async (t) => {
  const endpoints: Endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubia', namespace: 'default', labels: { app: 'kubia' } },
    subsets: [
      {
        addresses: [{ ip: '10.0.0.7' }, { ip: '10.0.0.8' }],
        notReadyAddresses: [{ ip: '10.0.0.9' }],
        ports: [{ port: 8080, protocol: 'TCP' }],
      },
    ],
  };
  const w = new DescribeWriter();
  describeEndpoints(w, endpoints);
  t.equal(
    w.toString(),
    [
      'Name:         kubia',
      'Namespace:    default',
      'Labels:       app=kubia',
      'Annotations:  <none>',
      'Subsets:',
      '  Addresses:          10.0.0.7,10.0.0.8',
      '  NotReadyAddresses:  10.0.0.9',
      '  Ports:',
      '    Name     Port  Protocol',
      '    ----     ----  --------',
      '    <unset>  8080  TCP',
      '',
      '',
    ].join('\n'),
  );
});
