// The queue of pods waiting to be scheduled, kube-scheduler's three queues in
// one: active pods (ordered by priority, then pods never tried before those
// that were, then first come first served), pods backing off after a failed
// attempt (1 s doubling to 10 s), and unschedulable pods, which wait for a
// change in the cluster that might let them fit (moveAll) or for the periodic
// retry. A pod being scheduled or bound is "in flight" and is not handed out.

import type { Pod } from '../../controlplane/api/generated/index.js';

/** A pod in the queue. The loop reads `pod`, the latest version the queue was given. */
export interface QueuedPod {
  readonly key: string;
  pod: Pod;
  /** Scheduling attempts so far. */
  attempts: number;
}

type Place = 'active' | 'backoff' | 'unschedulable' | 'inFlight';

interface Entry extends QueuedPod {
  place: Place;
  /** Arrival order: FIFO among equals. */
  readonly seq: number;
  priority: number;
  heapIndex: number;
  /** When the last attempt began (ms). */
  lastAttemptAt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** The queue's moveCount when the attempt in flight began. */
  moveCountAtPop: number;
}

/** The queue's timings, with kube-scheduler's defaults. */
export interface SchedulingQueueOptions {
  /** Backoff after the first failed attempt; doubles per attempt (kube-scheduler: 1 s). */
  readonly initialBackoffMs?: number;
  /** The longest backoff (kube-scheduler: 10 s). */
  readonly maxBackoffMs?: number;
  /** An unschedulable pod is retried after this long even if nothing changed (30 s). */
  readonly unschedulableRetryMs?: number;
  /** The clock (ms). */
  readonly now?: () => number;
}

function before(a: Entry, b: Entry): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  const aNew = a.attempts === 0;
  if (aNew !== (b.attempts === 0)) return aNew;
  return a.seq < b.seq;
}

/** The scheduling queue. Not thread-safe; one loop pops from it. */
export class SchedulingQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly heap: Entry[] = [];
  /** The entries parked as unschedulable (moveAll visits only these). */
  private readonly parked = new Set<Entry>();
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly unschedulableRetryMs: number;
  private readonly now: () => number;
  private seq = 0;
  /** Counts moveAll calls, so that an attempt that overlapped a cluster change is not parked as unschedulable. */
  private moveCount = 0;
  /** pop() calls waiting for a pod, first come first served. */
  private readonly waiters: ((entry: QueuedPod | undefined) => void)[] = [];
  private closed = false;

  constructor(options: SchedulingQueueOptions = {}) {
    this.initialBackoffMs = options.initialBackoffMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.unschedulableRetryMs = options.unschedulableRetryMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** Pods queued, in any place. */
  get size(): number {
    return this.entries.size;
  }

  /** Whether the pod `key` is queued (or in flight). */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /**
   * A pod that needs scheduling, new or updated. An update of an unschedulable
   * pod whose spec changed (`changed`) retries it; otherwise the queue only
   * keeps the newer object.
   */
  add(key: string, pod: Pod, changed = true): void {
    if (this.closed) return;
    const entry = this.entries.get(key);
    if (!entry) {
      const fresh: Entry = {
        key,
        pod,
        attempts: 0,
        place: 'active',
        seq: this.seq++,
        priority: pod.spec?.priority ?? 0,
        heapIndex: -1,
        lastAttemptAt: 0,
        timer: undefined,
        moveCountAtPop: 0,
      };
      this.entries.set(key, fresh);
      this.activate(fresh);
      return;
    }
    entry.pod = pod;
    if (entry.place === 'active' && entry.priority !== (pod.spec?.priority ?? 0)) {
      this.heapRemove(entry);
      entry.priority = pod.spec?.priority ?? 0;
      this.activate(entry);
    } else if (entry.place === 'unschedulable' && changed) {
      this.retry(entry);
    }
  }

  /** Forgets the pod `key` (deleted, bound, or no longer this scheduler's). */
  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.clearTimer(entry);
    this.parked.delete(entry);
    if (entry.place === 'active') this.heapRemove(entry);
  }

  /** The next pod to schedule (now in flight); undefined once closed. */
  pop(): Promise<QueuedPod | undefined> {
    const next = this.takeNext();
    if (next || this.closed) return Promise.resolve(next);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** The attempt found no node: wait for a cluster change (or the periodic retry). */
  unschedulable(key: string): void {
    const entry = this.inFlight(key);
    if (!entry) return;
    if (this.moveCount !== entry.moveCountAtPop) {
      // The cluster changed during the attempt: that change may be what lets it fit.
      this.retry(entry);
      return;
    }
    entry.place = 'unschedulable';
    this.parked.add(entry);
    entry.timer = setTimeout(() => this.retry(entry), this.unschedulableRetryMs);
    entry.timer.unref?.();
  }

  /** The attempt failed for another reason (an error, a failed binding): retry after the backoff. */
  backoff(key: string): void {
    const entry = this.inFlight(key);
    if (entry) this.retry(entry);
  }

  /** The pod is bound (or gone): forget it. */
  done(key: string): void {
    this.delete(key);
  }

  /**
   * Something changed that may let unschedulable pods fit (a node added or
   * changed, a pod deleted or finished): retry them all (after their backoff).
   */
  moveAll(): void {
    this.moveCount++;
    for (const entry of this.entries.values())
      if (entry.place === 'unschedulable') this.retry(entry);
  }

  /** Ends pop() with undefined and clears the timers. */
  close(): void {
    this.closed = true;
    for (const entry of this.entries.values()) this.clearTimer(entry);
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }

  private inFlight(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    return entry?.place === 'inFlight' && !this.closed ? entry : undefined;
  }

  private takeNext(): Entry | undefined {
    const entry = this.heap[0];
    if (!entry) return undefined;
    this.heapRemove(entry);
    entry.place = 'inFlight';
    entry.attempts++;
    entry.lastAttemptAt = this.now();
    entry.moveCountAtPop = this.moveCount;
    return entry;
  }

  /** Back to active, or to backoff while the pod's backoff since its last attempt lasts. */
  private retry(entry: Entry): void {
    this.clearTimer(entry);
    this.parked.delete(entry);
    if (this.closed || this.entries.get(entry.key) !== entry) return;
    const delay = Math.min(
      this.initialBackoffMs * 2 ** Math.max(0, entry.attempts - 1),
      this.maxBackoffMs,
    );
    const wait = entry.lastAttemptAt + delay - this.now();
    if (entry.attempts === 0 || wait <= 0) {
      this.activate(entry);
      return;
    }
    entry.place = 'backoff';
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (this.entries.get(entry.key) === entry && entry.place === 'backoff') this.activate(entry);
    }, wait);
    entry.timer.unref?.();
  }

  private activate(entry: Entry): void {
    entry.place = 'active';
    this.heapPush(entry);
    // The loop is waiting: hand it over at once.
    const waiter = this.waiters.shift();
    if (waiter) waiter(this.takeNext());
  }

  private clearTimer(entry: Entry): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
  }

  private heapPush(entry: Entry): void {
    entry.heapIndex = this.heap.length;
    this.heap.push(entry);
    this.siftUp(entry.heapIndex);
  }

  private heapRemove(entry: Entry): void {
    const index = entry.heapIndex;
    if (index < 0) return;
    const last = this.heap.pop() as Entry;
    entry.heapIndex = -1;
    if (last === entry) return;
    this.heap[index] = last;
    last.heapIndex = index;
    this.siftUp(index);
    this.siftDown(last.heapIndex);
  }

  private siftUp(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(this.heap[i] as Entry, this.heap[parent] as Entry)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(index: number): void {
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.heap.length && before(this.heap[left] as Entry, this.heap[smallest] as Entry))
        smallest = left;
      if (
        right < this.heap.length &&
        before(this.heap[right] as Entry, this.heap[smallest] as Entry)
      )
        smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private swap(i: number, j: number): void {
    const a = this.heap[i] as Entry;
    const b = this.heap[j] as Entry;
    this.heap[i] = b;
    this.heap[j] = a;
    a.heapIndex = j;
    b.heapIndex = i;
  }
}
