// Loads a WASI 0.2 component for in-thread tests: transpiled by jco-transpile
// once per content hash (the glue module is written under the test cache so it
// can be imported), core modules compiled in memory, instantiated with any
// import object.

import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { TEST_CACHE } from './paths.js';

type Instantiate = (
  getCoreModule: (name: string) => WebAssembly.Module,
  imports: Record<string, object>,
) => Promise<Record<string, unknown>>;

/** A transpiled component, ready to instantiate as often as needed. */
export interface LoadedComponent {
  /** Unversioned interface names the component imports. */
  readonly imports: readonly string[];
  instantiate(imports: Record<string, object>): Promise<Record<string, unknown>>;
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Transpiles (or reuses the cached transpilation of) `bytes`. */
export async function loadComponent(bytes: Uint8Array): Promise<LoadedComponent> {
  const dir = `${TEST_CACHE}transpiled/${sha256(bytes)}/`;
  let manifest: { imports: string[]; coreModules: string[] };
  try {
    manifest = JSON.parse(await readFile(`${dir}manifest.json`, 'utf8')) as typeof manifest;
  } catch {
    const { transpileBytes } = await import('@bytecodealliance/jco-transpile');
    const output = await transpileBytes(bytes, { name: 'component', instantiation: 'async' });
    const tmp = `${dir.slice(0, -1)}.tmp-${process.pid}/`;
    await mkdir(tmp, { recursive: true });
    const coreModules: string[] = [];
    for (const [name, content] of Object.entries(output.files)) {
      if (name.endsWith('.wasm')) coreModules.push(name);
      if (name === 'component.js' || name.endsWith('.wasm')) await writeFile(tmp + name, content);
    }
    manifest = { imports: output.imports, coreModules };
    await writeFile(`${tmp}manifest.json`, JSON.stringify(manifest));
    await rename(tmp, dir).catch(async (error: unknown) => {
      // Another test process got there first; its copy is as good as ours.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      await rm(tmp, { recursive: true, force: true });
    });
  }
  const modules = new Map<string, WebAssembly.Module>();
  for (const name of manifest.coreModules) {
    modules.set(name, await WebAssembly.compile(await readFile(dir + name)));
  }
  const glue = (await import(pathToFileURL(`${dir}component.js`).href)) as {
    instantiate: Instantiate;
  };
  const getCoreModule = (name: string) => {
    const module = modules.get(name);
    if (!module) throw new Error(`no core module ${name}`);
    return module;
  };
  return {
    imports: manifest.imports,
    instantiate: (imports) => glue.instantiate(getCoreModule, imports),
  };
}

/** The export of `iface` (any 0.2.x version) from an instance's exports. */
export function exportedInterface(
  exports: Record<string, unknown>,
  iface: string,
): Record<string, (...args: unknown[]) => unknown> {
  const key = Object.keys(exports).find((name) => name.startsWith(`${iface}@0.2.`));
  const value = key === undefined ? undefined : exports[key];
  if (typeof value !== 'object' || value === null) throw new Error(`no export ${iface}`);
  return value as Record<string, (...args: unknown[]) => unknown>;
}
