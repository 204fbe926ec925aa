// The conversions of the types served at more than one version or group
// (resources.ts' CONVERTED_TYPES): each served form's JSON Schema, the
// functions between it and the stored form, and the served form's own rules.

import type { FieldError } from '../errors.js';
import { apiVersionOf, CONVERTED_TYPES, resourceTypeFor, type ResourceType } from '../resources.js';
import type { KubeObject } from '../types.js';
import { eventFromEventsV1, eventToEventsV1, validateEventsV1 } from './event-events-v1.js';
import {
  horizontalPodAutoscalerFromV1,
  horizontalPodAutoscalerToV1,
} from './horizontalpodautoscaler-v1.js';

/** How one served version maps to the stored one. */
export interface Conversion {
  /** The type as served (autoscaling/v1 HorizontalPodAutoscalers). */
  readonly served: ResourceType;
  /** The type as stored (an entry of RESOURCE_TYPES). */
  readonly stored: ResourceType;
  /** The `$id` of the served form's JSON Schema, which checks what clients send. */
  readonly schemaId: string;
  /** The served form of a stored object (a new object). */
  toServed(stored: KubeObject): KubeObject;
  /**
   * The stored form of a served object (a new object); `current`, the stored
   * object it replaces, supplies what the served form cannot say.
   */
  toStored(served: KubeObject, current?: KubeObject): KubeObject;
  /**
   * Rules of the served form beyond the stored type's (which every write
   * also passes): `old`, in the served form, for an update. Errors name the
   * fields as Kubernetes names them.
   */
  validate?(served: KubeObject, old?: KubeObject): FieldError[];
}

function storedType(kind: string, apiVersion: string): ResourceType {
  const type = resourceTypeFor(apiVersion, kind);
  if (!type) throw new Error(`${apiVersion} ${kind} is not a stored type`);
  return type;
}

function servedType(kind: string, group: string, version: string): ResourceType {
  const type = CONVERTED_TYPES.find(
    (t) => t.kind === kind && t.group === group && t.version === version,
  );
  if (!type) throw new Error(`${group}/${version} ${kind} is not a converted type`);
  return type;
}

const CONVERSIONS: readonly Conversion[] = [
  {
    served: servedType('HorizontalPodAutoscaler', 'autoscaling', 'v1'),
    stored: storedType('HorizontalPodAutoscaler', 'autoscaling/v2'),
    schemaId: 'horizontalpodautoscaler-v1.schema.json',
    toServed: horizontalPodAutoscalerToV1,
    toStored: horizontalPodAutoscalerFromV1,
  },
  {
    served: servedType('Event', 'events.k8s.io', 'v1'),
    stored: storedType('Event', 'v1'),
    schemaId: 'event-events-v1.schema.json',
    toServed: eventToEventsV1,
    toStored: eventFromEventsV1,
    validate: validateEventsV1,
  },
];

/** The conversion of the form `apiVersion` `kind` is served in, or undefined for a stored form. */
export function conversionFrom(apiVersion: unknown, kind: unknown): Conversion | undefined {
  return CONVERSIONS.find((c) => c.served.kind === kind && apiVersionOf(c.served) === apiVersion);
}

/** The conversion of a served type, or undefined for a type served as stored. */
export function conversionOf(type: ResourceType): Conversion | undefined {
  return CONVERSIONS.find((c) => c.served === type);
}
