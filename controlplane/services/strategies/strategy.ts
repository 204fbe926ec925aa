// What differs between kinds on the write path, in Kubernetes' terms (the
// registry "strategy" of each resource): what the server owns at create, what
// an update may not change, extra update rules, graceful deletion.

import type { FieldError } from '../../api/errors.js';
import type { ResourceType } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import type { Store } from '../../store/types.js';
import { clone } from '../object-utils.js';

/**
 * What the server allocates for objects of a kind, outside the object itself
 * (a Service's cluster IP and node ports): claimed before the object is
 * written, undone when the write fails, released once the object is gone.
 */
export interface ObjectAllocator {
  /** Claims and fills in what a new object needs (mutates it); throws 422 naming the field when a request cannot be met. */
  allocate(store: Store, object: KubeObject): Promise<readonly string[]>;
  /**
   * An update keeps what `old` holds (filled into `object`) and claims what is
   * new; `releaseAfter` is what the stored update no longer holds.
   */
  reallocate(
    store: Store,
    object: KubeObject,
    old: KubeObject,
  ): Promise<{ readonly claimed: readonly string[]; readonly releaseAfter: readonly string[] }>;
  /** Gives back `claims` (of a write that failed, or no longer held). */
  undo(store: Store, claims: readonly string[]): Promise<void>;
  /** Gives back everything `object` held, once it left the store. */
  release(store: Store, object: KubeObject): Promise<void>;
}

export interface KindStrategy {
  /** Allocations of this kind, when it has any. */
  readonly allocator?: ObjectAllocator;
  /** Whether `status` is a subresource: main-resource writes then never change it. */
  readonly hasStatusSubresource: boolean;
  /**
   * Whether objects carry `metadata.generation` (1 at create, +1 with each
   * spec change and at deletion). Kubernetes 1.32's strategies set it for
   * the workload kinds (apps, autoscaling); ConfigMaps, Pods, Services and the
   * other core kinds have none.
   */
  readonly tracksGeneration: boolean;
  /** Whether delete answers with the deleted object (else a Success Status), as Kubernetes' `ReturnDeletedObject`. */
  readonly returnsDeletedObject: boolean;
  /** Create, after defaulting and before validation: reset what the server owns (usually status). Mutates. */
  prepareForCreate(object: KubeObject): void;
  /** Update of the main resource: carry over from `old` what it may not change (usually status). Mutates. */
  prepareForUpdate(object: KubeObject, old: KubeObject): void;
  /** Update of the `status` subresource: the object to store, from `old` and the new status. */
  prepareForStatusUpdate(object: KubeObject, old: KubeObject): KubeObject;
  /** Update rules beyond the schema's (immutable fields, pod spec rules). */
  validateUpdate(object: KubeObject, old: KubeObject): FieldError[];
  /**
   * Graceful deletion (kinds that have it): the grace period, in seconds, this
   * delete gets; 0 deletes at once. Undefined for kinds deleted at once.
   */
  gracePeriodSeconds?(object: KubeObject, requested: number | undefined): number;
  /**
   * Whether something besides `metadata.finalizers` still holds the object
   * after its deletion started (a Namespace's `spec.finalizers`).
   */
  pendingFinalization?(object: KubeObject): boolean;
}

/** The groups whose kinds' strategies set `metadata.generation` (of those Skiff serves). */
const GENERATION_GROUPS: ReadonlySet<string> = new Set(['apps', 'autoscaling']);

/**
 * The strategy every kind starts from: with a status subresource, status is
 * reset on create and preserved on update (Kubernetes' strategies do this for
 * each such kind); a status update changes only status.
 */
export function genericStrategy(
  type: ResourceType,
  overrides: Partial<KindStrategy> = {},
): KindStrategy {
  const hasStatusSubresource = type.subresources.includes('status');
  return {
    hasStatusSubresource,
    tracksGeneration: GENERATION_GROUPS.has(type.group),
    returnsDeletedObject: false,
    prepareForCreate(object) {
      if (hasStatusSubresource) delete object['status'];
    },
    prepareForUpdate(object, old) {
      if (!hasStatusSubresource) return;
      if (old['status'] === undefined) delete object['status'];
      else object['status'] = clone(old['status']);
    },
    prepareForStatusUpdate(object, old) {
      const next = clone(old);
      if (object['status'] === undefined) delete next['status'];
      else next['status'] = clone(object['status']);
      return next;
    },
    validateUpdate() {
      return [];
    },
    ...overrides,
  };
}
