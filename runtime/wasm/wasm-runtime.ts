// WasmRuntime: runs Wasm images as containers (the node's default runtime).
//
// A container is a command (runs to completion on a worker of its own) or an
// HTTP server (an instance per request on pooled workers). What it may touch is
// exactly what its spec grants: argv and env, its mounts as preopened
// directories, its pod's network namespace, and a memory limit past which it is
// OOMKilled. See docs/architecture.md, "Wasm runtime".

import { statSync } from 'node:fs';
import path from 'node:path';
import type {
  ContainerHandle,
  ContainerRuntime,
  ContainerSpec,
  Mount,
  PodSandbox,
  ResolvedImage,
  SavedContainer,
} from '../runtime.js';
import { RuntimeError } from '../runtime.js';
import { MemoryLimitExceededError, WASM_PAGE_BYTES } from './binary/index.js';
import { CommandContainer } from './command-container.js';
import { EndedContainer, OOM_EXIT_CODE } from './container-state.js';
import type { GuestProgram } from './guest-program.js';
import { GuestProgramLoader } from './guest-program.js';
import { HttpServerContainer } from './http-server-container.js';
import type { GuestSetup, HttpRequestMessage } from './sandbox/protocol.js';
import type { WorkerPoolOptions } from './sandbox/worker-pool.js';
import { WorkerPool } from './sandbox/worker-pool.js';

export interface WasmRuntimeOptions {
  /** Where transpiled components are cached across processes. */
  readonly cacheDir: string;
  /** Memory limit of a container whose spec sets none. Default 1 GiB. */
  readonly defaultMemoryLimitBytes?: number;
  /** Port a wasi:http component serves on when its spec declares no port. Default 8080. */
  readonly defaultHttpPort?: number;
  readonly pool?: WorkerPoolOptions;
}

const DEFAULT_MEMORY_LIMIT = 1024 * 1024 * 1024;
/** A wasm32 memory cannot exceed 4 GiB, whatever the limit says. */
const MAX_WASM32_PAGES = 65536;

export class WasmRuntime implements ContainerRuntime {
  readonly name = 'wasm';
  readonly loader: GuestProgramLoader;
  readonly pool: WorkerPool;
  readonly #options: WasmRuntimeOptions;
  readonly #running = new Set<ContainerHandle>();

  constructor(options: WasmRuntimeOptions) {
    this.#options = options;
    this.loader = new GuestProgramLoader(options.cacheDir);
    this.pool = new WorkerPool(options.pool);
  }

  canRun(image: ResolvedImage): boolean {
    return image.kind === 'wasm';
  }

  async start(
    spec: ContainerSpec,
    sandbox: PodSandbox,
    signal?: AbortSignal,
  ): Promise<ContainerHandle> {
    if (!this.canRun(spec.image)) {
      throw new RuntimeError('InvalidImage', `${spec.image.ref} is not a Wasm image`);
    }
    const mounts = checkedMounts(spec);
    const memoryLimitBytes =
      spec.resources.memoryLimitBytes ??
      this.#options.defaultMemoryLimitBytes ??
      DEFAULT_MEMORY_LIMIT;
    if (!(memoryLimitBytes >= WASM_PAGE_BYTES)) {
      throw new RuntimeError(
        'InvalidSpec',
        `memory limit ${memoryLimitBytes} is below one Wasm page (64Ki)`,
      );
    }
    const limitPages = Math.min(MAX_WASM32_PAGES, Math.floor(memoryLimitBytes / WASM_PAGE_BYTES));
    const tcpPorts = spec.ports.filter((p) => p.protocol === 'TCP').map((p) => p.containerPort);
    const shape = await this.loader.shape(spec.image);
    const serving = shape === 'component-http' || (shape === 'core' && tcpPorts.length > 0);

    let program: GuestProgram;
    try {
      program = await this.loader.load(spec.image, limitPages, serving);
    } catch (error) {
      if (!(error instanceof MemoryLimitExceededError)) throw error;
      // More memory than its limit before it runs a single instruction: the
      // container is OOMKilled at once, as Kubernetes would report it.
      return this.#track(
        new EndedContainer(
          spec.name,
          { exitCode: OOM_EXIT_CODE, reason: 'OOMKilled', message: error.message },
          memoryLimitBytes,
        ),
      );
    }
    signal?.throwIfAborted();

    const guest: Omit<GuestSetup, 'control' | 'stdin'> = {
      args: argvOf(spec),
      env: envOf(spec, sandbox),
      ...workingDirOf(spec),
      mounts,
    };
    const pool = this.pool;
    switch (program.kind) {
      case 'core-command':
      case 'component-command': {
        const task =
          program.kind === 'core-command'
            ? (g: GuestSetup) =>
                ({ kind: 'core-command', module: program.module, guest: g }) as const
            : (g: GuestSetup) =>
                ({ kind: 'component-command', code: program.code, guest: g }) as const;
        return this.#track(
          new CommandContainer({
            name: spec.name,
            pool,
            task,
            guest,
            memoryLimitBytes,
            ...stdinOf(spec),
          }),
        );
      }
      case 'core-wagi':
      case 'component-http': {
        const ports = tcpPorts.length > 0 ? tcpPorts : [this.#options.defaultHttpPort ?? 8080];
        const task =
          program.kind === 'core-wagi'
            ? (g: GuestSetup, request: HttpRequestMessage) =>
                ({ kind: 'core-wagi-request', module: program.module, guest: g, request }) as const
            : (g: GuestSetup, request: HttpRequestMessage) =>
                ({
                  kind: 'component-http-request',
                  code: program.code,
                  guest: g,
                  request,
                }) as const;
        try {
          return this.#track(
            new HttpServerContainer({
              name: spec.name,
              pool,
              network: sandbox.network,
              ports,
              task,
              guest,
              memoryLimitBytes,
            }),
          );
        } catch (error) {
          if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
            throw new RuntimeError('StartError', `container ${spec.name}: ${error.message}`);
          }
          throw error;
        }
      }
    }
  }

  /** Wasm guests live inside the agent process: none survive its restart. */
  async recover(_saved: SavedContainer): Promise<ContainerHandle | undefined> {
    return undefined;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#running].map((handle) => handle.stop({ signal: 'SIGKILL' })));
    await this.pool.close();
  }

  #track(handle: ContainerHandle): ContainerHandle {
    this.#running.add(handle);
    void handle.wait().then(() => this.#running.delete(handle));
    return handle;
  }
}

/** Kubernetes' rule: `command` replaces the entrypoint and drops cmd; `args` replaces cmd. */
export function argvOf(spec: ContainerSpec): string[] {
  const { config, wasmPath, ref } = spec.image;
  const entrypoint = spec.command ?? config.entrypoint ?? [path.basename(wasmPath ?? ref)];
  const args = spec.args ?? (spec.command ? [] : (config.cmd ?? []));
  return [...entrypoint, ...args];
}

/** Image env, then HOSTNAME (as Docker and Kubernetes set it), then the spec's env, later wins. */
export function envOf(spec: ContainerSpec, sandbox: PodSandbox): [string, string][] {
  const env = new Map<string, string>();
  for (const entry of spec.image.config.env ?? []) {
    const at = entry.indexOf('=');
    if (at > 0) env.set(entry.slice(0, at), entry.slice(at + 1));
    else env.set(entry, '');
  }
  env.set('HOSTNAME', sandbox.hostname);
  for (const { name, value } of spec.env) env.set(name, value);
  return [...env];
}

function workingDirOf(spec: ContainerSpec): { workingDir?: string } {
  const workingDir = spec.workingDir ?? spec.image.config.workingDir;
  return workingDir ? { workingDir } : {};
}

function stdinOf(spec: ContainerSpec): { stdin?: ContainerSpec['stdin'] } {
  return spec.stdin ? { stdin: spec.stdin } : {};
}

/** The image's rootfs (read-only, at /) and then the spec's mounts, all checked. */
function checkedMounts(spec: ContainerSpec): Mount[] {
  const mounts: Mount[] = [];
  if (spec.image.rootfs)
    mounts.push({ guestPath: '/', hostPath: spec.image.rootfs, readOnly: true });
  for (const mount of spec.mounts) {
    if (!path.posix.isAbsolute(mount.guestPath)) {
      throw new RuntimeError('InvalidSpec', `mount path "${mount.guestPath}" must be absolute`);
    }
    let isDirectory = false;
    try {
      isDirectory = statSync(mount.hostPath).isDirectory();
    } catch {
      throw new RuntimeError('InvalidSpec', `volume source ${mount.hostPath} does not exist`);
    }
    if (!isDirectory)
      throw new RuntimeError('InvalidSpec', `volume source ${mount.hostPath} is not a directory`);
    if (mounts.some((m) => m.guestPath === mount.guestPath)) {
      throw new RuntimeError('InvalidSpec', `two mounts at ${mount.guestPath}`);
    }
    mounts.push({ ...mount, hostPath: path.resolve(mount.hostPath) });
  }
  return mounts;
}
