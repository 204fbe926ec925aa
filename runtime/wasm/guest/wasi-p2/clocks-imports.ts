// `wasi:clocks/*` from the guest context's clocks: a monotonic clock with
// pollables that become ready at an instant, a wall clock, and (an unstable
// interface some toolchains import) a timezone that is always UTC, since a
// pod's guests get no host timezone.

import type { Datetime } from '@bytecodealliance/preview2-shim/interfaces/wasi-clocks-wall-clock';
import type { GuestClocks } from '../context.js';
import type { WasiStreamFactory } from './io/stream-factory.js';

const NS_PER_SECOND = 1_000_000_000n;

/** Nanoseconds as a WASI `datetime`. */
export function toDatetime(ns: bigint): Datetime {
  return { seconds: ns / NS_PER_SECOND, nanoseconds: Number(ns % NS_PER_SECOND) };
}

/** The `wasi:clocks/*` interfaces for one guest. */
export function createClockImports(
  clocks: GuestClocks,
  streams: WasiStreamFactory,
): Record<string, object> {
  const untilInstant = (when: bigint) =>
    streams.deadlinePollable(when, () => clocks.monotonicNs() >= when);
  return {
    'wasi:clocks/monotonic-clock': {
      now: () => clocks.monotonicNs(),
      resolution: () => clocks.resolutionNs,
      subscribeInstant: (when: bigint) => untilInstant(when),
      subscribeDuration: (duration: bigint) => untilInstant(clocks.monotonicNs() + duration),
    },
    'wasi:clocks/wall-clock': {
      now: () => toDatetime(clocks.realtimeNs()),
      resolution: () => toDatetime(clocks.resolutionNs),
    },
    'wasi:clocks/timezone': {
      display: () => ({ utcOffset: 0, name: 'UTC', inDaylightSavingTime: false }),
      utcOffset: () => 0,
    },
  };
}
