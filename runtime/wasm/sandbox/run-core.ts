// Runs a WASI preview 1 core module on this worker: as a command (`_start` to
// completion) or as a WAGI handler for one request.

import type { ByteSink, ByteSource } from '../guest/context.js';
import { createGuestFileSystem } from '../guest/fs/index.js';
import { WasiPreview1 } from '../guest/wasi-p1/index.js';
import { cgiEnvironment, parseCgiResponse } from '../http/cgi.js';
import { MemoryGauge } from './memory-gauge.js';
import { linearMemoryBytes, outcomeOfError } from './outcome.js';
import type { GuestSetup, HttpRequestMessage, TaskOutcome } from './protocol.js';
import type { PostToHost } from './worker-guest-context.js';
import { CollectingSink, bytesSource, createWorkerGuestContext } from './worker-guest-context.js';

export interface TaskResult {
  readonly outcome: TaskOutcome;
  readonly memoryBytes: number;
}

function runStart(
  module: WebAssembly.Module,
  setup: GuestSetup,
  post: PostToHost,
  io: { stdin?: ByteSource; stdout?: ByteSink } = {},
): TaskResult {
  const fs = createGuestFileSystem(setup.mounts);
  const gauge = new MemoryGauge(setup.control);
  const ctx = createWorkerGuestContext({ setup, fs, post, ...io });
  const wasi = new WasiPreview1(ctx);
  const instances: WebAssembly.Instance[] = [];
  try {
    const instance = new WebAssembly.Instance(module, {
      wasi_snapshot_preview1: gauge.wrap(wasi.imports),
    });
    instances.push(instance);
    gauge.track(instances);
    const { memory, _start: start } = instance.exports;
    if (!(memory instanceof WebAssembly.Memory)) {
      return {
        outcome: { kind: 'failed', message: 'the module does not export its memory' },
        memoryBytes: 0,
      };
    }
    if (typeof start !== 'function') {
      return {
        outcome: { kind: 'failed', message: 'the module has no _start export' },
        memoryBytes: 0,
      };
    }
    wasi.attach(memory);
    start();
    return { outcome: { kind: 'exit', code: 0 }, memoryBytes: linearMemoryBytes(instances) };
  } catch (error) {
    return { outcome: outcomeOfError(error, instances), memoryBytes: linearMemoryBytes(instances) };
  } finally {
    fs.closeAll();
  }
}

/** `_start` to completion; output streams to the host as it is written. */
export function runCoreCommand(
  module: WebAssembly.Module,
  setup: GuestSetup,
  post: PostToHost,
): TaskResult {
  return runStart(module, setup, post);
}

/**
 * One WAGI request: CGI variables are added to the guest's environment, the body
 * is its stdin, and its stdout is parsed as a CGI response once it exits.
 */
export function runWagiRequest(
  module: WebAssembly.Module,
  setup: GuestSetup,
  request: HttpRequestMessage,
  post: PostToHost,
): TaskResult {
  const cgiEnv = cgiEnvironment(request, {
    serverName: request.authority.replace(/:\d+$/, ''),
    serverPort: request.serverPort,
  });
  const cgiNames = new Set(cgiEnv.map(([name]) => name));
  const env = [...setup.env.filter(([name]) => !cgiNames.has(name)), ...cgiEnv];
  const stdout = new CollectingSink();
  const result = runStart(module, { ...setup, env }, post, {
    stdin: bytesSource(request.body),
    stdout,
  });
  if (result.outcome.kind !== 'exit') return result;
  const response = parseCgiResponse(stdout.bytes());
  if (!response.ok) {
    post({ type: 'http-error', code: `invalid CGI response: ${response.error}` });
    return result;
  }
  const encoder = new TextEncoder();
  post({
    type: 'http-head',
    status: response.status,
    headers: response.headers.map(([name, value]) => [name, encoder.encode(value)] as const),
  });
  if (response.body.length > 0) post({ type: 'http-body', data: response.body.slice() });
  post({ type: 'http-end' });
  return result;
}
