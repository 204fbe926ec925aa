// The few integers a sandbox worker and its host share without messages.
//
// Messages cannot reach a worker that is blocked inside a guest's WASI call, so
// the host pokes shared memory instead: it bumps `activity` and notifies to wake a
// guest waiting for input, and reads `pendingOutputBytes` to apply back-pressure to
// a guest that writes faster than the host drains.

/** Index of each Int32 cell in the control block. */
export const ControlCell = {
  /** Incremented (and notified) whenever input may have arrived for the guest. */
  activity: 0,
  /** Output bytes posted by the worker and not yet consumed by the host. */
  pendingOutputBytes: 1,
  /** Guest linear memory in 64 KiB pages, refreshed at each host call. */
  memoryPages: 2,
} as const;

const CELLS = 4;

/** Above this much undrained output, a writing guest waits for the host. */
export const OUTPUT_HIGH_WATER_BYTES = 4 * 1024 * 1024;

/** Allocates a zeroed control block. */
export function createControlBlock(): SharedArrayBuffer {
  return new SharedArrayBuffer(CELLS * Int32Array.BYTES_PER_ELEMENT);
}

/** Host side: wake a guest that may be waiting for input. */
export function signalActivity(control: Int32Array): void {
  Atomics.add(control, ControlCell.activity, 1);
  Atomics.notify(control, ControlCell.activity);
}

/** Host side: `bytes` of posted output have been consumed. */
export function acknowledgeOutput(control: Int32Array, bytes: number): void {
  Atomics.sub(control, ControlCell.pendingOutputBytes, bytes);
  Atomics.notify(control, ControlCell.pendingOutputBytes);
}
