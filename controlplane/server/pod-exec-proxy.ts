// `POST /api/v1/namespaces/{ns}/pods/{name}/exec?command=…&container=…`:
// the pod and container are checked here, then the request goes to the
// agent of the pod's node (`POST /exec/{ns}/{pod}/{container}` with the node
// token) and its answer streams back as it is: JSON lines, `{"output":
// "<base64>"}` per write and `{"exitCode":N}` last. kubectl asks for a SPDY or WebSocket upgrade here; Skiff does not
// serve those protocols yet and says so (`skiff exec` uses this plain form).

import { pipeline } from 'node:stream/promises';
import { request, type Dispatcher } from 'undici';
import { badRequest } from '../api/errors.js';
import type { Node } from '../api/generated/node.js';
import type { Pod } from '../api/generated/pod.js';
import { nodeAgentOrigin } from './node-endpoint.js';
import {
  connectionFailure,
  containerOf,
  nodeAgentDispatcher,
  nodeFailure,
  readLimited,
  typeOf,
  type NodeAgentClientOptions,
} from './pod-log-proxy.js';
import type { ResourceCall } from './resource-handlers.js';
import { verbNotAllowed } from './responses.js';

/** Serves pods/exec. */
export interface PodExecProxy {
  serve(call: ResourceCall, name: string): Promise<void>;
}

/** The pods/exec handler; its connections to nodes close when `signal` aborts. */
export function createPodExecProxy(
  options: NodeAgentClientOptions & { readonly signal: AbortSignal },
): PodExecProxy {
  const scheme = options.scheme ?? 'https';
  const agent = nodeAgentDispatcher(options.signal);
  return {
    async serve(call: ResourceCall, name: string): Promise<void> {
      const { request: incoming, response, query } = call;
      if (incoming.method !== 'POST' && incoming.method !== 'GET') throw verbNotAllowed();
      call.verb = 'create';
      if (incoming.headers.upgrade) {
        throw badRequest(
          `exec over ${incoming.headers.upgrade} is not served by Skiff yet: run non-interactive commands with "skiff exec pod/${name} -- COMMAND"`,
        );
      }
      if (query.get('stdin') === 'true' || query.get('tty') === 'true') {
        throw badRequest('stdin and tty are not supported by Skiff exec yet');
      }
      const command = query.getAll('command');
      if (command.length === 0)
        throw badRequest('you must specify at least one command for the container');
      const namespace = call.target.namespace ?? 'default';
      const pod = await call.settings.api.resource<Pod>(typeOf('Pod')).get(name, { namespace });
      const container = containerOf(pod, name, query.get('container') ?? undefined);
      const nodeName = pod.spec?.nodeName;
      if (!nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') {
        throw badRequest(
          `cannot exec into a container in a completed pod; current phase is ${pod.status.phase}`,
        );
      }
      const node = await call.settings.api.resource<Node>(typeOf('Node')).get(nodeName);
      const path = ['exec', namespace, name, container].map(encodeURIComponent).join('/');
      const search = new URLSearchParams(
        command.map((part): [string, string] => ['command', part]),
      );
      const url = new URL(`${nodeAgentOrigin(node, scheme)}/${path}?${search.toString()}`);
      const gone = new AbortController();
      const stop = (): void => gone.abort();
      response.once('close', stop);
      try {
        let answer: Dispatcher.ResponseData;
        try {
          answer = await request(url, {
            method: 'POST',
            dispatcher: agent,
            signal: gone.signal,
            headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
          });
        } catch (error) {
          if (gone.signal.aborted) return;
          throw connectionFailure(url, error);
        }
        if (answer.statusCode !== 200) {
          throw nodeFailure(answer.statusCode, await readLimited(answer.body), name);
        }
        response.status(200);
        response.setHeader('Content-Type', 'application/x-ndjson');
        response.flushHeaders();
        try {
          await pipeline(answer.body, response);
        } catch {
          // The client or the node went away: the stream just ends.
          if (!response.writableEnded && !response.destroyed) response.end();
        }
      } finally {
        response.off('close', stop);
      }
    },
  };
}
