// The on-disk layout of the LMDB store, and the migration of an older one.
//
//   1  records and log entries as msgpack objects (lmdb-js' default encoding)
//   2  records and log entries as JSON text (lmdb-records.ts)
//
// A store of layout 1 is rewritten to layout 2 when opened, in one write
// transaction: a crash during the migration leaves the store as it was.

import type { Database, Key, RootDatabase } from 'lmdb';
import { encodeLogEntry, encodeRecord, type DataRecord } from './lmdb-records.js';
import type { LogEntry } from './log-entry.js';

/** The layout this code reads and writes. */
export const LAYOUT_VERSION = 2;

const FORMAT = 'format';

/** The names of the store's databases (all in one environment). */
export const DATABASES = { data: 'data', log: 'log', meta: 'meta' } as const;

/**
 * Brings the store in `env` to LAYOUT_VERSION: records it in a new store,
 * migrates an older one, refuses (naming `path`) one newer than this code.
 */
export function settleLayout(env: RootDatabase<unknown, string>, path: string): void {
  const meta = env.openDB<number, string>({ name: DATABASES.meta });
  const format = meta.get(FORMAT);
  if (format === LAYOUT_VERSION) return;
  if (format === undefined) {
    meta.putSync(FORMAT, LAYOUT_VERSION);
    return;
  }
  if (format !== 1) {
    throw new Error(
      `the store at ${path} has layout ${format}; this Skiff reads layouts 1 and ${LAYOUT_VERSION}`,
    );
  }
  env.transactionSync(() => {
    migrateFromMsgpack(env);
    meta.putSync(FORMAT, LAYOUT_VERSION);
  });
}

/** Records rewritten per read: the migration holds this many decoded values at a time. */
const MIGRATION_CHUNK = 1_000;

function migrateFromMsgpack(env: RootDatabase<unknown, string>): void {
  const oldData = env.openDB<DataRecord, string>({ name: DATABASES.data });
  const newData = env.openDB<string, string>({ name: DATABASES.data, encoding: 'string' });
  rewrite(oldData, (key, value) =>
    newData.putSync(
      key,
      encodeRecord(value.revision, value.createRevision, JSON.stringify(value.value)),
    ),
  );
  const oldLog = env.openDB<LogEntry, [number, string]>({ name: DATABASES.log });
  const newLog = env.openDB<string, [number, string]>({ name: DATABASES.log, encoding: 'string' });
  rewrite(oldLog, (key, value) => newLog.putSync(key, logEntryText(value)));
}

/**
 * Reads every entry of `database` in key order, a chunk at a time, and
 * hands it to `write`; each chunk starts after the last key written, so
 * that a rewritten entry is never read back in the old encoding.
 */
function rewrite<V, K extends Key>(
  database: Database<V, K>,
  write: (key: K, value: V) => void,
): void {
  let after: K | undefined;
  for (;;) {
    const range = after === undefined ? {} : { start: after, exclusiveStart: true };
    const chunk = [...database.getRange({ ...range, limit: MIGRATION_CHUNK })];
    for (const { key, value } of chunk) write(key, value);
    const last = chunk[chunk.length - 1];
    if (chunk.length < MIGRATION_CHUNK || last === undefined) return;
    after = last.key;
  }
}

function logEntryText(entry: LogEntry): string {
  const previous =
    entry.type === 'ADDED'
      ? undefined
      : {
          revision: entry.previousRevision ?? 0,
          createRevision: entry.createRevision,
          valueJson: JSON.stringify(entry.previous),
        };
  return encodeLogEntry({
    key: entry.key,
    revision: entry.revision,
    createRevision: entry.createRevision,
    valueJson: entry.type === 'DELETED' ? undefined : JSON.stringify(entry.value),
    previous,
  });
}
