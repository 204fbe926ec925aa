// poll_oneoff: wait for clocks and descriptors. Blocking is
// `ctx.waitForActivity(earliest deadline)` in a loop that re-checks every
// subscription, so a wake-up for stdin data ends the wait early and a stop
// (worker.terminate) interrupts it at once.

import { CLOCKID, ERRNO, EVENTTYPE, SIZE, SUBCLOCKFLAGS } from './constants.js';
import { WasiErrno } from './errno.js';
import type { FdEntry, FdTable } from './fd-table.js';
import type { Preview1State, WasiFunctions } from './state.js';

/** One decoded subscription. */
type Subscription =
  | { readonly userdata: bigint; readonly kind: 'clock'; readonly deadlineNs: bigint | undefined }
  | { readonly userdata: bigint; readonly kind: 'fd_read' | 'fd_write'; readonly fd: number };

/** One event to report. */
interface PollEvent {
  readonly userdata: bigint;
  readonly errno: number;
  readonly type: number;
  readonly nbytes: bigint;
}

const EVENT_TYPE = {
  clock: EVENTTYPE.CLOCK,
  fd_read: EVENTTYPE.FD_READ,
  fd_write: EVENTTYPE.FD_WRITE,
};

/**
 * Whether an fd subscription is ready now: an event (possibly an error event),
 * or undefined while it would still block.
 */
function checkFd(
  fds: FdTable,
  bytesLeft: (entry: FdEntry) => bigint,
  sub: Extract<Subscription, { kind: 'fd_read' | 'fd_write' }>,
): PollEvent | undefined {
  const type = EVENT_TYPE[sub.kind];
  const event = (errno: number, nbytes = 0n): PollEvent => ({
    userdata: sub.userdata,
    errno,
    type,
    nbytes,
  });
  let entry: FdEntry;
  try {
    entry = fds.get(sub.fd);
  } catch {
    return event(ERRNO.BADF);
  }
  switch (entry.kind) {
    case 'stdin':
      if (sub.kind === 'fd_write') return event(ERRNO.BADF);
      // The source cannot say how much is waiting; one byte is a truthful lower bound.
      return entry.source.ready() ? event(ERRNO.SUCCESS, 1n) : undefined;
    case 'stdout':
    case 'stderr':
      return sub.kind === 'fd_read' ? event(ERRNO.BADF) : event(ERRNO.SUCCESS);
    case 'fs':
      if (entry.handle.type === 'directory') return event(ERRNO.BADF);
      // Files never block; for reads, report what is left after the cursor.
      return sub.kind === 'fd_read' ? event(ERRNO.SUCCESS, bytesLeft(entry)) : event(ERRNO.SUCCESS);
  }
}

export function pollImports(state: Preview1State): WasiFunctions {
  const { ctx, memory, fds } = state;

  /** The monotonic instant a clock subscription fires; undefined for unsupported clocks. */
  const deadlineOf = (id: number, timeout: bigint, absolute: boolean): bigint | undefined => {
    const now = ctx.clocks.monotonicNs();
    if (id === CLOCKID.MONOTONIC) return absolute ? timeout : now + timeout;
    if (id === CLOCKID.REALTIME) {
      // Wall-clock deadlines are waited for on the monotonic clock.
      return absolute ? now + (timeout - ctx.clocks.realtimeNs()) : now + timeout;
    }
    return undefined;
  };

  const decode = (inPtr: number, count: number): Subscription[] => {
    const table = memory.view(inPtr, count * SIZE.SUBSCRIPTION);
    const subs: Subscription[] = [];
    for (let i = 0; i < count; i++) {
      const base = i * SIZE.SUBSCRIPTION;
      const userdata = table.getBigUint64(base, true);
      const tag = table.getUint8(base + 8);
      if (tag === EVENTTYPE.CLOCK) {
        const id = table.getUint32(base + 16, true);
        const timeout = table.getBigUint64(base + 24, true);
        const absolute =
          (table.getUint16(base + 40, true) & SUBCLOCKFLAGS.SUBSCRIPTION_CLOCK_ABSTIME) !== 0;
        subs.push({ userdata, kind: 'clock', deadlineNs: deadlineOf(id, timeout, absolute) });
      } else if (tag === EVENTTYPE.FD_READ || tag === EVENTTYPE.FD_WRITE) {
        const fd = table.getUint32(base + 16, true);
        subs.push({ userdata, kind: tag === EVENTTYPE.FD_READ ? 'fd_read' : 'fd_write', fd });
      } else {
        throw new WasiErrno(ERRNO.INVAL, `bad subscription tag ${tag}`);
      }
    }
    return subs;
  };

  const remaining = (entry: FdEntry): bigint => {
    if (entry.kind !== 'fs' || entry.handle.type !== 'regular-file') return 0n;
    const left = ctx.fs.stat(entry.handle).size - ctx.fs.seek(entry.handle, 0n, 'current');
    return left > 0n ? left : 0n;
  };

  const readyEvents = (subs: readonly Subscription[]): PollEvent[] => {
    const now = ctx.clocks.monotonicNs();
    const events: PollEvent[] = [];
    for (const sub of subs) {
      if (sub.kind === 'clock') {
        if (sub.deadlineNs === undefined) {
          events.push({
            userdata: sub.userdata,
            errno: ERRNO.INVAL,
            type: EVENTTYPE.CLOCK,
            nbytes: 0n,
          });
        } else if (now >= sub.deadlineNs) {
          events.push({
            userdata: sub.userdata,
            errno: ERRNO.SUCCESS,
            type: EVENTTYPE.CLOCK,
            nbytes: 0n,
          });
        }
        continue;
      }
      const event = checkFd(fds, remaining, sub);
      if (event !== undefined) events.push(event);
    }
    return events;
  };

  const writeEvents = (outPtr: number, events: readonly PollEvent[]): void => {
    const out = memory.view(outPtr, events.length * SIZE.EVENT);
    events.forEach((event, i) => {
      const base = i * SIZE.EVENT;
      for (let b = 0; b < SIZE.EVENT; b += 4) out.setUint32(base + b, 0, true);
      out.setBigUint64(base, event.userdata, true);
      out.setUint16(base + 8, event.errno, true);
      out.setUint8(base + 10, event.type);
      out.setBigUint64(base + 16, event.nbytes, true);
    });
  };

  return {
    poll_oneoff(inPtr: number, outPtr: number, count: number, eventCountPtr: number): number {
      const total = count >>> 0;
      if (total === 0) throw new WasiErrno(ERRNO.INVAL, 'no subscriptions');
      const subs = decode(inPtr, total);
      let earliest: bigint | undefined;
      for (const sub of subs) {
        if (sub.kind !== 'clock' || sub.deadlineNs === undefined) continue;
        if (earliest === undefined || sub.deadlineNs < earliest) earliest = sub.deadlineNs;
      }
      for (;;) {
        const events = readyEvents(subs);
        if (events.length > 0) {
          writeEvents(outPtr, events);
          memory.setU32(eventCountPtr, events.length);
          return ERRNO.SUCCESS;
        }
        ctx.waitForActivity(earliest);
      }
    },
  };
}
