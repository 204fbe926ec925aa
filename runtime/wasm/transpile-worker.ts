// Transpiles one component with jco, on a thread of its own that exits after.
//
// jco's transpiler runs on preview2-shim, whose Node build starts an I/O worker
// thread when imported; loading it into the agent would keep those threads (and
// their memory) for the life of the process. Here they go away with the thread.

import { parentPort, workerData } from 'node:worker_threads';
import { transpileBytes } from '@bytecodealliance/jco-transpile';

const port = parentPort;
if (!port) throw new Error('transpile-worker must run in a worker thread');

try {
  const output = await transpileBytes(workerData as Uint8Array, {
    name: 'component',
    instantiation: 'async',
    emitTypescriptDeclarations: false,
  });
  port.postMessage({ ok: true, files: Object.entries(output.files) });
} catch (error) {
  port.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
}
// preview2-shim's I/O thread would keep this thread alive.
process.exit(0);
