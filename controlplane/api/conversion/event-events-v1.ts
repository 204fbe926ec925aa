// events.k8s.io/v1 ⇄ core/v1 Events. Kubernetes stores one Event and serves
// it in both groups; events.k8s.io/v1 renames fields (`regarding` is
// `involvedObject`, `note` is `message`, `reportingController` is
// `reportingComponent`) and marks the older ones deprecated
// (`deprecatedSource`, `deprecatedFirstTimestamp`, `deprecatedLastTimestamp`,
// `deprecatedCount`). An event created or updated in this form is checked
// more strictly than a core/v1 one, by Kubernetes' rules for it.

import type { FieldError } from '../errors.js';
import type { Event } from '../generated/index.js';
import { copyJson, isRecord } from '../json-values.js';
import type { KubeObject } from '../types.js';
import { validateEvent } from '../validation/cluster.js';
import { invalidValue, required } from '../validation/field-errors.js';

/** events.k8s.io/v1 field → core/v1 field, for the renamed ones. */
const RENAMED: readonly (readonly [string, string])[] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];
/** Fields with the same name in both. */
const SHARED = ['eventTime', 'series', 'reportingInstance', 'action', 'reason', 'related', 'type'];

function renamed(
  from: KubeObject,
  apiVersion: string,
  pairs: readonly (readonly [string, string])[],
): KubeObject {
  const out: KubeObject = { apiVersion, kind: 'Event', metadata: copyJson(from.metadata) };
  for (const field of SHARED) if (from[field] !== undefined) out[field] = copyJson(from[field]);
  for (const [source, target] of pairs) {
    if (from[source] !== undefined) out[target] = copyJson(from[source]);
  }
  return out;
}

/** The events.k8s.io/v1 form of a stored (core/v1) Event. */
export function eventToEventsV1(stored: KubeObject): KubeObject {
  return renamed(
    stored,
    'events.k8s.io/v1',
    RENAMED.map(([served, core]) => [core, served] as const),
  );
}

/** The stored (core/v1) form of an events.k8s.io/v1 Event. */
export function eventFromEventsV1(served: KubeObject): KubeObject {
  return renamed(served, 'v1', RENAMED);
}

/** A repeated event's series: at least 2 occurrences, and when it was last seen. */
function seriesErrors(served: KubeObject): FieldError[] {
  const series = served['series'];
  if (!isRecord(series)) return [];
  const errors: FieldError[] = [];
  const count = typeof series['count'] === 'number' ? series['count'] : 0;
  if (count < 2) errors.push(invalidValue('series.count', '', 'should be at least 2'));
  if (!series['lastObservedTime']) errors.push(required('series.lastObservedTime'));
  return errors;
}

/** The core/v1 name of an events.k8s.io/v1 field: Kubernetes' errors use those. */
function coreName(field: string): string {
  return RENAMED.find(([served]) => served === field)?.[1] ?? field;
}

/** Fields an events.k8s.io/v1 update may not change. */
const IMMUTABLE = [
  'regarding',
  'reason',
  'note',
  'deprecatedSource',
  'deprecatedFirstTimestamp',
  'deprecatedLastTimestamp',
  'deprecatedCount',
  'type',
  'eventTime',
  'action',
  'related',
  'reportingController',
  'reportingInstance',
];

/**
 * Kubernetes' rules for an Event written in the events.k8s.io/v1 form: those
 * of every Event (the reporter named `reportingController`), then, on create, an
 * `eventTime`, a `Normal` or `Warning` type, a valid series and none of the
 * deprecated fields; on update (`old` in the served form), a valid series if
 * it changed and no other field changed. Errors name the fields as
 * Kubernetes does.
 */
export function validateEventsV1(served: KubeObject, old?: KubeObject): FieldError[] {
  // Every Event's rules first, with the reporter named as this form names it.
  const errors = validateEvent(eventFromEventsV1(served) as Event).map((error) =>
    error.field === 'reportingComponent' ? { ...error, field: 'reportingController' } : error,
  );
  if (old !== undefined) {
    const changed = (field: string) =>
      JSON.stringify(served[field] ?? null) !== JSON.stringify(old[field] ?? null);
    if (changed('series')) errors.push(...seriesErrors(served));
    for (const field of IMMUTABLE) {
      if (changed(field)) {
        errors.push(invalidValue(coreName(field), served[field], 'field is immutable'));
      }
    }
    return errors;
  }
  errors.push(...seriesErrors(served));
  if (!served['eventTime']) errors.push(required('eventTime'));
  const type = served['type'];
  if (type !== 'Normal' && type !== 'Warning') {
    errors.push(
      invalidValue('type', '', `has invalid value: ${typeof type === 'string' ? type : ''}`),
    );
  }
  for (const field of [
    'deprecatedFirstTimestamp',
    'deprecatedLastTimestamp',
    'deprecatedCount',
    'deprecatedSource',
  ]) {
    const value = served[field];
    const set = isRecord(value)
      ? Boolean(value['component'] || value['host'])
      : value !== undefined && value !== 0;
    if (set) errors.push(invalidValue(coreName(field), '', 'needs to be unset'));
  }
  return errors;
}
