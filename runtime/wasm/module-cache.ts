// Compiled guest modules, shared by every instance on the node.
//
// A module is compiled once per (content digest, memory limit): the limit is
// baked into the module by the memory-limit rewrite, and most containers of an
// image share one limit. Compiled modules are posted to sandbox workers, which
// instantiate them without recompiling.

import { limitMemory } from './binary/index.js';

export interface ModuleCacheOptions {
  /** Compiled modules kept; least recently used ones are dropped beyond it. */
  readonly maxEntries?: number;
}

export class ModuleCache {
  readonly #entries = new Map<string, Promise<WebAssembly.Module>>();
  readonly #maxEntries: number;
  #compilations = 0;

  constructor(options: ModuleCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 256;
  }

  /** How many compilations ran (cache misses), for tests and benchmarks. */
  get compilations(): number {
    return this.#compilations;
  }

  /**
   * The compiled, memory-limited module for `bytes`. `digest` must identify
   * `bytes` (its sha256); `load` is only called on a miss.
   */
  get(
    digest: string,
    limitPages: number,
    load: () => Promise<Uint8Array>,
  ): Promise<WebAssembly.Module> {
    const key = `${digest}/${limitPages}`;
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const compiled = (async () => {
      this.#compilations++;
      const bytes = await load();
      return WebAssembly.compile(limitMemory(bytes, { limitPages }));
    })();
    this.#entries.set(key, compiled);
    compiled.catch(() => this.#entries.delete(key));
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return compiled;
  }
}
