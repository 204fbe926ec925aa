// Skiff's own `wasi_snapshot_preview1` host, over a GuestContext.
//
// Not node:wasi: that one can crash the process when a guest grows its memory
// during a call (nodejs/node#46777), writes to the real fds, has no read-only
// preopens, and sleeps that no stop can interrupt. Every import here is a plain
// JS function that reads and writes guest memory through fresh views, blocks
// only through `ctx.waitForActivity`, and reports errors as errno values.

import type { GuestContext } from '../context.js';
import { errnoOf } from './errno.js';
import { fdImports } from './fd-imports.js';
import { fdIoImports } from './fd-io-imports.js';
import { FdTable } from './fd-table.js';
import { GuestMemory } from './memory.js';
import { pathImports } from './path-imports.js';
import { pollImports } from './poll-imports.js';
import { processImports } from './process-imports.js';
import { socketImports } from './socket-imports.js';
import type { Preview1State, WasiFunction, WasiFunctions } from './state.js';
import { WASI_PREVIEW1_FUNCTIONS } from './function-names.js';

export { WASI_PREVIEW1_FUNCTIONS };

/**
 * Turns the errors an import body throws for the guest into its errno result;
 * anything else (`GuestExit`, a host bug) keeps unwinding through the guest.
 */
function guarded(body: WasiFunction): WasiFunction {
  return (...args: never[]): number => {
    try {
      return body(...args);
    } catch (err) {
      const errno = errnoOf(err);
      if (errno === undefined) throw err;
      return errno;
    }
  };
}

/**
 * The `wasi_snapshot_preview1` imports of one guest instance. Instantiate the
 * module with `{ wasi_snapshot_preview1: wasi.imports }`, then `attach` its
 * exported memory before calling `_start`. `proc_exit` and fatal `proc_raise`
 * throw `GuestExit` out of the guest.
 */
export class WasiPreview1 {
  /** The `wasi_snapshot_preview1` import namespace. */
  readonly imports: WebAssembly.ModuleImports;
  readonly #memory = new GuestMemory();

  constructor(ctx: GuestContext) {
    const state: Preview1State = { ctx, memory: this.#memory, fds: new FdTable(ctx) };
    const bodies: WasiFunctions = {
      ...processImports(state),
      ...fdImports(state),
      ...fdIoImports(state),
      ...pathImports(state),
      ...pollImports(state),
      ...socketImports(state),
    };
    const imports: WebAssembly.ModuleImports = {};
    for (const name of WASI_PREVIEW1_FUNCTIONS) {
      const body = bodies[name];
      if (body === undefined) throw new Error(`preview 1 import ${name} is not implemented`);
      imports[name] = guarded(body);
    }
    this.imports = imports;
  }

  /** Binds the instance's exported memory; required before the guest runs. */
  attach(memory: WebAssembly.Memory): void {
    this.#memory.attach(memory);
  }
}
