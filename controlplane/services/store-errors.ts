// Store failures as the API's errors. The store speaks of keys and revisions;
// clients expect Kubernetes' Status for the object they named.

import {
  alreadyExists,
  ApiError,
  conflict,
  failure,
  gone,
  notFound,
  unavailable,
} from '../api/errors.js';
import type { ResourceType } from '../api/resources.js';
import { StoreError } from '../store/types.js';

/** Kubernetes' text for a watch or list below the compaction point. */
export function tooOldResourceVersion(
  requested: number | string,
  oldest: number | undefined,
): ApiError {
  return gone(
    oldest === undefined
      ? `too old resource version: ${requested}`
      : `too old resource version: ${requested} (${oldest})`,
  );
}

/** Kubernetes' NewTooLargeResourceVersionError: a revision the store has not reached; retry in a second. */
export function tooLargeResourceVersion(requested: number, current: number): ApiError {
  return new ApiError(
    failure(504, 'Timeout', `Too large resource version: ${requested}, current: ${current}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    }),
  );
}

/** Kubernetes' text for an expired `continue` token. */
export const EXPIRED_CONTINUE_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/**
 * The ApiError for a StoreError about object `name` of `type`; anything that
 * is not a StoreError is returned as it is (it becomes a 500 upstream).
 */
export function toApiError(error: unknown, type: ResourceType, name: string): unknown {
  if (!(error instanceof StoreError)) return error;
  switch (error.code) {
    case 'AlreadyExists':
      return alreadyExists(type, name);
    case 'NotFound':
      return notFound(type, name);
    case 'Conflict':
      return conflict(type, name);
    case 'Compacted':
      return gone(EXPIRED_CONTINUE_MESSAGE);
    case 'WatcherTooSlow':
      return gone('the watch fell too far behind; list and watch again');
    case 'Closed':
      return unavailable('the store is closed');
  }
}

/** True when `error` is a store Conflict (a CAS that lost a race). */
export function isStoreConflict(error: unknown): boolean {
  return error instanceof StoreError && error.code === 'Conflict';
}
