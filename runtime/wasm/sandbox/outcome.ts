// Turns however a guest's run ended into a TaskOutcome.

import { GuestExit } from '../guest/context.js';
import type { TaskOutcome } from './protocol.js';

const OOM_GLOBAL_EXPORT = 'skiff:oom';

/** True when any of `instances` hit its memory limit (the rewrite's `skiff:oom` flag). */
export function hitMemoryLimit(instances: readonly WebAssembly.Instance[]): boolean {
  return instances.some((instance) => {
    const flag = instance.exports[OOM_GLOBAL_EXPORT];
    return flag instanceof WebAssembly.Global && flag.value === 1;
  });
}

/** Bytes of linear memory held by `instances` (every exported memory counted once). */
export function linearMemoryBytes(instances: readonly WebAssembly.Instance[]): number {
  const seen = new Set<WebAssembly.Memory>();
  for (const instance of instances) {
    for (const value of Object.values(instance.exports)) {
      if (value instanceof WebAssembly.Memory) seen.add(value);
    }
  }
  let total = 0;
  for (const memory of seen) total += memory.buffer.byteLength;
  return total;
}

/** The outcome of a run that threw `error`. */
export function outcomeOfError(
  error: unknown,
  instances: readonly WebAssembly.Instance[],
): TaskOutcome {
  if (error instanceof GuestExit) return { kind: 'exit', code: error.code };
  if (hitMemoryLimit(instances)) {
    return {
      kind: 'trap',
      message: 'the guest tried to grow its memory past its limit',
      oom: true,
    };
  }
  if (error instanceof WebAssembly.RuntimeError) {
    return { kind: 'trap', message: `wasm trap: ${error.message}`, oom: false };
  }
  if (error instanceof RangeError && /call stack/.test(error.message)) {
    return { kind: 'trap', message: 'wasm trap: call stack exhausted', oom: false };
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { kind: 'trap', message, oom: false };
}
