// From a resolved Wasm image to something a sandbox worker can run: inspect the
// binary (once per digest), refuse what cannot run with a message naming the
// file, and compile (or transpile, for components) with the memory limit.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedImage } from '../runtime.js';
import { RuntimeError } from '../runtime.js';
import type { WasmBinaryInfo } from './binary/index.js';
import { WasmFormatError, inspectWasm } from './binary/index.js';
import { ComponentCache } from './component-cache.js';
import { WASI_P2_INTERFACES } from './guest/wasi-p2/provider-types.js';
import { WASI_PREVIEW1_FUNCTIONS } from './guest/wasi-p1/function-names.js';
import { ModuleCache } from './module-cache.js';
import type { ComponentCode } from './sandbox/protocol.js';

/** What a container will run, ready to post to a worker. */
export type GuestProgram =
  | { readonly kind: 'core-command'; readonly module: WebAssembly.Module }
  | { readonly kind: 'core-wagi'; readonly module: WebAssembly.Module }
  | { readonly kind: 'component-command'; readonly code: ComponentCode }
  | { readonly kind: 'component-http'; readonly code: ComponentCode };

/** What kind of guest an image holds, decided from its binary alone. */
export type GuestShape = 'core' | 'component-command' | 'component-http';

const PREVIEW1 = 'wasi_snapshot_preview1';
const supportedPreview1 = new Set<string>(WASI_PREVIEW1_FUNCTIONS);
const supportedInterfaces = new Set(WASI_P2_INTERFACES);

/** Decides the shape of a guest, or throws a RuntimeError saying why it cannot run. */
export function guestShape(ref: string, info: WasmBinaryInfo): GuestShape {
  if (info.kind === 'core') {
    const unsupported = info.imports
      .filter((i) => !(i.module === PREVIEW1 && i.kind === 'func' && supportedPreview1.has(i.name)))
      .map((i) => `${i.module}.${i.name} (${i.kind})`);
    if (unsupported.length > 0) {
      throw new RuntimeError(
        'UnsupportedImport',
        `${ref} imports ${listOf(unsupported)}, which Skiff does not provide`,
      );
    }
    if (!info.exportsStart) {
      const why = info.exportsInitialize
        ? 'it is a WASI reactor (exports _initialize only)'
        : 'it exports no _start function';
      throw new RuntimeError('NotRunnable', `${ref} cannot run as a command: ${why}`);
    }
    if (!info.exportsMemory)
      throw new RuntimeError('NotRunnable', `${ref} does not export its memory`);
    return 'core';
  }
  const unsupported = info.imports
    .map((i) => i.name)
    .filter((name) => {
      const [iface, version = ''] = name.split('@');
      return !(iface !== undefined && supportedInterfaces.has(iface) && version.startsWith('0.2.'));
    });
  if (unsupported.length > 0) {
    throw new RuntimeError(
      'UnsupportedImport',
      `${ref} imports ${listOf(unsupported)}, which Skiff does not provide`,
    );
  }
  const exports = info.exports.map((e) => e.name);
  if (exports.some((name) => name.startsWith('wasi:http/incoming-handler@0.2.')))
    return 'component-http';
  if (exports.some((name) => name.startsWith('wasi:cli/run@0.2.'))) return 'component-command';
  throw new RuntimeError(
    'NotRunnable',
    `${ref} exports neither wasi:cli/run nor wasi:http/incoming-handler (0.2), so Skiff cannot run it`,
  );
}

function listOf(items: readonly string[]): string {
  return items.length <= 3
    ? items.join(', ')
    : `${items.slice(0, 3).join(', ')} and ${items.length - 3} more`;
}

/** Loads guest programs; caches inspections, compiled modules and transpiled components. */
export class GuestProgramLoader {
  readonly modules = new ModuleCache();
  readonly components: ComponentCache;
  readonly #shapes = new Map<string, Promise<GuestShape>>();

  constructor(cacheDir: string) {
    this.components = new ComponentCache(path.join(cacheDir, 'components'));
  }

  /** The shape of `image`'s guest (inspected once per digest). */
  shape(image: ResolvedImage): Promise<GuestShape> {
    let shape = this.#shapes.get(image.digest);
    if (!shape) {
      shape = readWasm(image).then((bytes) => guestShape(image.ref, inspect(image.ref, bytes)));
      this.#shapes.set(image.digest, shape);
      shape.catch(() => this.#shapes.delete(image.digest));
    }
    return shape;
  }

  /**
   * The runnable program. `serving` picks WAGI for a core module that has ports.
   * Throws RuntimeError for images that cannot run, and the binary module's
   * MemoryLimitExceededError when the guest's initial memory is over the limit.
   */
  async load(image: ResolvedImage, limitPages: number, serving: boolean): Promise<GuestProgram> {
    const shape = await this.shape(image);
    if (shape === 'core') {
      const module = await this.#compile(image.ref, image.digest, limitPages, () =>
        readWasm(image),
      );
      return { kind: serving ? 'core-wagi' : 'core-command', module };
    }
    const transpiled = await this.components
      .get(image.digest, () => readWasm(image))
      .catch((error: unknown) => {
        throw new RuntimeError(
          'InvalidImage',
          `${image.ref}: cannot transpile the component: ${messageOf(error)}`,
        );
      });
    const coreModules: Record<string, WebAssembly.Module> = {};
    for (const name of transpiled.coreModules) {
      coreModules[name] = await this.#compile(
        image.ref,
        `${image.digest}/${name}`,
        limitPages,
        () => ComponentCache.readCoreModule(transpiled, name),
      );
    }
    const code: ComponentCode = { glueUrl: transpiled.glueUrl, coreModules };
    return { kind: shape, code };
  }

  async #compile(
    ref: string,
    key: string,
    limitPages: number,
    load: () => Promise<Uint8Array>,
  ): Promise<WebAssembly.Module> {
    try {
      return await this.modules.get(key, limitPages, load);
    } catch (error) {
      if (error instanceof WasmFormatError || error instanceof WebAssembly.CompileError) {
        throw new RuntimeError('InvalidImage', `${ref}: invalid WebAssembly: ${error.message}`);
      }
      throw error;
    }
  }
}

function inspect(ref: string, bytes: Uint8Array): WasmBinaryInfo {
  try {
    return inspectWasm(bytes);
  } catch (error) {
    if (error instanceof WasmFormatError)
      throw new RuntimeError('InvalidImage', `${ref}: ${error.message}`);
    throw error;
  }
}

async function readWasm(image: ResolvedImage): Promise<Uint8Array> {
  if (!image.wasmPath)
    throw new RuntimeError('InvalidImage', `${image.ref} has no Wasm module to run`);
  try {
    return await readFile(image.wasmPath);
  } catch (error) {
    throw new RuntimeError(
      'InvalidImage',
      `${image.ref}: cannot read ${image.wasmPath}: ${messageOf(error)}`,
      true,
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
