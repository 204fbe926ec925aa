// `skiff describe hpa`, in kubectl's layout: the target, each metric as
// "current / target", the replica bounds, the behavior when set, the
// target's pods and the conditions.

import type {
  HorizontalPodAutoscaler,
  HPAScalingRules,
  MetricSpec,
  MetricStatus,
  MetricTarget,
  MetricValueStatus,
} from '../../../controlplane/api/generated/index.js';
import { describeMetadataHead } from './describe-common.js';
import { formatTime, type DescribeWriter } from './describe-writer.js';

/** kubectl's HorizontalPodAutoscaler (autoscaling/v2) description. */
export function describeHorizontalPodAutoscaler(
  w: DescribeWriter,
  hpa: HorizontalPodAutoscaler,
): void {
  const { spec, status } = hpa;
  describeMetadataHead(w, hpa);
  w.field(0, 'CreationTimestamp', formatTime(hpa.metadata.creationTimestamp));
  if (!spec) return;
  w.field(0, 'Reference', `${spec.scaleTargetRef.kind}/${spec.scaleTargetRef.name}`);
  w.field(0, 'Metrics', '( current / target )');
  (spec.metrics ?? []).forEach((metric, index) =>
    w.line(1, metricLine(metric, status?.currentMetrics?.[index])),
  );
  w.field(0, 'Min replicas', spec.minReplicas ?? '<unset>');
  w.field(0, 'Max replicas', spec.maxReplicas);
  if (spec.behavior) {
    w.field(0, 'Behavior');
    scalingRules(w, 'Scale Up', spec.behavior.scaleUp);
    scalingRules(w, 'Scale Down', spec.behavior.scaleDown);
  }
  const replicas = `${status?.currentReplicas ?? 0} current / ${status?.desiredReplicas ?? 0} desired`;
  w.field(0, `${spec.scaleTargetRef.kind} pods`, replicas);
  const conditions = status?.conditions ?? [];
  if (conditions.length > 0) {
    w.field(0, 'Conditions');
    w.line(1, 'Type\tStatus\tReason\tMessage');
    w.line(1, '----\t------\t------\t-------');
    for (const c of conditions)
      w.line(1, `${c.type}\t${c.status}\t${c.reason ?? ''}\t${c.message ?? ''}`);
  }
}

/** One metric as kubectl prints it, with the status's metric at the same position as current. */
function metricLine(metric: MetricSpec, current: MetricStatus | undefined): string {
  const container = metric.containerResource;
  const source = container ?? metric.resource;
  if (!source) return `<unknown metric type "${metric.type}">`;
  const what = container
    ? `resource ${container.name} of container "${container.container}" on pods`
    : `resource ${source.name} on pods`;
  const observed = container ? current?.containerResource?.current : current?.resource?.current;
  return `${what}${targetText(source.target, observed)}`;
}

/** `:\t<current> / <value>` for an average value, else the utilization as a percentage of requests. */
function targetText(target: MetricTarget, current: MetricValueStatus | undefined): string {
  if (target.averageValue !== undefined) {
    return `:\t${current?.averageValue ?? '<unknown>'} / ${target.averageValue}`;
  }
  const now =
    current?.averageUtilization !== undefined
      ? `${current.averageUtilization}% (${current.averageValue ?? '0'})`
      : '<unknown>';
  const goal = target.averageUtilization !== undefined ? `${target.averageUtilization}%` : '<auto>';
  return `  (as a percentage of request):\t${now} / ${goal}`;
}

/** One direction of `behavior`, as kubectl's printDirectionBehavior writes it. */
function scalingRules(
  w: DescribeWriter,
  direction: string,
  rules: HPAScalingRules | undefined,
): void {
  if (!rules) return;
  w.field(1, direction);
  if (rules.stabilizationWindowSeconds !== undefined)
    w.line(2, `Stabilization Window: ${rules.stabilizationWindowSeconds} seconds`);
  const policies = rules.policies ?? [];
  if (policies.length === 0) return;
  w.line(2, `Select Policy: ${rules.selectPolicy ?? 'Max'}`);
  w.line(2, 'Policies:');
  for (const policy of policies)
    w.line(
      3,
      `- Type: ${policy.type}\tValue: ${policy.value}\tPeriod: ${policy.periodSeconds} seconds`,
    );
}
