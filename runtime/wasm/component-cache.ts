// WASI 0.2 components transpiled by jco, once per content digest, kept on disk.
//
// Transpiling a component splits it into core modules plus a JavaScript glue
// module; that costs from tens of milliseconds to over a second, so the output is
// written under the cache directory, keyed by the component's digest, and reused
// across processes. Writes go to a temporary directory renamed into place, so a
// crash never leaves a half-written entry.

import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** A transpiled component on disk. */
export interface TranspiledComponent {
  /** file: URL of the glue ES module. */
  readonly glueUrl: string;
  /** Directory holding the core modules. */
  readonly dir: string;
  /** Core module file names, as the glue asks for them. */
  readonly coreModules: readonly string[];
}

const GLUE_FILE = 'component.mjs';
const META_FILE = 'meta.json';

interface Meta {
  readonly coreModules: string[];
}

export class ComponentCache {
  readonly #inFlight = new Map<string, Promise<TranspiledComponent>>();

  constructor(readonly dir: string) {}

  /** The transpiled form of the component with `digest`; `load` reads its bytes on a miss. */
  get(digest: string, load: () => Promise<Uint8Array>): Promise<TranspiledComponent> {
    let entry = this.#inFlight.get(digest);
    if (!entry) {
      entry = this.#getOrTranspile(digest, load);
      this.#inFlight.set(digest, entry);
      entry.catch(() => this.#inFlight.delete(digest));
    }
    return entry;
  }

  async #getOrTranspile(
    digest: string,
    load: () => Promise<Uint8Array>,
  ): Promise<TranspiledComponent> {
    const hex = digest.replace(/^sha256:/, '');
    const dir = path.join(this.dir, hex);
    const cached = await readMeta(dir);
    if (cached) return describe(dir, cached);

    const entries = await transpileOnWorker(await load());
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    await mkdir(tmp, { recursive: true });
    const coreModules: string[] = [];
    for (const [name, data] of entries) {
      if (name.endsWith('.wasm')) {
        coreModules.push(name);
        await writeFile(path.join(tmp, name), data);
      } else if (name === 'component.js') {
        await writeFile(path.join(tmp, GLUE_FILE), data);
      }
    }
    await writeFile(path.join(tmp, META_FILE), JSON.stringify({ coreModules } satisfies Meta));
    await mkdir(this.dir, { recursive: true });
    try {
      await rename(tmp, dir);
    } catch {
      // Another process finished first; its entry is as good as ours.
      await rm(tmp, { recursive: true, force: true });
    }
    const meta = await readMeta(dir);
    if (!meta) throw new Error(`component cache entry ${dir} is unreadable`);
    return describe(dir, meta);
  }

  /** Reads one core module of a transpiled component. */
  static readCoreModule(component: TranspiledComponent, name: string): Promise<Uint8Array> {
    return readFile(path.join(component.dir, name));
  }
}

type TranspileReply = { ok: true; files: [string, Uint8Array][] } | { ok: false; message: string };

/** Runs jco on a throw-away thread (see transpile-worker.ts). */
function transpileOnWorker(bytes: Uint8Array): Promise<[string, Uint8Array][]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./transpile-worker.js', import.meta.url), {
      workerData: bytes,
      execArgv: [],
    });
    let settled = false;
    worker.once('message', (reply: TranspileReply) => {
      settled = true;
      if (reply.ok) resolve(reply.files);
      else reject(new Error(reply.message));
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the transpiler exited with code ${code}`));
    });
  });
}

async function readMeta(dir: string): Promise<Meta | undefined> {
  try {
    const meta = JSON.parse(await readFile(path.join(dir, META_FILE), 'utf8')) as Meta;
    const files = new Set(await readdir(dir));
    if (!files.has(GLUE_FILE) || !meta.coreModules.every((name) => files.has(name)))
      return undefined;
    return meta;
  } catch {
    return undefined;
  }
}

function describe(dir: string, meta: Meta): TranspiledComponent {
  return {
    dir,
    glueUrl: pathToFileURL(path.join(dir, GLUE_FILE)).href,
    coreModules: meta.coreModules,
  };
}
