// `GET /containerLogs/{namespace}/{pod}/{container}`: the kubelet's endpoint
// that kube-apiserver proxies `pods/log` to. Unknown pods and containers are
// 404 with the kubelet's messages, a log that is not there (yet) 400, and
// the log itself is streamed (chunked) as it is read; a follow ends when the
// run's writer closes, the client goes away, or the server shuts down.

import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { ContainerLogStore } from '../logs/index.js';
import { LogNotFoundError } from '../logs/index.js';
import { LogQueryError, logReadOptionsOf } from './log-query.js';
import type { NodeRequest, NodeRoute } from './node-routes.js';
import { sendText } from './plain-text.js';

/** What the node knows of a pod it runs. */
export interface NodePodInfo {
  readonly uid: string;
  /** The names of its containers (init containers included). */
  readonly containers: readonly string[];
}

/** Finds a pod of this node by namespace and name; undefined when the node does not run it. */
export type PodResolver = (
  namespace: string,
  name: string,
) => NodePodInfo | undefined | Promise<NodePodInfo | undefined>;

/** What the route needs. */
export interface ContainerLogsRouteOptions {
  readonly logs: ContainerLogStore;
  readonly resolvePod: PodResolver;
  /** Aborts when the server shuts down: every stream ends. */
  readonly shutdown: AbortSignal;
}

/** Writes `chunk`, waiting for the client to take it when its buffer is full; false once the client left. */
async function send(
  response: ServerResponse,
  chunk: Uint8Array,
  gone: AbortSignal,
): Promise<boolean> {
  if (gone.aborted) return false;
  if (response.write(chunk)) return true;
  try {
    await once(response, 'drain', { signal: gone });
    return true;
  } catch {
    return false;
  }
}

/** The request handler of `/containerLogs/:namespace/:pod/:container`. */
export function containerLogsHandler(options: ContainerLogsRouteOptions): NodeRoute {
  return async (request: NodeRequest, response: ServerResponse): Promise<void> => {
    const { namespace, pod, container } = request.target;
    let readOptions;
    try {
      readOptions = logReadOptionsOf(request.query);
    } catch (error) {
      if (!(error instanceof LogQueryError)) throw error;
      return sendText(response, error.status, error.message);
    }
    const info = await options.resolvePod(namespace, pod);
    if (!info) return sendText(response, 404, `pod "${pod}" does not exist`);
    if (!info.containers.includes(container)) {
      return sendText(response, 404, `container "${container}" not found in pod "${pod}"`);
    }

    const gone = new AbortController();
    const stop = (): void => gone.abort();
    response.once('close', stop);
    options.shutdown.addEventListener('abort', stop, { once: true });
    const chunks = options.logs
      .read(
        { namespace, pod, podUid: info.uid, container },
        { ...readOptions, signal: gone.signal },
      )
      [Symbol.asyncIterator]();
    try {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await chunks.next();
      } catch (error) {
        if (!(error instanceof LogNotFoundError)) throw error;
        return sendText(response, 400, error.message);
      }
      response.statusCode = 200;
      response.setHeader('Content-Type', 'text/plain; charset=utf-8');
      // Headers now, not with the first line: a follow may wait long for it.
      response.flushHeaders();
      for (; !next.done; next = await chunks.next()) {
        if (next.value.length > 0 && !(await send(response, next.value, gone.signal))) break;
      }
      response.end();
    } finally {
      options.shutdown.removeEventListener('abort', stop);
      response.off('close', stop);
      await chunks.return?.();
    }
  };
}
