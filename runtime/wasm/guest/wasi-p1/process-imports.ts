// Preview 1 imports about the process: args, environment, clocks, randomness,
// exit and signals.

import { GuestExit } from '../context.js';
import { CLOCKID, ERRNO } from './constants.js';
import { WasiErrno } from './errno.js';
import { GuestMemory } from './memory.js';
import type { Preview1State, WasiFunctions } from './state.js';

/** NUL-terminated UTF-8 strings laid out as args_get/environ_get write them. */
interface StringList {
  readonly items: readonly Uint8Array[];
  readonly bufferSize: number;
}

function stringList(values: readonly string[]): StringList {
  const items = values.map((value) => GuestMemory.encode(value + '\0'));
  return { items, bufferSize: items.reduce((sum, item) => sum + item.length, 0) };
}

function writeStringList(
  memory: GuestMemory,
  list: StringList,
  pointersPtr: number,
  bufferPtr: number,
): number {
  let offset = 0;
  list.items.forEach((item, i) => {
    memory.setU32(pointersPtr + i * 4, (bufferPtr >>> 0) + offset);
    memory.bytes(bufferPtr + offset, item.length).set(item);
    offset += item.length;
  });
  return ERRNO.SUCCESS;
}

// proc_raise: signals whose default action is not to terminate. The stop
// signals are here too: nothing could ever continue a stopped guest.
const NON_TERMINATING_SIGNALS: ReadonlySet<number> = new Set([
  13, // pipe (preview 1 defines its action as "ignored")
  16, // chld
  17, // cont
  18, // stop
  19, // tstp
  20, // ttin
  21, // ttou
  22, // urg
  27, // winch
]);
const LAST_SIGNAL = 30; // sys

/** Linux's number for preview 1 signal `sig` (they agree up to SIGTERM, then Linux has SIGSTKFLT). */
function linuxSignalNumber(sig: number): number {
  return sig <= 15 ? sig : sig + 1;
}

// randomFill implementations may cap one request (Web Crypto's is 65536 bytes).
const RANDOM_CHUNK = 65536;

export function processImports(state: Preview1State): WasiFunctions {
  const { ctx, memory } = state;
  const args = stringList(ctx.args);
  const environ = stringList(ctx.env.map(([name, value]) => `${name}=${value}`));

  const clockNow = (id: number): bigint => {
    switch (id) {
      case CLOCKID.REALTIME:
        return ctx.clocks.realtimeNs();
      case CLOCKID.MONOTONIC:
        return ctx.clocks.monotonicNs();
      case CLOCKID.PROCESS_CPUTIME_ID:
      case CLOCKID.THREAD_CPUTIME_ID:
        return ctx.clocks.cpuTimeNs();
      default:
        throw new WasiErrno(ERRNO.INVAL, `unknown clock ${id}`);
    }
  };

  return {
    args_sizes_get(countPtr: number, sizePtr: number): number {
      memory.setU32(countPtr, args.items.length);
      memory.setU32(sizePtr, args.bufferSize);
      return ERRNO.SUCCESS;
    },
    args_get(argvPtr: number, bufferPtr: number): number {
      return writeStringList(memory, args, argvPtr, bufferPtr);
    },
    environ_sizes_get(countPtr: number, sizePtr: number): number {
      memory.setU32(countPtr, environ.items.length);
      memory.setU32(sizePtr, environ.bufferSize);
      return ERRNO.SUCCESS;
    },
    environ_get(environPtr: number, bufferPtr: number): number {
      return writeStringList(memory, environ, environPtr, bufferPtr);
    },
    clock_res_get(id: number, resolutionPtr: number): number {
      clockNow(id); // validates the id
      memory.setU64(resolutionPtr, ctx.clocks.resolutionNs);
      return ERRNO.SUCCESS;
    },
    clock_time_get(id: number, _precision: bigint, timePtr: number): number {
      memory.setU64(timePtr, clockNow(id));
      return ERRNO.SUCCESS;
    },
    random_get(bufferPtr: number, length: number): number {
      const total = length >>> 0;
      memory.bytes(bufferPtr, total); // EFAULT before filling anything
      for (let offset = 0; offset < total; offset += RANDOM_CHUNK) {
        ctx.randomFill(memory.bytes(bufferPtr + offset, Math.min(RANDOM_CHUNK, total - offset)));
      }
      return ERRNO.SUCCESS;
    },
    proc_exit(code: number): number {
      // Only the low 8 bits of an exit status reach a parent (as with _exit(2)).
      throw new GuestExit(code & 0xff);
    },
    proc_raise(sig: number): number {
      if (sig <= 0 || sig > LAST_SIGNAL) throw new WasiErrno(ERRNO.INVAL, `bad signal ${sig}`);
      if (NON_TERMINATING_SIGNALS.has(sig)) return ERRNO.SUCCESS;
      throw new GuestExit(128 + linuxSignalNumber(sig));
    },
    sched_yield(): number {
      // The guest owns its thread; there is nobody to yield to.
      return ERRNO.SUCCESS;
    },
  };
}
