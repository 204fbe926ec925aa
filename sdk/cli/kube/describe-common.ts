// What every `skiff describe` shares: the object's events (kubectl's Events
// table), its controller, selectors written as kubectl writes them, and the
// generic describer for kinds without one of their own.

import { RESOURCE_TYPES } from '../../../controlplane/api/resources.js';
import type { Event } from '../../../controlplane/api/generated/index.js';
import type { KubeObject, LabelSelector } from '../../../controlplane/api/types.js';
import type { HttpClusterApi } from '../../client/index.js';
import { ageOf } from './age.js';
import { formatTime, type DescribeWriter } from './describe-writer.js';

const EVENT_TYPE = RESOURCE_TYPES.find((type) => type.kind === 'Event');

/**
 * The events about `object`, oldest first: those in its namespace (every
 * namespace for cluster-scoped objects) whose involvedObject is it. Filtered
 * here rather than with an involvedObject field selector, which not every
 * server supports. A failure to list gives none: events only decorate.
 */
export async function eventsFor(api: HttpClusterApi, object: KubeObject): Promise<Event[]> {
  if (!EVENT_TYPE) return [];
  const { uid, name, namespace } = object.metadata;
  try {
    const list = await api.resource<Event>(EVENT_TYPE).list({ namespace: namespace ?? '' });
    return list.items
      .filter((event) => {
        const involved = event.involvedObject;
        if (uid && involved.uid) return involved.uid === uid;
        return (
          involved.kind === object.kind &&
          involved.name === name &&
          (involved.namespace ?? '') === (namespace ?? '')
        );
      })
      .sort((a, b) => eventTime(a).localeCompare(eventTime(b)));
  } catch {
    return [];
  }
}

function eventTime(event: Event): string {
  return (
    event.lastTimestamp ??
    event.eventTime ??
    event.firstTimestamp ??
    event.metadata.creationTimestamp ??
    ''
  );
}

/** kubectl's Events table (after a flush, so it aligns on its own), or `Events:\t<none>`. */
export function describeEvents(
  w: DescribeWriter,
  events: readonly Event[],
  now = Date.now(),
): void {
  if (events.length === 0) return w.field(0, 'Events', '<none>');
  w.flush();
  w.line(0, 'Events:');
  w.line(1, 'Type\tReason\tAge\tFrom\tMessage');
  w.line(1, '----\t------\t----\t----\t-------');
  for (const event of events) {
    const first = ageOf(
      event.eventTime ?? event.firstTimestamp ?? event.metadata.creationTimestamp,
      now,
    );
    const count = event.series?.count ?? event.count ?? 1;
    const age =
      count > 1
        ? `${ageOf(event.lastTimestamp ?? event.series?.lastObservedTime, now)} (x${count} over ${first})`
        : first;
    const source = event.source?.component || event.reportingComponent || '';
    w.line(
      1,
      `${event.type ?? ''}\t${event.reason ?? ''}\t${age}\t${source}\t${(event.message ?? '').trim()}`,
    );
  }
}

/** `Controlled By:\tReplicaSet/x` when the object has a controller. */
export function describeController(w: DescribeWriter, object: KubeObject): void {
  const owner = object.metadata.ownerReferences?.find((reference) => reference.controller);
  if (owner) w.field(0, 'Controlled By', `${owner.kind}/${owner.name}`);
}

/** `app=kubia,tier in (a,b),!canary` (`<none>` for an empty selector), as kubectl formats a LabelSelector. */
export function formatSelector(selector: LabelSelector | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(
    ([key, value]) => `${key}=${value}`,
  );
  for (const expression of selector?.matchExpressions ?? []) {
    const values = (expression.values ?? []).join(',');
    if (expression.operator === 'In') parts.push(`${expression.key} in (${values})`);
    else if (expression.operator === 'NotIn') parts.push(`${expression.key} notin (${values})`);
    else if (expression.operator === 'Exists') parts.push(expression.key);
    else parts.push(`!${expression.key}`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

/** `a=1,b=2` of a plain map selector (Services, ReplicationControllers). */
export function formatMapSelector(selector: Readonly<Record<string, string>> | undefined): string {
  const parts = Object.entries(selector ?? {}).map(([key, value]) => `${key}=${value}`);
  return parts.length ? parts.join(',') : '<none>';
}

/** Name, Namespace, Labels and Annotations, the head of most descriptions. */
export function describeMetadataHead(
  w: DescribeWriter,
  object: KubeObject,
  options: { readonly created?: boolean } = {},
): void {
  w.field(0, 'Name', object.metadata.name ?? '');
  if (object.metadata.namespace !== undefined) w.field(0, 'Namespace', object.metadata.namespace);
  if (options.created)
    w.field(0, 'CreationTimestamp', formatTime(object.metadata.creationTimestamp));
  w.labels(0, 'Labels', object.metadata.labels);
  w.annotations(0, 'Annotations', object.metadata.annotations);
}

/**
 * kubectl's generic describer (the one CRDs get): the head, then every other
 * field as `Title Case:\tvalue`, nested by level.
 */
export function describeGeneric(w: DescribeWriter, object: KubeObject): void {
  describeMetadataHead(w, object);
  w.field(0, 'API Version', object.apiVersion);
  w.field(0, 'Kind', object.kind);
  // The head printed these already; managedFields is noise kubectl leaves out too.
  const inHead = new Set(['name', 'namespace', 'labels', 'annotations', 'managedFields']);
  const metadata = Object.fromEntries(
    Object.entries(object.metadata).filter(([key]) => !inHead.has(key)),
  );
  describeValue(w, 0, 'Metadata', metadata);
  for (const [key, value] of Object.entries(object)) {
    if (key !== 'apiVersion' && key !== 'kind' && key !== 'metadata')
      describeValue(w, 0, titleCase(key), value);
  }
}

function describeValue(w: DescribeWriter, level: number, label: string, value: unknown): void {
  if (Array.isArray(value)) {
    if (value.every((item) => typeof item !== 'object' || item === null)) {
      w.field(level, label);
      for (const item of value) w.line(level + 1, String(item));
      return;
    }
    // Each element's fields one level in, as kubectl's generic describer lists them.
    w.field(level, label);
    for (const item of value) {
      for (const [key, inner] of Object.entries(item as Record<string, unknown>))
        describeValue(w, level + 1, titleCase(key), inner);
    }
    return;
  }
  if (typeof value === 'object' && value !== null) {
    w.field(level, label);
    for (const [key, inner] of Object.entries(value))
      describeValue(w, level + 1, titleCase(key), inner);
    return;
  }
  w.field(level, label, value === null || value === undefined ? '<nil>' : String(value));
}

/** `holderIdentity` → `Holder Identity`, `uid` → `UID`, as kubectl's generic describer titles fields. */
export function titleCase(key: string): string {
  if (/^(uid|ip|url)$/i.test(key)) return key.toUpperCase();
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(' ');
  return words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(' ');
}
