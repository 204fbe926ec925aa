// Reading a pod's log: `GET /api/v1/namespaces/{ns}/pods/{name}/log`, the
// request behind `kubectl logs`, streamed as the server sends it.

import { resourceTypeFor } from '../../controlplane/api/resources.js';
import { resourcePath } from './paths.js';
import type { Transport } from './transport.js';

/** `v1.PodLogOptions`: what to read of the log. */
export interface PodLogRequest {
  /** Required when the pod has more than one container. */
  readonly container?: string;
  /** Keep streaming until the container's run ends (or `signal` aborts). */
  readonly follow?: boolean;
  /** The run before the current one. */
  readonly previous?: boolean;
  /** Prefix each line with its RFC3339Nano timestamp. */
  readonly timestamps?: boolean;
  /** Only the last N lines. */
  readonly tailLines?: number;
  /** Only lines of the last N seconds. */
  readonly sinceSeconds?: number;
  /** Only lines at or after this RFC3339 time. */
  readonly sinceTime?: string;
  /** Stop after this many bytes. */
  readonly limitBytes?: number;
  /** Ends the stream quietly (the iteration returns). */
  readonly signal?: AbortSignal;
}

const PODS = resourceTypeFor('v1', 'Pod');

/**
 * The log of pod `name` in `namespace`, as chunks of text in the order the
 * server sends them. Resolves once the server answered: its refusals (the
 * pod does not exist, no container named, the node refused) reject here as
 * ApiErrors, before any output; an unreachable server is a ConnectionError.
 */
export async function readPodLogs(
  transport: Transport,
  namespace: string,
  name: string,
  request: PodLogRequest = {},
): Promise<AsyncIterable<Uint8Array>> {
  if (!PODS) throw new Error('no resource type for v1 Pod');
  const { signal } = request;
  const response = await transport.stream('GET', resourcePath(PODS, namespace, name, 'log'), {
    accept: 'text/plain, */*',
    query: {
      container: request.container,
      follow: request.follow || undefined,
      previous: request.previous || undefined,
      timestamps: request.timestamps || undefined,
      tailLines: request.tailLines,
      sinceSeconds: request.sinceSeconds,
      sinceTime: request.sinceTime,
      limitBytes: request.limitBytes,
    },
    ...(signal ? { signal } : {}),
  });
  const body = response.body;
  return (async function* () {
    try {
      for await (const chunk of body) yield chunk as Uint8Array;
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    }
  })();
}
