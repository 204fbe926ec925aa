// Recording Kubernetes Events (core/v1 Event) through any ClusterApi, as
// client-go's event recorder does: an event names the object it is about,
// and a repeat of the same (source, object, type, reason, message) bumps
// `count` and `lastTimestamp` of the event already written instead of adding
// another. It depends on the ClusterApi contract only, so the scheduler and
// the node agent can use it over HTTP as well as in-process.

import type { ClusterApi, ResourceClient } from '../../controlplane/api/cluster-api.js';
import { ApiError } from '../../controlplane/api/errors.js';
import { resourceTypeFor, type ResourceType } from '../../controlplane/api/resources.js';
import type { KubeObject } from '../../controlplane/api/types.js';
import { rfc3339 } from '../../controlplane/api/json-values.js';

export type EventType = 'Normal' | 'Warning';

/** Who reports: `{ component: 'default-scheduler' }`, `{ component: 'kubelet', host: 'node-1' }`. */
export interface EventSource {
  readonly component: string;
  readonly host?: string;
}

/** `core/v1 ObjectReference`: what an event is about. */
export interface InvolvedObject {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  /** `spec.containers{app}`: the part of the object concerned. */
  readonly fieldPath?: string;
}

export interface EventRecorder {
  /**
   * Writes an Event about `involvedObject` (an API object or a reference), or
   * counts a repeat of one this recorder wrote. Resolves with the event as stored.
   */
  recordEvent(
    involvedObject: KubeObject | InvolvedObject,
    type: EventType,
    reason: string,
    message: string,
    source: EventSource,
  ): Promise<KubeObject>;
}

/** client-go keeps this many distinct events to aggregate repeats. */
const CACHE_SIZE = 4096;

const EVENT_TYPE = resourceTypeFor('v1', 'Event') as ResourceType;

function referenceTo(object: KubeObject | InvolvedObject): InvolvedObject {
  if (!('metadata' in object)) return object;
  const { name = '', namespace, uid, resourceVersion } = object.metadata;
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name,
    ...(namespace ? { namespace } : {}),
    ...(uid ? { uid } : {}),
    ...(resourceVersion ? { resourceVersion } : {}),
  };
}

interface Recorded {
  readonly name: string;
  readonly namespace: string;
  count: number;
}

/** A recorder writing through `api`; `now` is the clock of the timestamps. */
export function createEventRecorder(
  api: ClusterApi,
  options: { readonly now?: () => Date } = {},
): EventRecorder {
  const now = options.now ?? (() => new Date());
  const events: ResourceClient = api.resource(EVENT_TYPE);
  const recorded = new Map<string, Recorded>();
  /** Writes of one key in order, so that concurrent repeats count instead of racing to create. */
  const queues = new Map<string, Promise<unknown>>();
  let sequence = 0n;

  const uniqueSuffix = (): string => {
    // Kubernetes names events `<object>.<unix nanoseconds in hex>`; the sequence keeps same-millisecond names apart.
    sequence = (sequence + 1n) % 1_000_000n;
    return (BigInt(now().getTime()) * 1_000_000n + sequence).toString(16);
  };

  const create = async (
    ref: InvolvedObject,
    type: EventType,
    reason: string,
    message: string,
    source: EventSource,
    key: string,
  ): Promise<KubeObject> => {
    const timestamp = rfc3339(now());
    const namespace = ref.namespace || 'default';
    const event = await events.create(
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${ref.name}.${uniqueSuffix()}`, namespace },
        involvedObject: { ...ref },
        reason,
        message,
        source: { component: source.component, ...(source.host ? { host: source.host } : {}) },
        firstTimestamp: timestamp,
        lastTimestamp: timestamp,
        count: 1,
        type,
        reportingComponent: source.component,
        reportingInstance: source.host ?? '',
      },
      { namespace },
    );
    recorded.delete(key);
    recorded.set(key, { name: event.metadata.name ?? '', namespace, count: 1 });
    if (recorded.size > CACHE_SIZE) recorded.delete(recorded.keys().next().value ?? '');
    return event;
  };

  const write = async (
    ref: InvolvedObject,
    type: EventType,
    reason: string,
    message: string,
    source: EventSource,
    key: string,
  ): Promise<KubeObject> => {
    const previous = recorded.get(key);
    if (!previous) return create(ref, type, reason, message, source, key);
    try {
      const count = previous.count + 1;
      const event = await events.patch(
        previous.name,
        { count, lastTimestamp: rfc3339(now()) },
        'merge',
        { namespace: previous.namespace },
      );
      previous.count = count;
      return event;
    } catch (error) {
      // The event expired or was deleted: start a new one, as client-go does.
      if (error instanceof ApiError && error.code === 404)
        return create(ref, type, reason, message, source, key);
      throw error;
    }
  };

  return {
    recordEvent(involvedObject, type, reason, message, source) {
      const ref = referenceTo(involvedObject);
      const key = JSON.stringify([
        source.component,
        source.host ?? '',
        ref.apiVersion ?? '',
        ref.kind,
        ref.namespace ?? '',
        ref.name,
        ref.uid ?? '',
        ref.fieldPath ?? '',
        type,
        reason,
        message,
      ]);
      const before = queues.get(key) ?? Promise.resolve();
      const result = before
        .catch(() => undefined)
        .then(() => write(ref, type, reason, message, source, key));
      queues.set(key, result);
      void result
        .finally(() => {
          if (queues.get(key) === result) queues.delete(key);
        })
        .catch(() => undefined);
      return result;
    },
  };
}
