// autoscaling/v2 HorizontalPodAutoscalers: replica bounds, the scale target,
// metrics (one source each, a positive target) and scaling behavior, with
// the rules and messages of Kubernetes' autoscaling validation.

import type { FieldError } from '../errors.js';
import type {
  CrossVersionObjectReference,
  HorizontalPodAutoscaler,
  HPAScalingRules,
  MetricSpec,
  MetricTarget,
} from '../generated/index.js';
import { child, forbidden, index, invalidEach, invalidValue, required } from './field-errors.js';
import { isDNS1123Label, isValidPathSegmentName } from './names.js';
import { parsedQuantity, quantityText } from './resources.js';

/** The longest scaling policy period, in seconds. */
export const MAX_PERIOD_SECONDS = 1800;
/** The longest stabilization window, in seconds. */
export const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

function validateScaleTargetRef(
  ref: CrossVersionObjectReference | undefined,
  field: string,
): FieldError[] {
  const errors: FieldError[] = [];
  for (const name of ['kind', 'name'] as const) {
    const value = ref?.[name] ?? '';
    if (value === '') errors.push(required(child(field, name)));
    else errors.push(...invalidEach(child(field, name), value, isValidPathSegmentName(value)));
  }
  return errors;
}

function validateTarget(target: MetricTarget | undefined, field: string): FieldError[] {
  if (!target) return [required(field)];
  const errors: FieldError[] = [];
  for (const name of ['value', 'averageValue'] as const) {
    const value = target[name];
    const parsed = value === undefined ? undefined : parsedQuantity(value);
    if (value !== undefined && parsed && parsed.numerator <= 0n) {
      errors.push(invalidValue(child(field, name), quantityText(value), 'must be positive'));
    }
  }
  if (target.averageUtilization !== undefined && target.averageUtilization < 1) {
    errors.push(
      invalidValue(
        child(field, 'averageUtilization'),
        target.averageUtilization,
        'must be greater than 0',
      ),
    );
  }
  if (target.averageUtilization === undefined && target.averageValue === undefined) {
    errors.push(
      required(
        child(field, 'averageUtilization'),
        'must set either a target raw value or a target utilization',
      ),
    );
  } else if (target.averageUtilization !== undefined && target.averageValue !== undefined) {
    errors.push(
      forbidden(
        child(field, 'averageValue'),
        'may not set both a target raw value and a target utilization',
      ),
    );
  }
  return errors;
}

/** The metric sources a MetricSpec may carry, by field, with the `type` each belongs to. */
const SOURCES = [
  ['resource', 'Resource'],
  ['containerResource', 'ContainerResource'],
] as const;

function validateMetric(metric: MetricSpec, field: string): FieldError[] {
  const errors: FieldError[] = [];
  const present = SOURCES.filter(([name]) => metric[name] !== undefined);
  // Only the first source present is checked in depth, as Kubernetes does.
  const [first] = present;
  if (first?.[0] === 'resource' && metric.resource) {
    const path = child(field, 'resource');
    if (metric.resource.name === '')
      errors.push(required(child(path, 'name'), 'must specify a resource name'));
    errors.push(...validateTarget(metric.resource.target, child(path, 'target')));
  } else if (first?.[0] === 'containerResource' && metric.containerResource) {
    const source = metric.containerResource;
    const path = child(field, 'containerResource');
    if (source.name === '')
      errors.push(required(child(path, 'name'), 'must specify a resource name'));
    if (source.container === '')
      errors.push(required(child(path, 'container'), 'must specify a container'));
    else
      errors.push(
        ...invalidEach(
          child(path, 'container'),
          source.container,
          isDNS1123Label(source.container),
        ),
      );
    errors.push(...validateTarget(source.target, child(path, 'target')));
  }
  const expected = SOURCES.find(([, type]) => type === metric.type)?.[0];
  if (expected !== undefined && metric[expected] === undefined) {
    errors.push(
      required(child(field, expected), 'must populate information for the given metric source'),
    );
  }
  if (present.length > 1) {
    for (const [name] of present.filter(([name]) => name !== expected)) {
      errors.push(forbidden(child(field, name), 'must populate the given metric source only'));
    }
  }
  return errors;
}

function validateScalingRules(rules: HPAScalingRules | undefined, field: string): FieldError[] {
  if (!rules) return [];
  const errors: FieldError[] = [];
  const window = rules.stabilizationWindowSeconds;
  if (window !== undefined && window < 0) {
    errors.push(
      invalidValue(
        child(field, 'stabilizationWindowSeconds'),
        window,
        'must be greater than or equal to zero',
      ),
    );
  }
  if (window !== undefined && window > MAX_STABILIZATION_WINDOW_SECONDS) {
    errors.push(
      invalidValue(
        child(field, 'stabilizationWindowSeconds'),
        window,
        `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`,
      ),
    );
  }
  const policies = rules.policies ?? [];
  if (policies.length === 0)
    errors.push(required(child(field, 'policies'), 'must specify at least one Policy'));
  policies.forEach((policy, i) => {
    const path = index(child(field, 'policies'), i);
    if (policy.value <= 0)
      errors.push(invalidValue(child(path, 'value'), policy.value, 'must be greater than zero'));
    if (policy.periodSeconds <= 0) {
      errors.push(
        invalidValue(
          child(path, 'periodSeconds'),
          policy.periodSeconds,
          'must be greater than zero',
        ),
      );
    }
    if (policy.periodSeconds > MAX_PERIOD_SECONDS) {
      errors.push(
        invalidValue(
          child(path, 'periodSeconds'),
          policy.periodSeconds,
          `must be less than or equal to ${MAX_PERIOD_SECONDS}`,
        ),
      );
    }
  });
  return errors;
}

/** A HorizontalPodAutoscaler's spec (`validateHorizontalPodAutoscalerSpec`). */
export function validateHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): FieldError[] {
  const spec = hpa.spec;
  if (!spec) return [required('spec')];
  const errors: FieldError[] = [];
  // Scale to zero needs Object or External metrics, which Skiff does not serve: 1 is the floor.
  if (spec.minReplicas !== undefined && spec.minReplicas < 1) {
    errors.push(
      invalidValue('spec.minReplicas', spec.minReplicas, 'must be greater than or equal to 1'),
    );
  }
  if (spec.maxReplicas < 1)
    errors.push(invalidValue('spec.maxReplicas', spec.maxReplicas, 'must be greater than 0'));
  if (spec.minReplicas !== undefined && spec.maxReplicas < spec.minReplicas) {
    errors.push(
      invalidValue(
        'spec.maxReplicas',
        spec.maxReplicas,
        'must be greater than or equal to `minReplicas`',
      ),
    );
  }
  errors.push(...validateScaleTargetRef(spec.scaleTargetRef, 'spec.scaleTargetRef'));
  (spec.metrics ?? []).forEach((metric, i) =>
    errors.push(...validateMetric(metric, index('spec.metrics', i))),
  );
  const behavior = spec.behavior;
  errors.push(...validateScalingRules(behavior?.scaleUp, 'spec.behavior.scaleUp'));
  errors.push(...validateScalingRules(behavior?.scaleDown, 'spec.behavior.scaleDown'));
  return errors;
}
