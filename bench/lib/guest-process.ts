// A whole process hosting one guest on its main thread: the "child process per
// container" isolation model measured by isolation-models.ts. Prints "ready"
// once the guest is about to run, then runs `busybox` with the given args.

import { readFile } from 'node:fs/promises';
import { createGuestFileSystem } from '../../runtime/wasm/guest/fs/index.js';
import { WasiPreview1 } from '../../runtime/wasm/guest/wasi-p1/index.js';
import { GuestExit } from '../../runtime/wasm/guest/context.js';
import type { GuestContext } from '../../runtime/wasm/guest/context.js';
import { samples } from './guests.js';

const control = new Int32Array(new SharedArrayBuffer(4));
const ctx: GuestContext = {
  args: ['busybox', ...process.argv.slice(2)],
  env: [['HOSTNAME', 'child']],
  stdin: { read: () => null, ready: () => true },
  stdout: { write: (data) => void process.stdout.write(data) },
  stderr: { write: (data) => void process.stderr.write(data) },
  fs: createGuestFileSystem([]),
  clocks: {
    realtimeNs: () => BigInt(Date.now()) * 1_000_000n,
    monotonicNs: () => process.hrtime.bigint(),
    cpuTimeNs: () => process.hrtime.bigint(),
    resolutionNs: 1000n,
  },
  randomFill: (target) => void crypto.getRandomValues(target),
  waitForActivity(deadlineNs) {
    const timeout =
      deadlineNs === undefined ? Infinity : Number(deadlineNs - process.hrtime.bigint()) / 1e6;
    Atomics.wait(control, 0, 0, Math.max(0, timeout));
  },
};
const module = await WebAssembly.compile(await readFile(samples.busybox));
const wasi = new WasiPreview1(ctx);
const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.imports });
wasi.attach(instance.exports.memory as WebAssembly.Memory);
process.stderr.write('ready\n');
try {
  (instance.exports._start as () => void)();
} catch (error) {
  if (!(error instanceof GuestExit)) throw error;
  process.exitCode = error.code;
}
