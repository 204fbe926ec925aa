// The Store on LMDB: one environment in the store directory with three
// named databases, all written in one transaction per write:
//
//   data   key              → { value, revision, createRevision }
//   log    [revision, key]  → LogEntry (the key is in the LMDB key so that
//                             prefix filtering reads no values)
//   meta   'revision'       → the latest revision
//          'compacted'      → the compaction point
//          'format'         → the layout version (1)
//
// Durability: lmdb-js's default `overlappingSync` resolves a write when it
// commits and flushes later; a commit is in the page cache, so it survives a
// kill of the process, but not an OS crash. This store turns overlappingSync
// off: the write thread fsyncs each commit before the write resolves (etcd's
// guarantee). Throughput comes from batching, not from skipping the fsync:
// lmdb-js gathers every write queued in one event turn into one transaction
// (`eventTurnBatching`, `commitDelay` 0), so concurrent writes share a commit
// and an fsync, and writes queued while one commits form the next batch.
//
// Each write is an asynchronous `transaction` callback: it runs on the main
// thread inside the batch's write transaction, reads the key and the revision
// there (seeing earlier writes of the batch), and writes the three records.
// Revisions are thus assigned and written atomically, in order, by one writer.
// A callback that throws does not abort the batch, so a write that fails
// half-way undoes what it wrote (only the first put, which encodes the value,
// can fail on the value). Child transactions would do that for us, but cost
// about a third of the throughput at 16 concurrent writers (measured).
//
// Committed writes are published to the watch hub, and `revision()`
// advances, in revision order (CommitSequencer); a write resolves after both.

import { mkdir } from 'node:fs/promises';
import { open, type Database, type RootDatabase, type Transaction } from 'lmdb';
import {
  startAutoCompaction,
  type AutoCompaction,
  type CompactionOptions,
} from './auto-compaction.js';
import { CommitSequencer } from './commit-sequencer.js';
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
import { deepFreeze, frozenCopy } from './frozen.js';
import { checkKey, prefixEnd } from './key-order.js';
import { assemblePage, beyondLatest, changesSince, pageLimit, type Change } from './list-page.js';
import { entryFor, eventOf, storedAfter, type LogEntry } from './log-entry.js';
import { isSmallValue, RecentValues } from './recent-values.js';
import { lockStore, type StoreLock } from './store-lock.js';
import {
  StoreError,
  type ListOptions,
  type ListResult,
  type Store,
  type StoreEvent,
  type Stored,
} from './types.js';
import { WatchHub } from './watch-hub.js';
import { eventsOf, openWatch, type LogRead, type ReplaySource } from './watch-stream.js';

/** How to open an LMDB store. */
export interface LmdbStoreOptions {
  /** The store's directory (created when missing); it holds the store and nothing else. */
  readonly path: string;
  /** Automatic compaction of the log; false: only `compact()`. Default: every 5 minutes. */
  readonly compaction?: CompactionOptions | false;
  /** Events a watcher may fall behind before it fails with WatcherTooSlow (default 10,000). */
  readonly maxBufferedEvents?: number;
}

interface DataRecord {
  readonly value: unknown;
  readonly revision: number;
  readonly createRevision: number;
}

type LogKey = [number, string];

const REVISION = 'revision';
const COMPACTED = 'compacted';
const FORMAT = 'format';
const LAYOUT_VERSION = 1;

/** Keys whose latest values gets answer from memory (see recent-values.ts). */
const RECENT_VALUES = 256;

/** Log entries removed per transaction when compacting (keeps each one short). */
const COMPACTION_CHUNK = 5_000;

function storedOf(key: string, record: DataRecord): Stored {
  return {
    key,
    value: record.value,
    revision: record.revision,
    createRevision: record.createRevision,
  };
}

class LmdbStore implements Store {
  readonly #env: RootDatabase<unknown, string>;
  readonly #data: Database<DataRecord, string>;
  readonly #log: Database<LogEntry, LogKey>;
  readonly #meta: Database<number, string>;
  readonly #lock: StoreLock;
  readonly #hub: WatchHub;
  /** Where this store's watches replay from. */
  readonly #replaySource: ReplaySource = {
    isClosed: () => this.#closed,
    readLog: (prefix, after, limit) => this.#readLog(prefix, after, limit),
  };
  readonly #sequencer: CommitSequencer;
  readonly #compaction: AutoCompaction;
  readonly #recent = new RecentValues(RECENT_VALUES);
  #compacted: number;
  /** Serialises compactions. */
  #compacting: Promise<void> = Promise.resolve();
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: LmdbStoreOptions, lock: StoreLock) {
    this.#lock = lock;
    this.#env = open<unknown, string>({ path: options.path, maxDbs: 4, overlappingSync: false });
    try {
      this.#data = this.#env.openDB<DataRecord, string>({ name: 'data' });
      this.#log = this.#env.openDB<LogEntry, LogKey>({ name: 'log' });
      this.#meta = this.#env.openDB<number, string>({ name: 'meta' });
      const format = this.#meta.get(FORMAT);
      if (format === undefined) this.#meta.putSync(FORMAT, LAYOUT_VERSION);
      else if (format !== LAYOUT_VERSION) {
        throw new Error(
          `the store at ${options.path} has layout ${format}; this Skiff reads ${LAYOUT_VERSION}`,
        );
      }
    } catch (error) {
      void this.#env.close();
      throw error;
    }
    this.#compacted = this.#meta.get(COMPACTED) ?? 0;
    this.#hub = new WatchHub(options.maxBufferedEvents);
    this.#sequencer = new CommitSequencer(this.#meta.get(REVISION) ?? 0, (event) =>
      this.#hub.publish(event),
    );
    this.#compaction = startAutoCompaction(this, options.compaction);
  }

  revision(): number {
    return this.#sequencer.revision;
  }

  compactedRevision(): number {
    return this.#compacted;
  }

  async get(key: string): Promise<Stored | undefined> {
    this.#assertOpen(key);
    const kept = this.#recent.get(key);
    if (kept !== undefined) return { ...kept, value: copyJson(kept.value) };
    const record = this.#data.get(key);
    if (record === undefined) return undefined;
    // Freshly decoded, so it is the caller's as it is; a small value is
    // kept frozen and the caller gets a copy.
    if (!isSmallValue(record.value)) return storedOf(key, record);
    const stored = storedOf(key, { ...record, value: deepFreeze(record.value) });
    this.#recent.record(stored);
    return { ...stored, value: copyJson(stored.value) };
  }

  // Pages after the first are read at the first page's revision, as etcd
  // serves them: the current keys corrected by the log since that revision
  // (list-page.ts). The token expires when compaction passes its revision.
  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.#assertOpen(prefix);
    const token = options.continue ? decodeContinue(options.continue, prefix) : undefined;
    const end = prefixEnd(prefix);
    const transaction = this.#env.useReadTransaction();
    try {
      const now = this.#meta.get(REVISION, { transaction }) ?? 0;
      const at = token?.revision ?? options.revision ?? now;
      const compacted = this.#meta.get(COMPACTED, { transaction }) ?? 0;
      if (at < compacted) throw compactedError(prefix, at, compacted);
      if (at > now) throw beyondLatest(token !== undefined, at, now);
      const after = token?.after;
      const changes: Map<string, Change> =
        at < now
          ? changesSince(this.#entriesAfter(at, prefix, transaction), prefix, after)
          : new Map();
      const range = {
        start: after ?? prefix,
        exclusiveStart: after !== undefined,
        ...(end === undefined ? {} : { end }),
        transaction,
      };
      const current = this.#data.getRange(range).map(({ key, value }) => storedOf(key, value));
      const page = assemblePage({
        current,
        changes,
        limit: pageLimit(options.limit),
        countAfter: (key) =>
          this.#data.getKeysCount({ ...range, start: key, exclusiveStart: true }),
      });
      const last = page.items[page.items.length - 1];
      return {
        items: page.items,
        revision: at,
        ...(page.remaining !== undefined && last
          ? {
              continue: encodeContinue({ revision: at, after: last.key }),
              remaining: page.remaining,
            }
          : {}),
      };
    } finally {
      transaction.done();
    }
  }

  async create(key: string, value: unknown): Promise<Stored> {
    this.#assertOpen(key);
    checkKey(key);
    const copy = frozenCopy(value);
    return this.#write(key, (current, revision) => {
      if (current) return alreadyExists(key);
      return entryFor(key, revision, undefined, copy, false);
    });
  }

  async update(key: string, value: unknown, expectedRevision?: number): Promise<Stored> {
    this.#assertOpen(key);
    checkKey(key);
    const copy = frozenCopy(value);
    return this.#write(key, (current, revision) => {
      const refusal = refuse(key, current, expectedRevision);
      return refusal ?? entryFor(key, revision, current, copy, false);
    });
  }

  async delete(key: string, expectedRevision?: number): Promise<Stored> {
    this.#assertOpen(key);
    checkKey(key);
    return this.#write(key, (current, revision) => {
      const refusal = refuse(key, current, expectedRevision);
      return refusal ?? entryFor(key, revision, current, undefined, true);
    });
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
    const run = this.#compacting.then(() => this.#compactTo(revision));
    this.#compacting = run.catch(() => undefined);
    await run;
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#closed = true;
    this.#recent.clear();
    this.#hub.close();
    await this.#compaction.stop();
    await this.#compacting;
    // Waits for the writes in flight to commit.
    await this.#env.close();
    this.#lock.release();
  }

  #assertOpen(key = ''): void {
    if (this.#closed) throw closedError(key);
  }

  /**
   * Runs `decide` on the key's current value inside a write transaction with
   * the revision the write would get; writes the log entry it returns, or
   * refuses with the StoreError it returns.
   */
  async #write(
    key: string,
    decide: (current: Stored | undefined, revision: number) => LogEntry | StoreError,
  ): Promise<Stored> {
    const outcome = await this.#env.transaction((): LogEntry | StoreError => {
      const record = this.#data.get(key);
      const revision = (this.#meta.get(REVISION) ?? 0) + 1;
      const entry = decide(record && storedOf(key, record), revision);
      if (entry instanceof StoreError) return entry;
      try {
        if (entry.type === 'DELETED') this.#data.remove(key);
        else {
          const value: DataRecord = {
            value: entry.value,
            revision,
            createRevision: entry.createRevision,
          };
          this.#data.put(key, value);
        }
        this.#log.put([revision, key], entry);
        this.#meta.put(REVISION, revision);
      } catch (error) {
        this.#undo(key, record, revision);
        throw error;
      }
      return entry;
    });
    if (outcome instanceof StoreError) throw outcome;
    // LMDB resolves writes in commit order, so this runs in revision order:
    // a get from now on sees this write, as one reading LMDB would.
    const stored = storedAfter(outcome);
    // A big value is read from LMDB each time (and must not leave an older one behind).
    if (outcome.type === 'DELETED' || !isSmallValue(stored.value)) this.#recent.forget(key);
    else this.#recent.record(stored);
    await this.#sequencer.committed(eventOf(outcome));
    return { ...stored, value: copyJson(stored.value) };
  }

  /** Puts back what a failed write at `revision` may have written. */
  #undo(key: string, record: DataRecord | undefined, revision: number): void {
    try {
      if (record) this.#data.put(key, record);
      else this.#data.remove(key);
      this.#log.remove([revision, key]);
    } catch {
      // The write failed on the environment itself; its batch will not commit.
    }
  }

  /** Log entries under `prefix` after revision `after`, read in `transaction`. */
  *#entriesAfter(after: number, prefix: string, transaction: Transaction): Generator<LogEntry> {
    for (const logKey of this.#log.getKeys({ start: [after + 1], transaction })) {
      if (!logKey[1].startsWith(prefix)) continue;
      const entry = this.#log.get(logKey, { transaction });
      if (entry) yield entry;
    }
  }

  #readLog(prefix: string, after: number, limit: number): LogRead {
    const transaction = this.#env.useReadTransaction();
    try {
      const now = this.#meta.get(REVISION, { transaction }) ?? 0;
      const compacted = this.#meta.get(COMPACTED, { transaction }) ?? 0;
      if (after < compacted) throw compactedError(prefix, after, compacted);
      const events: StoreEvent[] = [];
      for (const entry of this.#entriesAfter(after, prefix, transaction)) {
        events.push(eventOf(entry));
        if (events.length >= limit) return { events, through: entry.revision };
      }
      return { events, through: Math.max(after, now) };
    } finally {
      transaction.done();
    }
  }

  // The compaction point moves in the same transaction as the first removals,
  // so a reader sees either the old point and the whole log, or the new one;
  // the rest is removed in short transactions that do not stall writes.
  async #compactTo(revision: number): Promise<void> {
    const target = Math.min(revision, this.revision());
    if (target <= this.#compacted) return;
    let first = true;
    for (;;) {
      if (this.#closed) return;
      const removed = await this.#env.transaction(() => {
        if (first && target > (this.#meta.get(COMPACTED) ?? 0)) this.#meta.put(COMPACTED, target);
        const keys = [...this.#log.getKeys({ end: [target + 1], limit: COMPACTION_CHUNK })];
        for (const key of keys) this.#log.remove(key);
        return keys.length;
      });
      if (first) this.#compacted = Math.max(this.#compacted, target);
      first = false;
      if (removed < COMPACTION_CHUNK) return;
    }
  }
}

/** Refuses an update or delete of `current`: absent, or not at `expectedRevision`. */
function refuse(
  key: string,
  current: Stored | undefined,
  expectedRevision: number | undefined,
): StoreError | undefined {
  if (!current) return notFound(key);
  if (expectedRevision !== undefined && expectedRevision !== current.revision) {
    return conflict(key, current.revision, expectedRevision);
  }
  return undefined;
}

/**
 * Opens (creating when missing) the LMDB store in directory `options.path`.
 * Refuses, naming the directory, when another live process has it open.
 */
export async function openLmdbStore(options: LmdbStoreOptions): Promise<Store> {
  await mkdir(options.path, { recursive: true });
  const lock = lockStore(options.path);
  try {
    return new LmdbStore(options, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}
