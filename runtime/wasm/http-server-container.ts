// A container that serves HTTP: a wasi:http component, or a core module served
// the WAGI (CGI) way. The container owns ports in its pod's network namespace;
// each request runs on a fresh guest instance on a pooled worker.
//
// Why an instance per request: it is wasi:http's own model (an incoming-handler
// is called once per request), fetch-event style guests cannot answer twice,
// a trap or a hang affects one request only, and an idle container holds no
// instance and no thread at all, which is what lets a node hold many idle pods.
//
// Stopping is graceful: the ports close, in-flight requests get the grace period
// to finish, then their instances are killed. A drained server exits 0.

import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PodNetwork, PortBinding } from '../network/pod-network.js';
import type { ContainerStats, ExitResult, StopOptions } from '../runtime.js';
import { WasmContainer, OOM_EXIT_CODE, signalExitCode } from './container-state.js';
import { createControlBlock } from './sandbox/control-block.js';
import type { GuestSetup, HttpRequestMessage, SandboxTask } from './sandbox/protocol.js';
import type { SandboxWorker, TaskEnd } from './sandbox/sandbox-worker.js';
import type { WorkerPool } from './sandbox/worker-pool.js';
import { Semaphore } from './semaphore.js';

export interface HttpServerContainerOptions {
  readonly name: string;
  readonly pool: WorkerPool;
  readonly network: PodNetwork;
  /** Ports to serve on in the pod's namespace. */
  readonly ports: readonly number[];
  readonly task: (guest: GuestSetup, request: HttpRequestMessage) => SandboxTask;
  readonly guest: Omit<GuestSetup, 'control' | 'stdin'>;
  readonly memoryLimitBytes: number;
  /** Requests handled at once by this container; the rest queue. */
  readonly maxConcurrentRequests?: number;
  /** Larger request bodies get 413. */
  readonly maxRequestBodyBytes?: number;
}

interface InFlight {
  worker?: SandboxWorker;
}

const encoder = new TextEncoder();

export class HttpServerContainer extends WasmContainer {
  readonly #options: HttpServerContainerOptions;
  readonly #server: http.Server;
  readonly #bindings: PortBinding[] = [];
  readonly #inFlight = new Set<InFlight>();
  readonly #slots: Semaphore;
  #stopping = false;
  #drained: (() => void) | undefined;
  #lastMemoryBytes = 0;

  /** Binds every port first: an EADDRINUSE throws and nothing is left bound. */
  constructor(options: HttpServerContainerOptions) {
    super(options.name);
    this.#options = options;
    this.#slots = new Semaphore(options.maxConcurrentRequests ?? 8);
    this.#server = http.createServer(
      { keepAliveTimeout: 5_000 },
      (req, res) => void this.#handle(req, res),
    );
    try {
      for (const port of options.ports) {
        this.#bindings.push(
          options.network.listen(port, (socket) => this.#server.emit('connection', socket)),
        );
      }
    } catch (error) {
      for (const binding of this.#bindings) binding.close();
      throw error;
    }
  }

  stats(): ContainerStats {
    return {
      memoryBytes: this.#inFlight.size > 0 ? this.#lastMemoryBytes * this.#inFlight.size : 0,
      memoryLimitBytes: this.#options.memoryLimitBytes,
      instances: this.#inFlight.size,
    };
  }

  async stop(options: StopOptions = {}): Promise<ExitResult> {
    if (this.state.result) return this.state.result;
    const signal = options.signal ?? 'SIGTERM';
    if (signal === 'SIGKILL') {
      await this.#shutdown('killed');
      return this.state.finish({ exitCode: signalExitCode('SIGKILL'), reason: 'Error', signal });
    }
    if (!this.#stopping) {
      this.#closePorts();
      const drained = new Promise<void>((resolve) => {
        this.#drained = resolve;
        if (this.#inFlight.size === 0) resolve();
      });
      const timedOut = new Promise<'timeout'>((resolve) =>
        setTimeout(() => resolve('timeout'), options.graceMs ?? 30_000).unref(),
      );
      void Promise.race([drained, timedOut]).then(async (how) => {
        if (how === 'timeout') {
          await this.#shutdown('grace period over');
          this.state.finish({
            exitCode: signalExitCode('SIGKILL'),
            reason: 'Error',
            signal: 'SIGKILL',
          });
        } else {
          await this.#shutdown('stopped');
          this.state.finish({ exitCode: 0, reason: 'Completed', signal });
        }
      });
    }
    return this.state.wait();
  }

  #closePorts(): void {
    this.#stopping = true;
    for (const binding of this.#bindings.splice(0)) binding.close();
    this.#server.close();
    this.#server.closeIdleConnections();
  }

  async #shutdown(reason: string): Promise<void> {
    this.#closePorts();
    this.#server.closeAllConnections();
    await Promise.all([...this.#inFlight].map((request) => request.worker?.kill(reason)));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.#stopping) return void respond(res, 503, 'the container is stopping\n');
    const request: InFlight = {};
    this.#inFlight.add(request);
    try {
      await this.#slots.run(() => this.#serve(req, res, request));
    } finally {
      this.#inFlight.delete(request);
      if (this.#inFlight.size === 0) this.#drained?.();
    }
  }

  async #serve(req: IncomingMessage, res: ServerResponse, request: InFlight): Promise<void> {
    const body = await readBody(req, this.#options.maxRequestBodyBytes ?? 16 * 1024 * 1024);
    if (body === 'too-large') return respond(res, 413, 'request body too large\n');
    if (body === 'aborted' || this.state.result) return;
    const port = req.socket.localPort ?? this.#options.ports[0] ?? 80;
    const message: HttpRequestMessage = {
      method: req.method ?? 'GET',
      scheme: 'http',
      authority: req.headers.host ?? `${this.#options.network.podIP}:${port}`,
      pathWithQuery: req.url ?? '/',
      headers: headerPairs(req.rawHeaders),
      body,
      remoteAddress: req.socket.remoteAddress ?? '',
      serverPort: port,
    };
    const worker = await this.#options.pool.acquire();
    request.worker = worker;
    const onClose = () => {
      // The client is gone: a guest still working on its answer is wasted work.
      if (!res.writableFinished) void worker.kill('client closed the connection');
    };
    res.on('close', onClose);
    const guest: GuestSetup = { ...this.#options.guest, control: createControlBlock() };
    const end = await worker.run(this.#options.task(guest, message), (event) => {
      switch (event.type) {
        case 'output':
          return this.state.log.append(event.fd === 1 ? 'stdout' : 'stderr', event.data);
        case 'http-head':
          return void res.writeHead(event.status, rawHeaders(event.headers));
        case 'http-body':
          return void res.write(event.data);
        case 'http-end':
          return void res.end();
        case 'http-error':
          return void respond(res, 500, `the handler failed: ${event.code}\n`);
      }
    });
    res.off('close', onClose);
    request.worker = undefined;
    this.#options.pool.release(worker, end.outcome.kind === 'exit' && !end.workerLost);
    this.#lastMemoryBytes = Math.max(this.#lastMemoryBytes, end.memoryBytes);
    this.#afterRequest(message, res, end);
  }

  #afterRequest(request: HttpRequestMessage, res: ServerResponse, end: TaskEnd): void {
    if (end.outcome.kind !== 'exit') {
      const line = `skiff: ${request.method} ${request.pathWithQuery} failed: ${end.outcome.message}\n`;
      this.state.log.append('stderr', encoder.encode(line));
    }
    if (!res.headersSent) respond(res, 500, 'the handler sent no response\n');
    else if (!res.writableEnded) res.destroy(); // an incomplete body must not look complete
    if (end.outcome.kind === 'trap' && end.outcome.oom) {
      // The memory limit is the container's: exceeding it ends the container, as
      // the kernel's OOM killer ends a native one.
      void this.#shutdown('OOMKilled').then(() =>
        this.state.finish({
          exitCode: OOM_EXIT_CODE,
          reason: 'OOMKilled',
          message: end.outcome.kind === 'trap' ? end.outcome.message : '',
        }),
      );
    }
  }
}

function respond(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

function headerPairs(raw: readonly string[]): [string, Uint8Array][] {
  const pairs: [string, Uint8Array][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    pairs.push([(raw[i] ?? '').toLowerCase(), Buffer.from(raw[i + 1] ?? '', 'latin1')]);
  }
  return pairs;
}

function rawHeaders(headers: readonly (readonly [string, Uint8Array])[]): string[] {
  const flat: string[] = [];
  for (const [name, value] of headers) flat.push(name, Buffer.from(value).toString('latin1'));
  return flat;
}

async function readBody(
  req: IncomingMessage,
  max: number,
): Promise<Uint8Array | 'too-large' | 'aborted'> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > max) return 'too-large';
      chunks.push(chunk);
    }
  } catch {
    return 'aborted';
  }
  return Buffer.concat(chunks);
}
