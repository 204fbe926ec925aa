// How far a quiet watch may say it has got. A BOOKMARK carries a
// resourceVersion the client resumes from; Kubernetes gives it the watch
// cache's progress (the latest revision of the whole store), so that a watch
// of a type nobody writes does not fall below the compaction point and end in
// 410 on its next reconnect. A watch of one type only sees its own events,
// though: to report a later revision it must know that no event of its type
// lies between the last one it received and that revision.
//
// WatchProgress follows the whole store with one watch of its own, replayed
// from the compaction point, and remembers for each type the revision of its
// latest event. A watcher whose type's latest event is one it already
// received may report the revision this follower reached.

import { StoreError, type Store } from '../store/types.js';

/** The root of every key the services write (see keys.ts). */
const ROOT = '/registry/';

/** The type segment of a key (`pods`, `deployments.apps`), or '' for keys outside a type. */
function segmentOf(key: string): string {
  if (!key.startsWith(ROOT)) return '';
  const end = key.indexOf('/', ROOT.length);
  return end < 0 ? '' : key.slice(ROOT.length, end);
}

/** Follows the store to vouch for the progress of quiet watches. */
export class WatchProgress {
  /** The revision the follower has received every event up to. */
  private reached = 0;
  /** Revisions at or below this one were not replayed: nothing is vouched for there. */
  private floor = Number.POSITIVE_INFINITY;
  /** The revision of the latest event of each type segment, up to `reached`. */
  private readonly latest = new Map<string, number>();
  private running = false;

  constructor(private readonly store: Store) {}

  /**
   * The resourceVersion a watcher of `segment` may report, having received
   * every event of its prefix up to `last`: a later revision when nothing of
   * its type happened since, else `last`. Starts following the store on first use.
   */
  progress(segment: string, last: number): number {
    this.start();
    if (last < this.floor) return last;
    const latest = this.latest.get(segment) ?? 0;
    return latest <= last ? Math.max(last, this.reached) : last;
  }

  /** Starts the follower (once; again after it ended). */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.follow().finally(() => {
      this.running = false;
    });
  }

  private async follow(): Promise<void> {
    // The follower lives as long as the store: it ends when the store closes.
    const signal = new AbortController().signal;
    for (;;) {
      const from = this.store.compactedRevision();
      this.floor = from;
      this.reached = Math.max(this.reached, from);
      try {
        for await (const event of this.store.watch(ROOT, from, signal)) {
          const segment = segmentOf(event.key);
          this.latest.set(segment, Math.max(this.latest.get(segment) ?? 0, event.revision));
          this.reached = Math.max(this.reached, event.revision);
        }
        return;
      } catch (error) {
        // Compacted meanwhile or fell behind: replay again from the new compaction point.
        const retry =
          error instanceof StoreError &&
          (error.code === 'Compacted' || error.code === 'WatcherTooSlow');
        if (!retry) return;
      }
    }
  }
}
