// The kinds that describe the cluster rather than workloads: Namespaces,
// Nodes, Events and Leases, with the rules and messages of Kubernetes'
// core and coordination validation.

import type { FieldError } from '../errors.js';
import type { Event, Lease, Namespace, Node, Taint } from '../generated/index.js';
import { child, formatValue, index, invalidEach, invalidValue, required } from './field-errors.js';
import { validateQualifiedName } from './metadata.js';
import { isDNS1123Subdomain, isValidLabelValue } from './names.js';
import { validateResourceQuantities } from './resources.js';

/** Finalizers Kubernetes itself defines, the only ones that may lack a domain prefix. */
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** A Namespace: its `spec.finalizers` are qualified names, standard or domain-prefixed. */
export function validateNamespace(namespace: Namespace): FieldError[] {
  const field = 'spec.finalizers';
  return (namespace.spec?.finalizers ?? []).flatMap((finalizer) => {
    const errors = validateQualifiedName(finalizer, field);
    if (!finalizer.includes('/') && !STANDARD_FINALIZERS.has(finalizer)) {
      errors.push(
        invalidValue(
          field,
          finalizer,
          'name is neither a standard finalizer name nor is it fully qualified',
        ),
      );
    }
    return errors;
  });
}

/** An IPv4 or IPv6 CIDR (`10.244.0.0/24`), as Go's net.ParseCIDR reads it. */
function isCIDR(value: string): boolean {
  const match = /^(.+)\/(\d{1,3})$/.exec(value);
  if (!match) return false;
  const [, ip = '', bits = ''] = match;
  const v4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(ip);
  const v6 = !v4 && ip.includes(':') && /^[0-9a-fA-F:.]+$/.test(ip);
  return (v4 && Number(bits) <= 32) || (v6 && Number(bits) <= 128);
}

/**
 * Taints: key and value syntax, unique by key and effect. Kubernetes reports
 * them under `metadata.taints` (not `spec.taints`), and so does Skiff.
 */
function validateTaints(taints: readonly Taint[], field: string): FieldError[] {
  const seen = new Set<string>();
  return taints.flatMap((taint, i) => {
    const path = index(field, i);
    const errors = validateQualifiedName(taint.key, child(path, 'key'));
    const valueErrors = isValidLabelValue(taint.value ?? '');
    if (valueErrors.length > 0)
      errors.push(invalidValue(child(path, 'value'), taint.value ?? '', valueErrors.join(';')));
    const id = `${taint.effect}\u0000${taint.key}`;
    if (seen.has(id)) {
      errors.push({
        field: path,
        reason: 'FieldValueDuplicate',
        message: `Duplicate value: ${formatValue(taint)}: taints must be unique by key and effect pair`,
      });
    }
    seen.add(id);
    return errors;
  });
}

/** A Node: taints, pod CIDRs, and non-negative capacity and allocatable quantities. */
export function validateNode(node: Node): FieldError[] {
  const errors = validateTaints(node.spec?.taints ?? [], 'metadata.taints');
  const podCIDRs = node.spec?.podCIDRs ?? [];
  podCIDRs.forEach((cidr, i) => {
    if (!isCIDR(cidr)) {
      errors.push(
        invalidValue(
          index('spec.podCIDRs', i),
          cidr,
          'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
        ),
      );
    }
  });
  if (podCIDRs.length > 2) {
    errors.push(
      invalidValue(
        'spec.podCIDRs',
        podCIDRs,
        'may specify no more than one CIDR for each IP family',
      ),
    );
  }
  errors.push(...validateResourceQuantities(node.status?.capacity, 'status.capacity'));
  errors.push(...validateResourceQuantities(node.status?.allocatable, 'status.allocatable'));
  return errors;
}

/** Kubernetes' limits on an event's strings (ReportingInstanceLengthLimit, ...). */
const EVENT_FIELD_LIMITS: readonly (readonly [
  'reportingInstance' | 'action' | 'reason',
  number,
])[] = [
  ['reportingInstance', 128],
  ['action', 128],
  ['reason', 128],
];
const NOTE_LENGTH_LIMIT = 1024;

/**
 * A core/v1 Event, as Kubernetes checks those (its legacy rules): an event
 * without `eventTime` (the older form, Skiff's own recorder's) has an
 * involved object in its own namespace; one with `eventTime` (the newer
 * form) names who reported it (`reportingComponent`, `reportingInstance`),
 * what was done (`action`) and why (`reason`), within Kubernetes' lengths,
 * and may be about a cluster-scoped object from `default` or `kube-system`.
 * The namespace is a DNS subdomain; the rest of the metadata is not checked,
 * as in Kubernetes.
 */
export function validateEvent(event: Event): FieldError[] {
  const namespace = event.metadata.namespace ?? '';
  const involved = event.involvedObject?.namespace ?? '';
  const errors: FieldError[] = [];
  const agrees =
    event.eventTime === undefined
      ? involved === ''
        ? namespace === '' || namespace === 'default'
        : involved === namespace
      : involved !== '' || namespace === 'default' || namespace === 'kube-system';
  if (!agrees) {
    errors.push(
      invalidValue('involvedObject.namespace', involved, 'does not match event.namespace'),
    );
  }
  if (event.eventTime !== undefined) {
    const component = event.reportingComponent ?? '';
    if (component === '') errors.push(required('reportingComponent'));
    errors.push(...validateQualifiedName(component, 'reportingComponent'));
    for (const [field, limit] of EVENT_FIELD_LIMITS) {
      const value = event[field] ?? '';
      if (value === '') errors.push(required(field));
      if (value.length > limit) {
        errors.push(invalidValue(field, '', `can have at most ${limit} characters`));
      }
    }
    if ((event.message ?? '').length > NOTE_LENGTH_LIMIT) {
      errors.push(invalidValue('message', '', `can have at most ${NOTE_LENGTH_LIMIT} characters`));
    }
  }
  errors.push(...invalidEach('namespace', namespace, isDNS1123Subdomain(namespace)));
  return errors;
}

/** A Lease: a positive duration, a non-negative transition count. */
export function validateLease(lease: Lease): FieldError[] {
  const spec = lease.spec;
  const errors: FieldError[] = [];
  if (spec?.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds <= 0) {
    errors.push(
      invalidValue(
        'spec.leaseDurationSeconds',
        spec.leaseDurationSeconds,
        'must be greater than 0',
      ),
    );
  }
  if (spec?.leaseTransitions !== undefined && spec.leaseTransitions < 0) {
    errors.push(
      invalidValue(
        'spec.leaseTransitions',
        spec.leaseTransitions,
        'must be greater than or equal to 0',
      ),
    );
  }
  return errors;
}
