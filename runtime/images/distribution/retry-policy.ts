// When and how long to wait before trying a registry request again.
//
// Failures that may pass (network errors, 429, most 5xx) are retried with
// exponential backoff and jitter, so that many nodes pulling from one
// overloaded registry do not come back in lockstep. A registry's Retry-After
// is honoured as given (it knows its load better than we do), up to a cap:
// past it, waiting inside one pull would look like a hang, so we give up and
// let the caller (the kubelet's image back-off) decide.

/** How often and how patiently to retry. */
export interface RetryPolicy {
  /** Attempts in all, the first included (1 = never retry). */
  readonly attempts: number;
  /** The delay before the first retry; doubled for each one after. */
  readonly baseDelayMs: number;
  /** The longest backoff between two attempts. */
  readonly maxDelayMs: number;
  /** The longest Retry-After honoured; a registry asking for more is not retried. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

/**
 * True for statuses worth retrying: 429 and 5xx, except 501 and 505, which
 * say the server will never do it.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/**
 * The backoff before retry number `retry` (1 for the first): half of the
 * exponential delay fixed, half random ("equal jitter"), so a retry is never
 * immediate yet clients spread out.
 */
export function backoffDelay(
  policy: RetryPolicy,
  retry: number,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/**
 * A Retry-After header in milliseconds (delta-seconds or an HTTP date), or
 * undefined when absent or unreadable.
 */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * How long to wait before retry number `retry`, or undefined to give up
 * (attempts used up, or Retry-After beyond the policy's cap).
 */
export function retryDelay(
  policy: RetryPolicy,
  retry: number,
  retryAfterMs?: number,
): number | undefined {
  if (retry >= policy.attempts) return undefined;
  if (retryAfterMs !== undefined) {
    return retryAfterMs > policy.maxRetryAfterMs ? undefined : retryAfterMs;
  }
  return backoffDelay(policy, retry);
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
