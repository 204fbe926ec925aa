// Runs a jco-transpiled WASI 0.2 component on this worker: a `wasi:cli/run`
// command to completion, or one request through `wasi:http/incoming-handler` on
// a fresh instance (fetch-event style guests answer only one request per
// instance, and a fresh instance per request is wasi:http's own model).

import { createGuestFileSystem } from '../guest/fs/index.js';
import type { ResponseSink } from '../guest/wasi-p2/provider-types.js';
import { MemoryGauge } from './memory-gauge.js';
import { linearMemoryBytes, outcomeOfError } from './outcome.js';
import type { ComponentCode, GuestSetup, HttpRequestMessage } from './protocol.js';
import { requestWithBody } from './protocol.js';
import type { TaskResult } from './run-core.js';
import type { PostToHost } from './worker-guest-context.js';
import { bytesSource, createWorkerGuestContext } from './worker-guest-context.js';

type Instantiate = (
  getCoreModule: (name: string) => WebAssembly.Module,
  imports: Record<string, object>,
  instantiateCore: (
    module: WebAssembly.Module,
    imports?: WebAssembly.Imports,
  ) => Promise<WebAssembly.Instance>,
) => Promise<Record<string, unknown>>;

const glueModules = new Map<string, Promise<Instantiate>>();

/** The glue's `instantiate`, imported once per worker and glue file. */
function loadGlue(url: string): Promise<Instantiate> {
  let glue = glueModules.get(url);
  if (!glue) {
    glue = import(url).then((module: { instantiate?: unknown }) => {
      if (typeof module.instantiate !== 'function')
        throw new Error(`${url} has no instantiate export`);
      return module.instantiate as Instantiate;
    });
    glueModules.set(url, glue);
  }
  return glue;
}

/** Finds an exported interface by name, whatever 0.2.x version the guest targets. */
function exportedInterface(
  exports: Record<string, unknown>,
  name: string,
): Record<string, unknown> {
  const key = Object.keys(exports).find((k) => k.startsWith(`${name}@0.2.`));
  const value = key === undefined ? undefined : exports[key];
  if (typeof value !== 'object' || value === null)
    throw new Error(`the component does not export ${name}`);
  return value as Record<string, unknown>;
}

function callExport(iface: Record<string, unknown>, name: string, ...args: unknown[]): unknown {
  const fn = iface[name];
  if (typeof fn !== 'function') throw new Error(`the component's export has no ${name} function`);
  return (fn as (...a: unknown[]) => unknown)(...args);
}

async function withComponent(
  code: ComponentCode,
  setup: GuestSetup,
  post: PostToHost,
  request: HttpRequestMessage | undefined,
  body: (
    exports: Record<string, unknown>,
    sink: ResponseSink | undefined,
    bridge: BridgeFn,
  ) => unknown,
): Promise<TaskResult> {
  const [{ createWasiP2Host }, { createFilesystemProvider }, instantiate] = await Promise.all([
    import('../guest/wasi-p2/index.js'),
    import('../guest/wasi-p2/filesystem.js'),
    loadGlue(code.glueUrl),
  ]);
  const fs = createGuestFileSystem(setup.mounts);
  const gauge = new MemoryGauge(setup.control);
  const ctx = createWorkerGuestContext({
    setup,
    fs,
    post,
    onHostCall: () => gauge.update(),
    ...(request ? { stdin: bytesSource(new Uint8Array(0)) } : {}),
  });
  const host = createWasiP2Host(ctx, {
    createFilesystem: (streams) => createFilesystemProvider(fs, streams),
  });
  const instances: WebAssembly.Instance[] = [];
  const instantiateCore = async (module: WebAssembly.Module, imports?: WebAssembly.Imports) => {
    const instance = new WebAssembly.Instance(module, imports);
    instances.push(instance);
    gauge.track(instances);
    return instance;
  };
  try {
    const getCoreModule = (name: string) => {
      const module = code.coreModules[name];
      if (!module) throw new Error(`the transpiled component has no core module ${name}`);
      return module;
    };
    const exports = await instantiate(getCoreModule, host.imports, instantiateCore);
    const sink = request ? responseSink(post) : undefined;
    let outparam: object | undefined;
    const bridge: BridgeFn = () => {
      if (!request || !sink) throw new Error('no request');
      outparam = host.http.responseOutparam(sink);
      return [
        host.http.incomingRequest(requestWithBody(request, bytesSource(request.body))),
        outparam,
      ];
    };
    try {
      await body(exports, sink, bridge);
    } finally {
      // A guest that returned without answering (or without finishing its body)
      // gets its response closed out now, so the client is never left waiting.
      if (outparam) host.http.settle(outparam);
    }
    return { outcome: { kind: 'exit', code: 0 }, memoryBytes: linearMemoryBytes(instances) };
  } catch (error) {
    return {
      outcome: componentOutcome(error, instances),
      memoryBytes: linearMemoryBytes(instances),
    };
  } finally {
    fs.closeAll();
  }
}

type BridgeFn = () => [object, object];

/** jco throws a ComponentError for `run` returning err: that is exit code 1. */
function componentOutcome(
  error: unknown,
  instances: WebAssembly.Instance[],
): TaskResult['outcome'] {
  if (error instanceof Error && error.name === 'ComponentError') return { kind: 'exit', code: 1 };
  return outcomeOfError(error, instances);
}

function responseSink(post: PostToHost): ResponseSink {
  return {
    head: (status, headers) => post({ type: 'http-head', status, headers }),
    body: (chunk) => {
      const copy = chunk.slice();
      post({ type: 'http-body', data: copy }, [copy.buffer]);
    },
    end: () => post({ type: 'http-end' }),
    error: (code) => post({ type: 'http-error', code }),
  };
}

/** `wasi:cli/run.run()` to completion. */
export function runComponentCommand(
  code: ComponentCode,
  setup: GuestSetup,
  post: PostToHost,
): Promise<TaskResult> {
  return withComponent(code, setup, post, undefined, (exports) =>
    callExport(exportedInterface(exports, 'wasi:cli/run'), 'run'),
  );
}

/** One request through `wasi:http/incoming-handler.handle` on a fresh instance. */
export function runComponentHttpRequest(
  code: ComponentCode,
  setup: GuestSetup,
  request: HttpRequestMessage,
  post: PostToHost,
): Promise<TaskResult> {
  return withComponent(code, setup, post, request, (exports, _sink, bridge) =>
    callExport(exportedInterface(exports, 'wasi:http/incoming-handler'), 'handle', ...bridge()),
  );
}
