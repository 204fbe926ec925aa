// `sendInitialEvents=true` (Kubernetes' watch-list): the watch starts with an
// ADDED event per current object, then a BOOKMARK annotated
// `k8s.io/initial-events-end`, then the changes after that state. Served here
// as a list followed by a watch from the list's revision, which ClusterApi
// guarantees to be gap-free.

import type { ListOptions, ResourceClient, WatchOptions } from '../api/cluster-api.js';
import type { KubeObject, WatchEvent } from '../api/types.js';
import { watchBatchesOf } from './watch-stream.js';

/** The annotation of the bookmark that ends the initial events. */
export const INITIAL_EVENTS_END_ANNOTATION = 'k8s.io/initial-events-end';

/** The current objects as ADDED events (a batch per page), the end-of-initial-events bookmark, then the live watch. */
export async function* initialEventsThenWatch(
  client: ResourceClient,
  options: WatchOptions,
  signal: AbortSignal,
): AsyncIterable<readonly WatchEvent[]> {
  // The state is listed at the latest revision, whatever resourceVersion says.
  const listOptions: ListOptions = {
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
    ...(options.labelSelector !== undefined ? { labelSelector: options.labelSelector } : {}),
    ...(options.fieldSelector !== undefined ? { fieldSelector: options.fieldSelector } : {}),
  };
  let cont: string | undefined;
  let revision = '';
  do {
    const page = await client.list({ ...listOptions, ...(cont ? { continue: cont } : {}) });
    // Every page of one list is read at the first page's revision.
    revision ||= page.metadata.resourceVersion ?? '';
    if (page.items.length > 0)
      yield page.items.map((object): WatchEvent => ({ type: 'ADDED', object }));
    cont = page.metadata.continue;
  } while (cont && !signal.aborted);
  const bookmark: KubeObject = {
    apiVersion:
      client.type.group === ''
        ? client.type.version
        : `${client.type.group}/${client.type.version}`,
    kind: client.type.kind,
    metadata: {
      resourceVersion: revision,
      annotations: { [INITIAL_EVENTS_END_ANNOTATION]: 'true' },
    },
  };
  yield [{ type: 'BOOKMARK', object: bookmark }];
  yield* watchBatchesOf(client, { ...options, resourceVersion: revision }, signal);
}
