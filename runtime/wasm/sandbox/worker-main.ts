// Entry point of a sandbox worker thread: runs the tasks the host sends, one at
// a time, and reports how each ended. See protocol.ts.

import { parentPort } from 'node:worker_threads';
import type { SandboxTask, WorkerMessage } from './protocol.js';
import { runCoreCommand, runWagiRequest } from './run-core.js';
import type { TaskResult } from './run-core.js';
import { runComponentCommand, runComponentHttpRequest } from './run-component.js';
import type { PostToHost } from './worker-guest-context.js';

const port = parentPort;
if (!port) throw new Error('worker-main must run in a worker thread');

const post: PostToHost = (message: WorkerMessage, transfer) =>
  port.postMessage(message, transfer ?? []);

async function run(task: SandboxTask): Promise<TaskResult> {
  switch (task.kind) {
    case 'core-command':
      return runCoreCommand(task.module, task.guest, post);
    case 'core-wagi-request':
      return runWagiRequest(task.module, task.guest, task.request, post);
    case 'component-command':
      return runComponentCommand(task.code, task.guest, post);
    case 'component-http-request':
      return runComponentHttpRequest(task.code, task.guest, task.request, post);
  }
}

port.on('message', (task: SandboxTask) => {
  run(task).then(
    ({ outcome, memoryBytes }) => post({ type: 'done', outcome, memoryBytes }),
    (error: unknown) =>
      post({
        type: 'done',
        outcome: {
          kind: 'failed',
          message: error instanceof Error ? error.message : String(error),
        },
        memoryBytes: 0,
      }),
  );
});

post({ type: 'ready' });
