import t from 'tap';
import {
  DEFAULT_RETRY_POLICY,
  backoffDelay,
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
} from '../../runtime/images/distribution/retry-policy.js';

const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 };

t.test('429 and 5xx are retried, 4xx and 501/505 are not', async (t) => {
  for (const status of [429, 500, 502, 503, 504]) t.ok(isRetryableStatus(status), String(status));
  for (const status of [200, 400, 401, 403, 404, 416, 501, 505])
    t.notOk(isRetryableStatus(status), String(status));
});

t.test('backoff doubles, is capped, and half of it is jitter', async (t) => {
  t.equal(
    backoffDelay(policy, 1, () => 0),
    50,
  );
  t.equal(
    backoffDelay(policy, 1, () => 1),
    100,
  );
  t.equal(
    backoffDelay(policy, 3, () => 0),
    200,
  );
  t.equal(
    backoffDelay(policy, 3, () => 1),
    400,
  );
  t.equal(
    backoffDelay(policy, 10, () => 1),
    1000,
    'capped at maxDelayMs',
  );
  const spread = new Set(Array.from({ length: 50 }, () => backoffDelay(policy, 2)));
  t.ok(spread.size > 5, 'random jitter spreads retries');
});

t.test('Retry-After in seconds or as an HTTP date', async (t) => {
  t.equal(parseRetryAfter('3'), 3000);
  t.equal(parseRetryAfter(null), undefined);
  t.equal(parseRetryAfter('soon'), undefined);
  const now = Date.parse('2025-01-01T00:00:00Z');
  t.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:10 GMT', now), 10_000);
  t.equal(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now), 0, 'a past date: at once');
});

t.test('retryDelay: attempts, Retry-After honoured up to its cap', async (t) => {
  t.equal(retryDelay(policy, 1, 2000), 2000);
  t.equal(retryDelay(policy, 1, 6000), undefined, 'longer than maxRetryAfterMs: give up');
  t.equal(retryDelay(policy, 5), undefined, 'attempts used up');
  t.ok((retryDelay(policy, 1) ?? 0) >= 50);
  t.equal(DEFAULT_RETRY_POLICY.attempts, 4);
});
