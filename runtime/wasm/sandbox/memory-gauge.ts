// Publishes a guest's linear memory size to its host through the control block,
// so `stats()` can answer without a message a busy guest could not receive.
// Refreshed whenever the guest calls the host (every WASI call of a core
// module; output and blocking waits of a component).

import { ControlCell } from './control-block.js';
import { linearMemoryBytes } from './outcome.js';

export class MemoryGauge {
  readonly #control: Int32Array;
  #instances: readonly WebAssembly.Instance[] = [];

  constructor(control: SharedArrayBuffer) {
    this.#control = new Int32Array(control);
  }

  /** The instances whose memories make up the guest. */
  track(instances: readonly WebAssembly.Instance[]): void {
    this.#instances = instances;
    this.update();
  }

  update(): void {
    const pages = Math.ceil(linearMemoryBytes(this.#instances) / 65536);
    Atomics.store(this.#control, ControlCell.memoryPages, pages);
  }

  /** `imports` with every function refreshing the gauge before it runs. */
  wrap(imports: WebAssembly.ModuleImports): WebAssembly.ModuleImports {
    const wrapped: WebAssembly.ModuleImports = {};
    for (const [name, value] of Object.entries(imports)) {
      if (typeof value !== 'function') {
        wrapped[name] = value;
        continue;
      }
      const fn = value as (...args: unknown[]) => unknown;
      wrapped[name] = (...args: unknown[]) => {
        this.update();
        return fn(...args);
      };
    }
    return wrapped;
  }
}
