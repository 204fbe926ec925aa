// `POST /exec/{namespace}/{pod}/{container}?command=…&command=…` on the
// agent's port (the kubelet's path): runs a command in a container's context
// and streams its output as it comes. Kubernetes upgrades this request to a
// SPDY/WebSocket stream; Skiff answers plain HTTP instead, a stream of JSON
// lines (`application/x-ndjson`): `{"output":"<base64>"}` per write, then
// `{"exitCode":N}` — what `skiff exec` needs for non-interactive commands.

import type { ServerResponse } from 'node:http';
import type { NodeRequest, NodeRoute } from './node-routes.js';
import { sendText } from './plain-text.js';

/** Runs `command` in the container; output goes to `write` as it comes; resolves with the exit code. */
export type ContainerExec = (
  target: { readonly namespace: string; readonly pod: string; readonly container: string },
  command: readonly string[],
  write: (data: Uint8Array) => void,
  signal: AbortSignal,
) => Promise<number>;

/** Thrown by a ContainerExec for an unknown pod or container (404) or one not running (400). */
export class ExecTargetError extends Error {
  override readonly name = 'ExecTargetError';
  constructor(
    readonly statusCode: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

/** The media type of exec's answer. */
export const EXEC_CONTENT_TYPE = 'application/x-ndjson';

/** The exec handler over `exec`; the stream ends early when the client leaves or `shutdown` aborts. */
export function execHandler(exec: ContainerExec, shutdown: AbortSignal): NodeRoute {
  return (request: NodeRequest, response: ServerResponse) => {
    const command = request.query.getAll('command');
    if (command.length === 0) {
      sendText(response, 400, 'you must specify at least one command for the container');
      return;
    }
    const gone = new AbortController();
    const stop = () => gone.abort();
    response.once('close', stop);
    shutdown.addEventListener('abort', stop, { once: true });
    const target = request.target;
    const started = () => {
      if (response.headersSent) return;
      response.statusCode = 200;
      response.setHeader('Content-Type', EXEC_CONTENT_TYPE);
      response.flushHeaders();
    };
    return exec(
      target,
      command,
      (data) => {
        started();
        response.write(`${JSON.stringify({ output: Buffer.from(data).toString('base64') })}\n`);
      },
      gone.signal,
    )
      .then((exitCode) => {
        started();
        response.end(`${JSON.stringify({ exitCode })}\n`);
      })
      .catch((error: unknown) => {
        if (!response.headersSent && error instanceof ExecTargetError) {
          sendText(response, error.statusCode, error.message);
          return;
        }
        throw error;
      })
      .finally(() => {
        response.off('close', stop);
        shutdown.removeEventListener('abort', stop);
      });
  };
}
