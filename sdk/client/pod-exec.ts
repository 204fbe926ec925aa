// Running a command in a pod's container: `POST /api/v1/namespaces/{ns}/pods/{name}/exec`,
// non-interactive (Skiff's plain-HTTP form: JSON lines of output, then the exit code).

import { resourceTypeFor } from '../../controlplane/api/resources.js';
import { textLines } from './json-lines.js';
import { resourcePath } from './paths.js';
import { malformedResponse } from './response-errors.js';
import type { Transport } from './transport.js';

export interface PodExecRequest {
  readonly command: readonly string[];
  /** Required when the pod has more than one container. */
  readonly container?: string;
  /** Gets the command's output (stdout and stderr, in order) as it comes. */
  readonly onOutput: (data: Uint8Array) => void;
  readonly signal?: AbortSignal;
}

const PODS = resourceTypeFor('v1', 'Pod');

/** Runs the command; resolves with its exit code. Refusals reject as ApiErrors. */
export async function execInPod(
  transport: Transport,
  namespace: string,
  name: string,
  request: PodExecRequest,
): Promise<number> {
  if (!PODS) throw new Error('no resource type for v1 Pod');
  const response = await transport.stream('POST', resourcePath(PODS, namespace, name, 'exec'), {
    accept: 'application/x-ndjson',
    query: {
      command: request.command,
      container: request.container,
      stdout: true,
      stderr: true,
    },
    ...(request.signal ? { signal: request.signal } : {}),
  });
  for await (const line of textLines(response.body)) {
    const frame = JSON.parse(line) as { output?: string; exitCode?: number };
    if (frame.output !== undefined) request.onOutput(Buffer.from(frame.output, 'base64'));
    if (frame.exitCode !== undefined) return frame.exitCode;
  }
  throw malformedResponse('exec', 'the stream ended without an exit code');
}
