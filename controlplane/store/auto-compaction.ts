// Automatic compaction, as kube-apiserver drives etcd's: every interval
// (5 minutes by default, its --etcd-compaction-interval), compact to the
// revision seen at the previous run, so a watch can always resume from any
// revision of the last interval; additionally keep at least
// `retainRevisions` revisions, so that a quiet store keeps some history.

import type { Store } from './types.js';

/** When the log is compacted automatically. */
export interface CompactionOptions {
  /** Milliseconds between runs (default 300,000: 5 minutes). */
  readonly intervalMs?: number;
  /** Revisions always kept behind the latest (default 1,000). */
  readonly retainRevisions?: number;
}

export const DEFAULT_COMPACTION: Required<CompactionOptions> = {
  intervalMs: 5 * 60_000,
  retainRevisions: 1_000,
};

/** A running compactor. */
export interface AutoCompaction {
  /** Stops the timer; waits for a run in progress. */
  stop(): Promise<void>;
}

type Compactable = Pick<Store, 'revision' | 'compactedRevision' | 'compact'>;

/** Starts compacting `store` by `options` (false: never). The timer does not keep the process alive. */
export function startAutoCompaction(
  store: Compactable,
  options: CompactionOptions | false | undefined,
): AutoCompaction {
  if (options === false) return { stop: async () => undefined };
  const { intervalMs, retainRevisions } = { ...DEFAULT_COMPACTION, ...options };
  let previous = store.revision();
  let running: Promise<void> | undefined;
  const run = (): void => {
    if (running) return;
    const latest = store.revision();
    const target = Math.min(previous, latest - retainRevisions);
    previous = latest;
    if (target <= store.compactedRevision()) return;
    running = store
      .compact(target)
      .catch((error: unknown) => {
        if ((error as { code?: unknown }).code === 'Closed') return;
        process.emitWarning(`automatic store compaction failed: ${String(error)}`);
      })
      .finally(() => (running = undefined));
  };
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
