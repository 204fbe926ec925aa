// What the services need from the API package's schema and selector code,
// as one interface: the services never reach into that code elsewhere, so
// tests (and the wiring) can substitute any part of it.

import type { FieldError } from '../api/errors.js';
import type { ResourceType } from '../api/resources.js';
import type { KubeObject, LabelSelector } from '../api/types.js';

/** The result of validating one object against its kind's schema and rules. */
export interface ValidationResult {
  readonly errors: readonly FieldError[];
  /** Paths of fields the schema does not know (`spec.containers[0].foo`). */
  readonly unknownFields: readonly string[];
}

/** One `field=value` / `field!=value` term of a field selector. */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

export interface ApiSchema {
  /** The object with Kubernetes' defaults filled in (may mutate and return `object`). */
  applyDefaults(type: ResourceType, object: KubeObject): KubeObject;
  validate(
    type: ResourceType,
    object: KubeObject,
    context: { readonly operation: 'create' | 'update'; readonly old?: KubeObject },
  ): ValidationResult;
  /** A matcher for a label selector string; throws an ApiError (400) when it does not parse. */
  parseLabelSelector(text: string): (labels: Readonly<Record<string, string>>) => boolean;
  /** The terms of a field selector string; throws an ApiError (400) when it does not parse. */
  parseFieldSelector(text: string): readonly FieldRequirement[];
  /** `app=kubia,tier in (web)`: a LabelSelector as its string form (Scale's status.selector). */
  formatLabelSelector(selector: LabelSelector): string;
}
