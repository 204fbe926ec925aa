// `POST /api/v1/namespaces/{ns}/pods/{name}/exec?command=…&container=…`:
// the pod and container are checked here, then the request goes to the
// agent of the pod's node (`POST /exec/{ns}/{pod}/{container}` with the node
// token) and its answer streams back as it is: JSON lines, `{"output":
// "<base64>"}` per write and `{"exitCode":N}` last — `skiff exec` reads that
// plain form. kubectl asks for a WebSocket upgrade instead (pod-exec-websocket.ts):
// the same lines are then re-framed as its channels once the agent answered,
// so every error before that is a plain HTTP Status. SPDY (kubectl's older
// protocol) is refused with a message.

import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { badRequest } from '../api/errors.js';
import type { Node } from '../api/generated/node.js';
import type { Pod } from '../api/generated/pod.js';
import { nodeAgentOrigin } from './node-endpoint.js';
import {
  callNodeAgent,
  clientPresence,
  containerOf,
  nodeAgentDispatcher,
  typeOf,
  type NodeAgentClientOptions,
} from './pod-log-proxy.js';
import {
  acceptExecUpgrade,
  EXEC_SUBPROTOCOLS,
  offersExecSubprotocol,
  type ExecChannels,
} from './pod-exec-websocket.js';
import type { ResourceCall } from './resource-handlers.js';
import { takeUpgrade } from './upgrade-requests.js';
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
      if (query.get('stdin') === 'true' || query.get('tty') === 'true') {
        throw badRequest('stdin and tty are not supported by Skiff exec yet');
      }
      const upgrade = incoming.headers.upgrade?.toLowerCase();
      if (upgrade !== undefined && (upgrade !== 'websocket' || !offersExecSubprotocol(incoming))) {
        throw badRequest(
          `exec over ${incoming.headers.upgrade} is not served by Skiff: use a WebSocket with ${EXEC_SUBPROTOCOLS.join(' or ')} (kubectl 1.30 and later), or "skiff exec pod/${name} -- COMMAND"`,
        );
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
      const gone = clientPresence(response, call.settings.serverSignal);
      try {
        const answer = await callNodeAgent(url, {
          method: 'POST',
          dispatcher: agent,
          signal: gone.signal,
          token: options.token,
          pod: name,
        });
        if (!answer) return;
        if (upgrade !== undefined) {
          const taken = takeUpgrade(incoming, response);
          if (!taken) throw badRequest('this server does not serve upgrades here');
          const channels = await acceptExecUpgrade(incoming, taken.socket, taken.head);
          channels.closed.addEventListener('abort', gone.abort, { once: true });
          return await relayToChannels(answer.body, channels, command);
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
        gone.release();
      }
    },
  };
}

/** The agent's JSON lines from `body`, one at a time. */
async function* jsonLines(body: Readable): AsyncGenerator<{ output?: string; exitCode?: number }> {
  let pending = '';
  for await (const chunk of body) {
    pending += (chunk as Buffer).toString('utf8');
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line) yield JSON.parse(line) as { output?: string; exitCode?: number };
      newline = pending.indexOf('\n');
    }
  }
}

/** Forwards the agent's answer to a WebSocket exec: output on stdout, then the exit Status. */
async function relayToChannels(
  body: Readable,
  channels: ExecChannels,
  command: readonly string[],
): Promise<void> {
  try {
    for await (const frame of jsonLines(body)) {
      if (frame.output !== undefined) channels.stdout(Buffer.from(frame.output, 'base64'));
      if (frame.exitCode !== undefined) return channels.exit(frame.exitCode, command);
    }
    channels.fail('the node agent ended the exec without an exit code');
  } catch (error) {
    if (channels.closed.aborted) return;
    channels.fail(
      `the exec stream broke: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
