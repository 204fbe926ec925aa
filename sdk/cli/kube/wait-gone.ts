// Waiting for deleted objects to be really gone, as `kubectl delete` (and
// `kubectl replace --force`) wait: a pod's graceful deletion takes its grace
// period, finalizers hold an object until they are removed.

import { ApiError } from '../../../controlplane/api/errors.js';
import type { ResourceType } from '../../../controlplane/api/resources.js';
import type { HttpClusterApi } from '../../client/index.js';
import { formatKubeError } from './errors.js';

/** A deleted object to wait for: gone once its name is free or taken by another uid. */
export interface DeletedObject {
  readonly type: ResourceType;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly uid?: string;
}

/** kubectl's wait when --timeout is 0: a week, i.e. until the object is gone. */
export const UNBOUNDED_WAIT_MS = 7 * 24 * 3600 * 1000;

/**
 * Polls until each deleted object is gone (not found, or its name taken by a
 * new object); the messages of those still there after `timeoutMs`.
 */
export async function waitUntilGone(
  api: HttpClusterApi,
  deleted: readonly DeletedObject[],
  timeoutMs: number,
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  const pending = [...deleted];
  while (pending.length > 0) {
    for (let index = pending.length - 1; index >= 0; index--) {
      const victim = pending[index];
      if (!victim) continue;
      try {
        const live = await api
          .resource(victim.type)
          .get(victim.name, { namespace: victim.namespace });
        if (victim.uid && live.metadata.uid !== victim.uid) pending.splice(index, 1);
      } catch (error) {
        if (error instanceof ApiError && error.code === 404) pending.splice(index, 1);
        else return [formatKubeError(error)];
      }
    }
    if (pending.length === 0) break;
    if (Date.now() >= deadline) {
      return pending.map(
        (victim) =>
          `error: timed out waiting for the condition on ${victim.type.plural}/${victim.name}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return [];
}
