// The Store on LMDB: one environment in the store directory with three
// named databases, all written in one transaction per write:
//
//   data   key              → [revision, createRevision, value] (JSON text)
//   log    [revision, key]  → the log entry (JSON text; the key is in the
//                             LMDB key so that prefix filtering reads no values)
//   meta   'revision'       → the latest revision
//          'compacted'      → the compaction point
//          'format'         → the layout version (lmdb-layout.ts)
//
// Records are JSON text (lmdb-records.ts) so that a write serialises its
// value once, for both records.
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
// thread inside the batch's write transaction, reads the key's record and the
// revision there (seeing earlier writes of the batch), and writes the three
// records.
// Revisions are thus assigned and written atomically, in order, by one writer.
// A callback that throws does not abort the batch, so a write that fails
// half-way (a full map) undoes what it wrote. Child transactions would do
// that for us, but cost about a third of the throughput at 16 concurrent
// writers (measured).
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
import { DATABASES, settleLayout } from './lmdb-layout.js';
import {
  decodeLogEntry,
  decodeRecord,
  encodeLogEntry,
  encodeRecord,
  splitRecord,
  type DataRecord,
  type RecordText,
} from './lmdb-records.js';
import { entryFor, eventOf, storedAfter, type LogEntry } from './log-entry.js';
import { MAX_KEPT_VALUE_BYTES, RecentValues } from './recent-values.js';
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

type LogKey = [number, string];

/** What a write transaction did: the write's revision, and the key's record before it. */
interface Written {
  readonly revision: number;
  readonly current: RecordText | undefined;
}

const REVISION = 'revision';
const COMPACTED = 'compacted';

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
  readonly #data: Database<string, string>;
  readonly #log: Database<string, LogKey>;
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
      settleLayout(this.#env, options.path);
      this.#data = this.#env.openDB<string, string>({ name: DATABASES.data, encoding: 'string' });
      this.#log = this.#env.openDB<string, LogKey>({ name: DATABASES.log, encoding: 'string' });
      this.#meta = this.#env.openDB<number, string>({ name: DATABASES.meta });
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
    const text = this.#data.get(key);
    if (text === undefined) return undefined;
    // Freshly decoded, so it is the caller's as it is; a small value is
    // kept frozen and the caller gets a copy.
    const record = decodeRecord(text);
    if (text.length > MAX_KEPT_VALUE_BYTES) return storedOf(key, record);
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
      const current = this.#data
        .getRange(range)
        .map(({ key, value }) => storedOf(key, decodeRecord(value)));
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
    return this.#write(key, value, (current) => (current ? alreadyExists(key) : undefined));
  }

  async update(key: string, value: unknown, expectedRevision?: number): Promise<Stored> {
    this.#assertOpen(key);
    checkKey(key);
    return this.#write(key, value, (current) => refuse(key, current, expectedRevision));
  }

  async delete(key: string, expectedRevision?: number): Promise<Stored> {
    this.#assertOpen(key);
    checkKey(key);
    return this.#write(key, DELETE, (current) => refuse(key, current, expectedRevision));
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
   * Writes `written` (the caller's value: the store keeps a frozen copy, and
   * the caller gets its own object back) or deletes the key in a write
   * transaction, unless `refusal`, given the key's current record, returns
   * the StoreError to refuse with.
   */
  async #write(
    key: string,
    written: unknown,
    refusal: (current: RecordText | undefined) => StoreError | undefined,
  ): Promise<Stored> {
    const value = written === DELETE ? DELETE : frozenCopy(written);
    const valueJson = value === DELETE ? undefined : jsonOf(key, value);
    const outcome = await this.#env.transaction((): Written | StoreError => {
      const text = this.#data.get(key);
      const current = text === undefined ? undefined : splitRecord(text);
      const refused = refusal(current);
      if (refused) return refused;
      const revision = (this.#meta.get(REVISION) ?? 0) + 1;
      const createRevision = current?.createRevision ?? revision;
      try {
        if (valueJson === undefined) this.#data.remove(key);
        else this.#data.put(key, encodeRecord(revision, createRevision, valueJson));
        const entry = { key, revision, createRevision, valueJson, previous: current };
        this.#log.put([revision, key], encodeLogEntry(entry));
        this.#meta.put(REVISION, revision);
      } catch (error) {
        this.#undo(key, text, revision);
        throw error;
      }
      return { revision, current };
    });
    if (outcome instanceof StoreError) throw outcome;
    // LMDB resolves writes in commit order, so this runs in revision order:
    // a get from now on sees this write, as one reading LMDB would.
    const { revision, current } = outcome;
    const before = current && {
      key,
      value: this.#valueOf(key, current),
      revision: current.revision,
      createRevision: current.createRevision,
    };
    const entry = entryFor(key, revision, before, value, value === DELETE);
    const stored = storedAfter(entry);
    // A big value is read from LMDB each time (and must not leave an older one behind).
    if (valueJson === undefined || valueJson.length > MAX_KEPT_VALUE_BYTES)
      this.#recent.forget(key);
    else this.#recent.record(stored);
    await this.#sequencer.committed(eventOf(entry));
    // A delete answers with the value it removed, which the store shares.
    return { ...stored, value: written === DELETE ? copyJson(stored.value) : written };
  }

  /** The value of `record` (frozen): as kept in memory when it is that revision's, else parsed. */
  #valueOf(key: string, record: RecordText): unknown {
    const kept = this.#recent.get(key);
    if (kept?.revision === record.revision) return kept.value;
    return deepFreeze(JSON.parse(record.valueJson) as unknown);
  }

  /** Puts back what a failed write at `revision` may have written (`text`: the key's record before). */
  #undo(key: string, text: string | undefined, revision: number): void {
    try {
      if (text !== undefined) this.#data.put(key, text);
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
      const text = this.#log.get(logKey, { transaction });
      if (text !== undefined) yield decodeLogEntry(text);
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

/** The value a write passes to delete its key. */
const DELETE: unique symbol = Symbol('delete');

/** `value` as JSON; a TypeError, naming the key, when it has none (undefined, a function). */
function jsonOf(key: string, value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  if (json === undefined) throw new TypeError(`the value for ${key} is not JSON`);
  return json;
}

/** Refuses an update or delete of `current`: absent, or not at `expectedRevision`. */
function refuse(
  key: string,
  current: RecordText | undefined,
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
