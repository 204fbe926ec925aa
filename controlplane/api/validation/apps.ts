// apps/v1 ReplicaSets and Deployments: a non-empty selector that matches the
// template's labels, a template whose pods restart Always, non-negative
// counts, a valid strategy; on update the selector may not change.

import { DEFAULT_PROGRESS_DEADLINE_SECONDS } from '../defaults/kinds.js';
import type { FieldError } from '../errors.js';
import type {
  Deployment,
  DeploymentStrategy,
  IntOrString,
  PodTemplateSpec,
  ReplicaSet,
} from '../generated/index.js';
import { deepEqual } from '../json-values.js';
import {
  matchesLabelSelector,
  requirementsOfLabelSelector,
  SelectorError,
} from '../selectors/label-requirements.js';
import type { LabelSelector } from '../types.js';
import {
  child,
  forbidden,
  goStringMap,
  invalidEach,
  invalidValue,
  nonNegative,
  notSupported,
  required,
} from './field-errors.js';
import { FIELD_IMMUTABLE, validateLabelSelector } from './metadata.js';
import { isValidPercent } from './names.js';
import { validatePodTemplate } from './pod-spec.js';

/** Kubernetes' message when a selector does not pick its own template's pods. */
export const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

function isEmptySelector(selector: LabelSelector): boolean {
  return (
    Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0
  );
}

/** `ValidatePodTemplateSpecForReplicaSet`: the selector picks the template's pods, which restart Always. */
function validateTemplateForSelector(
  template: PodTemplateSpec | undefined,
  selector: LabelSelector,
  field: string,
): FieldError[] {
  if (!template) return [required(field)];
  const errors: FieldError[] = [];
  const labels = template.metadata?.labels;
  if (!isEmptySelector(selector) && !matchesLabelSelector(selector, labels ?? {})) {
    // The labels shown as Go prints a map[string]string, as kubectl users see them here.
    errors.push({
      field: child(field, 'metadata', 'labels'),
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${goStringMap(labels)}: ${SELECTOR_MISMATCH}`,
    });
  }
  errors.push(...validatePodTemplate(template, field));
  const restartPolicy = template.spec?.restartPolicy;
  if (restartPolicy !== undefined && restartPolicy !== 'Always') {
    errors.push(notSupported(child(field, 'spec', 'restartPolicy'), restartPolicy, ['Always']));
  }
  if (template.spec?.activeDeadlineSeconds !== undefined) {
    errors.push(
      invalidValue(
        child(field, 'spec', 'activeDeadlineSeconds'),
        template.spec.activeDeadlineSeconds,
        'activeDeadlineSeconds in ReplicaSet is not Supported',
      ),
    );
  }
  return errors;
}

function validateSelectorAndTemplate(
  spec: { selector?: LabelSelector; template?: PodTemplateSpec },
  field: string,
): FieldError[] {
  const selector = spec.selector;
  if (!selector) return [required(child(field, 'selector'))];
  const errors = validateLabelSelector(selector, child(field, 'selector'));
  if (isEmptySelector(selector)) {
    errors.push(
      invalidValue(child(field, 'selector'), selector, 'empty selector is invalid for deployment'),
    );
  }
  try {
    requirementsOfLabelSelector(selector);
  } catch (error) {
    // As Kubernetes: a selector that does not convert leaves the template unchecked.
    if (!(error instanceof SelectorError)) throw error;
    return [...errors, invalidValue(child(field, 'selector'), selector, 'invalid label selector')];
  }
  errors.push(...validateTemplateForSelector(spec.template, selector, child(field, 'template')));
  return errors;
}

/** A ReplicaSet's spec. */
export function validateReplicaSet(replicaSet: ReplicaSet): FieldError[] {
  const spec = replicaSet.spec;
  if (!spec) return [required('spec.selector')];
  return [
    ...nonNegative('spec.replicas', spec.replicas),
    ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
    ...validateSelectorAndTemplate(spec, 'spec'),
  ];
}

/** `ValidatePositiveIntOrPercent`: a non-negative count or a valid percentage. */
function intOrPercent(value: IntOrString | undefined, field: string): FieldError[] {
  if (value === undefined) return [];
  if (typeof value === 'number') return nonNegative(field, value);
  return invalidEach(field, value, isValidPercent(value));
}

/** The percentage of a valid percent string (`25%` is 25), else undefined (`getPercentValue`). */
function percentOf(value: IntOrString | undefined): number | undefined {
  return typeof value === 'string' && isValidPercent(value).length === 0
    ? Number(value.slice(0, -1))
    : undefined;
}

/** `getIntOrPercentValue`: the count or the percentage; 0 for anything else, as Go's Atoi failing gives. */
function intOrPercentValue(value: IntOrString | undefined): number {
  if (typeof value === 'number') return value;
  return percentOf(value) ?? (value !== undefined && /^[+-]?\d+$/.test(value) ? Number(value) : 0);
}

/** `ValidateDeploymentStrategy` */
function validateStrategy(strategy: DeploymentStrategy | undefined, field: string): FieldError[] {
  if (!strategy) return [];
  const rolling = strategy.rollingUpdate;
  const rollingPath = child(field, 'rollingUpdate');
  if (strategy.type === 'Recreate') {
    return rolling
      ? [forbidden(rollingPath, "may not be specified when strategy `type` is 'Recreate'")]
      : [];
  }
  if (!rolling) return [];
  const unavailablePath = child(rollingPath, 'maxUnavailable');
  const errors = [
    ...intOrPercent(rolling.maxUnavailable, unavailablePath),
    ...intOrPercent(rolling.maxSurge, child(rollingPath, 'maxSurge')),
  ];
  // Both default to 25%: only two explicit zeros would stall a rollout.
  const bothSet = rolling.maxUnavailable !== undefined && rolling.maxSurge !== undefined;
  if (
    bothSet &&
    intOrPercentValue(rolling.maxUnavailable) === 0 &&
    intOrPercentValue(rolling.maxSurge) === 0
  ) {
    errors.push(
      invalidValue(unavailablePath, rolling.maxUnavailable, 'may not be 0 when `maxSurge` is 0'),
    );
  }
  if ((percentOf(rolling.maxUnavailable) ?? 0) > 100) {
    errors.push(
      invalidValue(unavailablePath, rolling.maxUnavailable, 'must not be greater than 100%'),
    );
  }
  return errors;
}

/** A Deployment's spec. */
export function validateDeployment(deployment: Deployment): FieldError[] {
  const spec = deployment.spec;
  if (!spec) return [required('spec.selector'), required('spec.template')];
  const errors = [
    ...nonNegative('spec.replicas', spec.replicas),
    ...validateSelectorAndTemplate(spec, 'spec'),
    ...validateStrategy(spec.strategy, 'spec.strategy'),
    ...nonNegative('spec.minReadySeconds', spec.minReadySeconds),
    ...nonNegative('spec.revisionHistoryLimit', spec.revisionHistoryLimit),
    ...nonNegative('spec.progressDeadlineSeconds', spec.progressDeadlineSeconds),
  ];
  const deadline = spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS;
  if (deadline <= (spec.minReadySeconds ?? 0)) {
    errors.push(
      invalidValue(
        'spec.progressDeadlineSeconds',
        deadline,
        'must be greater than minReadySeconds',
      ),
    );
  }
  return errors;
}

/** apps/v1: the selector of a ReplicaSet or Deployment is immutable. */
export function validateSelectorUpdate(
  next: { spec?: { selector?: LabelSelector } },
  old: { spec?: { selector?: LabelSelector } },
): FieldError[] {
  const selector = next.spec?.selector;
  return deepEqual(selector, old.spec?.selector)
    ? []
    : [invalidValue('spec.selector', selector, FIELD_IMMUTABLE)];
}
