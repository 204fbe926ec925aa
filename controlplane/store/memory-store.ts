// A Store in memory: the same contract as the LMDB store without the disk,
// for tests and for embedding. Writes are synchronous under their promises,
// so each one is atomic by construction. Stored values are frozen copies,
// shared with the log and the watchers; reads hand out fresh copies.

import {
  startAutoCompaction,
  type AutoCompaction,
  type CompactionOptions,
} from './auto-compaction.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import {
  alreadyExists,
  checkRevision,
  closedError,
  compactedError,
  conflict,
  notFound,
} from './errors.js';
import { copyJson } from '../api/json-values.js';
import { frozenCopy } from './frozen.js';
import { checkKey, lowerBound, prefixEnd } from './key-order.js';
import { assemblePage, beyondLatest, changesSince, pageLimit, type Change } from './list-page.js';
import { entryFor, eventOf, storedAfter, type LogEntry } from './log-entry.js';
import type { ListOptions, ListResult, Store, StoreEvent, Stored } from './types.js';
import { WatchHub } from './watch-hub.js';
import { eventsOf, openWatch, type LogRead, type ReplaySource } from './watch-stream.js';

/** How a MemoryStore behaves. */
export interface MemoryStoreOptions {
  /** Automatic compaction of the log; false: only `compact()`. Default: every 5 minutes. */
  readonly compaction?: CompactionOptions | false;
  /** Events a watcher may fall behind before it fails with WatcherTooSlow (default 10,000). */
  readonly maxBufferedEvents?: number;
}

/** A copy the caller may change. */
function copyOf(stored: Stored): Stored {
  return { ...stored, value: copyJson(stored.value) };
}

/** The Store in memory: nothing outlives the process. */
export class MemoryStore implements Store {
  #revision = 0;
  #compacted = 0;
  readonly #data = new Map<string, Stored>();
  /** The keys of #data, in key order. */
  readonly #keys: string[] = [];
  /** Entries for revisions #compacted + 1 … #revision, in order: entry i is revision #compacted + 1 + i. */
  #log: LogEntry[] = [];
  readonly #hub: WatchHub;
  /** Where this store's watches replay from. */
  readonly #replaySource: ReplaySource = {
    isClosed: () => this.#closed,
    readLog: (prefix, after, limit) => this.#readLog(prefix, after, limit),
  };
  readonly #compaction: AutoCompaction;
  #closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.#hub = new WatchHub(options.maxBufferedEvents);
    this.#compaction = startAutoCompaction(this, options.compaction);
  }

  revision(): number {
    return this.#revision;
  }

  compactedRevision(): number {
    return this.#compacted;
  }

  async get(key: string): Promise<Stored | undefined> {
    this.#assertOpen(key);
    const stored = this.#data.get(key);
    return stored && copyOf(stored);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.#assertOpen(prefix);
    const token = options.continue ? decodeContinue(options.continue, prefix) : undefined;
    const at = token?.revision ?? options.revision ?? this.#revision;
    if (at < this.#compacted) throw compactedError(prefix, at, this.#compacted);
    if (at > this.#revision) throw beyondLatest(token !== undefined, at, this.#revision);
    const after = token?.after;
    const changes: Map<string, Change> =
      at < this.#revision ? changesSince(this.#logAfter(at), prefix, after) : new Map();
    const [start, end] = this.#range(prefix, after);
    const keys = this.#keys;
    const data = this.#data;
    function* current(): Generator<Stored> {
      for (let i = start; i < end; i++) yield data.get(keys[i] as string) as Stored;
    }
    const page = assemblePage({
      current: current(),
      changes,
      limit: pageLimit(options.limit),
      countAfter: (key) => end - lowerBound(keys, key) - (data.has(key) ? 1 : 0),
    });
    const last = page.items[page.items.length - 1];
    return {
      items: page.items.map(copyOf),
      revision: at,
      ...(page.remaining !== undefined && last
        ? { continue: encodeContinue({ revision: at, after: last.key }), remaining: page.remaining }
        : {}),
    };
  }

  async create(key: string, value: unknown): Promise<Stored> {
    this.#assertOpen(key);
    checkKey(key);
    if (this.#data.has(key)) throw alreadyExists(key);
    return this.#write(entryFor(key, this.#revision + 1, undefined, frozenCopy(value), false));
  }

  async update(key: string, value: unknown, expectedRevision?: number): Promise<Stored> {
    const current = this.#current(key, expectedRevision);
    return this.#write(entryFor(key, this.#revision + 1, current, frozenCopy(value), false));
  }

  async delete(key: string, expectedRevision?: number): Promise<Stored> {
    const current = this.#current(key, expectedRevision);
    return this.#write(entryFor(key, this.#revision + 1, current, undefined, true));
  }

  watch(prefix: string, afterRevision: number, signal: AbortSignal): AsyncIterable<StoreEvent> {
    return eventsOf(this.watchBatches(prefix, afterRevision, signal), signal);
  }

  watchBatches(
    prefix: string,
    afterRevision: number,
    signal: AbortSignal,
  ): AsyncIterable<readonly StoreEvent[]> {
    return openWatch(this.#hub, this.#replaySource, prefix, afterRevision, signal);
  }

  async compact(revision: number): Promise<void> {
    this.#assertOpen();
    checkRevision(revision, 'the compaction revision');
    const target = Math.min(revision, this.#revision);
    if (target <= this.#compacted) return;
    this.#log = this.#log.slice(target - this.#compacted);
    this.#compacted = target;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#hub.close();
    await this.#compaction.stop();
  }

  #assertOpen(key = ''): void {
    if (this.#closed) throw closedError(key);
  }

  /** The key's value for an update or delete, checked against `expectedRevision`. */
  #current(key: string, expectedRevision: number | undefined): Stored {
    this.#assertOpen(key);
    const current = this.#data.get(key);
    if (!current) throw notFound(key);
    if (expectedRevision !== undefined && expectedRevision !== current.revision) {
      throw conflict(key, current.revision, expectedRevision);
    }
    return current;
  }

  #write(entry: LogEntry): Stored {
    const stored = storedAfter(entry);
    if (entry.type === 'DELETED') {
      this.#data.delete(entry.key);
      this.#keys.splice(lowerBound(this.#keys, entry.key), 1);
    } else {
      if (entry.type === 'ADDED')
        this.#keys.splice(lowerBound(this.#keys, entry.key), 0, entry.key);
      this.#data.set(entry.key, stored);
    }
    this.#log.push(entry);
    this.#revision = entry.revision;
    this.#hub.publish(eventOf(entry));
    return copyOf(stored);
  }

  /** Log entries with revision > `after` (≥ the compaction point). */
  *#logAfter(after: number): Generator<LogEntry> {
    for (let i = after - this.#compacted; i < this.#log.length; i++) yield this.#log[i] as LogEntry;
  }

  /** The index range of #keys under `prefix` and after `after`. */
  #range(prefix: string, after: string | undefined): [number, number] {
    const end = prefixEnd(prefix);
    const hi = end === undefined ? this.#keys.length : lowerBound(this.#keys, end);
    let lo = lowerBound(this.#keys, after ?? prefix);
    if (after !== undefined && this.#keys[lo] === after) lo++;
    return [lo, hi];
  }

  #readLog(prefix: string, after: number, limit: number): LogRead {
    if (after < this.#compacted) throw compactedError(prefix, after, this.#compacted);
    const events: StoreEvent[] = [];
    for (const entry of this.#logAfter(after)) {
      if (!entry.key.startsWith(prefix)) continue;
      events.push(eventOf(entry));
      if (events.length >= limit) return { events, through: entry.revision };
    }
    return { events, through: Math.max(after, this.#revision) };
  }
}
