// watch, as Kubernetes' watch cache serves it: from resourceVersion ''/'0'
// a synthetic ADDED per current object, then live events; from a given
// revision the store's replay; selectors applied per event, so an object that
// stops matching is DELETED and one that starts matching is ADDED; a compacted
// start (or a watcher too slow to keep up) ends with an ERROR event carrying a
// 410 Expired Status; BOOKMARKs at a fixed interval when asked for;
// `timeoutSeconds` ends the watch quietly.

import type { WatchOptions } from '../api/cluster-api.js';
import { apiVersionOf } from '../api/resources.js';
import { badRequest, gone, internalError, statusOf, unavailable } from '../api/errors.js';
import type { KubeObject, WatchEvent } from '../api/types.js';
import { StoreError, type StoreEvent } from '../store/types.js';
import { eventsOf } from '../store/watch-stream.js';
import type { TypeContext } from './context.js';
import { listPrefix, typeSegment } from './keys.js';
import { fromStore } from './object-access.js';
import { sharedApiObject } from './shared-objects.js';
import { readPage } from './reads.js';
import { compileSelection, type Selection } from './selection.js';
import { tooOldResourceVersion } from './store-errors.js';

/** Objects per store read while sending the synthetic ADDED events. */
const INITIAL_PAGE = 500;

/** The ERROR event that ends a watch that failed. */
function errorEvent(error: unknown, after: number): WatchEvent {
  let apiError;
  if (error instanceof StoreError && error.code === 'Compacted')
    apiError = tooOldResourceVersion(after, error.revision);
  else if (error instanceof StoreError && error.code === 'WatcherTooSlow')
    apiError = gone('the watch fell too far behind; list and watch again');
  else if (error instanceof StoreError && error.code === 'Closed')
    apiError = unavailable('the store is closed');
  else if (error instanceof StoreError) apiError = internalError(error.message);
  return { type: 'ERROR', object: statusOf(apiError ?? error) };
}

/** A store event as the watcher sees it through its selectors, or undefined when it does not concern it. */
function toWatchEvent(event: StoreEvent, selection: Selection): WatchEvent | undefined {
  const object = sharedApiObject(event.value, event.revision);
  const matches = selection.matches(object);
  if (event.type !== 'MODIFIED') return matches ? { type: event.type, object } : undefined;
  if (!selection.filtering) return { type: 'MODIFIED', object };
  const matched =
    event.previous === undefined
      ? matches
      : selection.matches(fromStore(event.previous, event.revision));
  if (matches) return { type: matched ? 'MODIFIED' : 'ADDED', object };
  return matched ? { type: 'DELETED', object } : undefined;
}

type Next =
  | { readonly kind: 'event'; readonly result: IteratorResult<readonly StoreEvent[]> }
  | { readonly kind: 'error'; readonly error: unknown };

/** Never rejects: a pending `next()` may lose a race to a timer and be awaited later. */
function settle(promise: Promise<IteratorResult<readonly StoreEvent[]>>): Promise<Next> {
  return promise.then(
    (result) => ({ kind: 'event', result }) as const,
    (error: unknown) => ({ kind: 'error', error }) as const,
  );
}

interface WatchPlan {
  readonly ctx: TypeContext;
  readonly prefix: string;
  readonly selection: Selection;
  /** Undefined: start with the current objects. */
  readonly from: number | undefined;
  readonly bookmarks: boolean;
}

async function* follow(
  plan: WatchPlan,
  after: number,
  signal: AbortSignal,
): AsyncGenerator<readonly WatchEvent[]> {
  const { ctx } = plan;
  const iterator = ctx.services.store
    .watchBatches(plan.prefix, after, signal)
    [Symbol.asyncIterator]();
  const interval = ctx.services.bookmarkIntervalMs;
  // One abort listener and one bookmark timer per watch, waking whichever
  // wait is current: racing each event against long-lived promises (or adding
  // a listener per event) costs more than the event itself when a hundred
  // watchers follow a busy type.
  let wake: ((reason: 'abort' | 'tick') => void) | undefined;
  let bookmarkDue = false;
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    wake?.('abort');
  };
  signal.addEventListener('abort', onAbort, { once: true });
  const ticker = plan.bookmarks
    ? setInterval(() => {
        bookmarkDue = true;
        wake?.('tick');
      }, interval)
    : undefined;
  let last = after;
  let pending = settle(iterator.next());
  try {
    for (;;) {
      if (aborted) return;
      if (bookmarkDue) {
        bookmarkDue = false;
        // A quiet watch reports the store's progress, as Kubernetes' bookmarks do.
        last = ctx.services.watchProgress.progress(typeSegment(ctx.type), last);
        const bookmark = {
          apiVersion: apiVersionOf(ctx.type),
          kind: ctx.type.kind,
          metadata: { resourceVersion: String(last) },
        };
        yield [{ type: 'BOOKMARK', object: bookmark }];
        continue;
      }
      const current = pending;
      const winner = await new Promise<Next | 'abort' | 'tick'>((resolve) => {
        wake = resolve;
        void current.then(resolve);
      });
      wake = undefined;
      if (winner === 'abort') return;
      if (winner === 'tick') continue;
      if (winner.kind === 'error') {
        if (!aborted) yield [errorEvent(winner.error, after)];
        return;
      }
      if (winner.result.done) return;
      const events = winner.result.value;
      last = (events[events.length - 1] as StoreEvent).revision;
      pending = settle(iterator.next());
      const visible: WatchEvent[] = [];
      for (const event of events) {
        const seen = toWatchEvent(event, plan.selection);
        if (seen) visible.push(seen);
      }
      if (visible.length > 0) yield visible;
    }
  } finally {
    clearInterval(ticker);
    signal.removeEventListener('abort', onAbort);
    // The store ends its iterator when the signal aborts; do not wait for it here.
    void iterator.return?.()?.catch(() => undefined);
  }
}

async function* run(
  plan: WatchPlan,
  outer: AbortSignal,
  timeoutSeconds: number | undefined,
): AsyncGenerator<readonly WatchEvent[]> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  outer.addEventListener('abort', stop, { once: true });
  if (outer.aborted) stop();
  const timeout =
    timeoutSeconds !== undefined && timeoutSeconds > 0
      ? setTimeout(stop, timeoutSeconds * 1000)
      : undefined;
  try {
    await plan.ctx.services.ready;
    if (plan.bookmarks) plan.ctx.services.watchProgress.start();
    let after = plan.from;
    if (after === undefined) {
      let token: string | undefined;
      do {
        const page = await readPage(plan.ctx, plan.prefix, plan.selection, INITIAL_PAGE, token);
        after ??= page.revision;
        if (controller.signal.aborted) return;
        if (page.items.length > 0)
          yield page.items.map((object): WatchEvent => ({ type: 'ADDED', object }));
        token = page.continue;
      } while (token !== undefined);
    }
    if (controller.signal.aborted) return;
    yield* follow(plan, after ?? 0, controller.signal);
  } finally {
    clearTimeout(timeout);
    outer.removeEventListener('abort', stop);
    controller.abort();
  }
}

/**
 * The watch of `watchObjects`, a batch at a time: the events one store batch
 * (a commit's burst) or one page of current objects produced, in order. The
 * HTTP server writes each batch at once; selectors and the resourceVersion
 * are checked at once (a 400 throws here, before any event).
 */
export function watchObjectBatches(
  ctx: TypeContext,
  options: WatchOptions,
  signal: AbortSignal,
): AsyncIterable<readonly WatchEvent<KubeObject>[]> {
  const selection = compileSelection(ctx, options);
  const rv = options.resourceVersion;
  let from: number | undefined;
  if (rv !== undefined && rv !== '' && rv !== '0') {
    if (!/^\d+$/.test(rv)) throw badRequest(`invalid resource version: "${rv}"`);
    from = Number(rv);
  }
  const namespace = ctx.type.namespaced && options.namespace ? options.namespace : undefined;
  const plan: WatchPlan = {
    ctx,
    prefix: listPrefix(ctx.type, namespace),
    selection,
    from,
    bookmarks: options.allowWatchBookmarks === true,
  };
  return run(plan, signal, options.timeoutSeconds);
}

/** The ResourceClient `watch` verb: the events of `watchObjectBatches`, one at a time. */
export function watchObjects(
  ctx: TypeContext,
  options: WatchOptions,
  signal: AbortSignal,
): AsyncIterable<WatchEvent<KubeObject>> {
  return eventsOf(watchObjectBatches(ctx, options, signal), signal);
}
