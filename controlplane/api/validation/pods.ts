// Pods: the spec's rules on create, and on update Kubernetes' rule that a
// pod's spec is immutable but for container images, activeDeadlineSeconds
// (shortened only), added tolerations and a negative grace period set to 1.

import { applyPodSpecDefaults } from '../defaults/pod-spec.js';
import type { FieldError } from '../errors.js';
import type { Pod, PodSpec, PodStatus, Toleration } from '../generated/index.js';
import { copyJson, deepEqual } from '../json-values.js';
import { child, forbidden, index, invalidValue } from './field-errors.js';
import { inclusiveRangeError, isValidIP } from './names.js';
import { validatePodSpec } from './pod-spec.js';

/** Kubernetes' message, word for word: kubectl users search for it. */
export const POD_SPEC_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

function validateStatus(status: PodStatus | undefined): FieldError[] {
  if (!status) return [];
  const errors: FieldError[] = [];
  for (const name of ['podIP', 'hostIP'] as const) {
    const ip = status[name];
    if (ip && isValidIP(ip).length > 0)
      errors.push(invalidValue(child('status', name), ip, 'must be a valid IP address'));
  }
  for (const name of ['podIPs', 'hostIPs'] as const) {
    (status[name] ?? []).forEach((entry, i) => {
      if (isValidIP(entry.ip).length > 0) {
        errors.push(
          invalidValue(
            child(index(child('status', name), i), 'ip'),
            entry.ip,
            'must be a valid IP address',
          ),
        );
      }
    });
  }
  return errors;
}

/** A Pod's spec and status (metadata is checked by the caller). */
export function validatePod(pod: Pod): FieldError[] {
  const spec: PodSpec = pod.spec ?? { containers: [] };
  return [...validatePodSpec(spec, 'spec'), ...validateStatus(pod.status)];
}

function sameToleration(a: Toleration, b: Toleration): boolean {
  return (['key', 'operator', 'value', 'effect'] as const).every((f) => a[f] === b[f]);
}

function activeDeadlineErrors(next: number | undefined, old: number | undefined): FieldError[] {
  const field = 'spec.activeDeadlineSeconds';
  if (next === undefined) {
    return old === undefined
      ? []
      : [invalidValue(field, null, 'must not update from a positive integer to nil value')];
  }
  if (next < 0 || next > 2147483647)
    return [invalidValue(field, next, inclusiveRangeError(0, 2147483647))];
  return old !== undefined && next > old
    ? [invalidValue(field, next, 'must be less than or equal to previous value')]
    : [];
}

/** The spec rules of a pod update (`ValidatePodUpdate`). */
export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  // Compare defaulted copies: an update that omits a default changes nothing.
  const next = applyPodSpecDefaults(copyJson(pod.spec ?? { containers: [] }), 'pod');
  const before = applyPodSpecDefaults(copyJson(old.spec ?? { containers: [] }), 'pod');
  for (const list of ['containers', 'initContainers'] as const) {
    if ((next[list] ?? []).length !== (before[list] ?? []).length) {
      return [forbidden(child('spec', list), 'pod updates may not add or remove containers')];
    }
  }
  const errors = activeDeadlineErrors(next.activeDeadlineSeconds, before.activeDeadlineSeconds);
  const kept = (before.tolerations ?? []).every((t) =>
    (next.tolerations ?? []).some((n) => sameToleration(t, n)),
  );
  if (!kept)
    errors.push(
      forbidden(
        'spec.tolerations',
        'existing toleration can not be modified except its tolerationSeconds',
      ),
    );
  if (errors.length > 0) return errors;

  // The old spec with every change an update may make, taken from the new one.
  const allowed: PodSpec = copyJson(before);
  allowed.containers.forEach((c, i) => (c.image = next.containers[i]?.image));
  (allowed.initContainers ?? []).forEach((c, i) => (c.image = next.initContainers?.[i]?.image));
  allowed.activeDeadlineSeconds = next.activeDeadlineSeconds;
  allowed.tolerations = next.tolerations;
  const oldGrace = before.terminationGracePeriodSeconds;
  if (oldGrace !== undefined && oldGrace < 0 && next.terminationGracePeriodSeconds === 1) {
    allowed.terminationGracePeriodSeconds = 1;
  }
  return deepEqual(allowed, next) ? [] : [forbidden('spec', POD_SPEC_UPDATE_FORBIDDEN)];
}
