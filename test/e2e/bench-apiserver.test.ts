// `npm run bench apiserver` at a small scale: every row is measured and
// reported (the echo, the durable echo, the creates with and without
// watchers, the memory store, in-process creates), nothing fails, and every
// watcher receives every event. The figures themselves are not asserted:
// speed is what the full bench reports, on a quiet machine.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import t from 'tap';

const run = promisify(execFile);
const CREATES = 200;
const WATCHERS = 5;

t.test('the API bench runs every load and reports it', async (t) => {
  const script = new URL('../../bench/index.js', import.meta.url).pathname;
  const { stdout, stderr } = await run(process.execPath, [script, 'apiserver'], {
    env: {
      ...process.env,
      SKIFF_BENCH_CREATES: String(CREATES),
      SKIFF_BENCH_WARM_UP: '50',
      SKIFF_BENCH_WATCHERS: String(WATCHERS),
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  const report = JSON.parse(stdout) as { results: Record<string, unknown>[] };
  const result = report.results.find((r) => r.bench === 'apiserver');
  if (result === undefined) throw new Error(`no apiserver result in ${stdout}`);
  t.match(result, {
    creates: CREATES,
    failures: 0,
    watchers: WATCHERS,
    watchersComplete: WATCHERS,
    fewestEvents: CREATES,
  });
  for (const rate of [
    'baselinePerSecond',
    'durableBaselinePerSecond',
    'createsPerSecond',
    'watchedCreatesPerSecond',
    'memoryStorePerSecond',
    'inProcessPerSecond',
  ]) {
    t.ok((result[rate] as number) > 0, `${rate} measured`);
  }
  for (const row of ['baseline: echo', 'baseline: durable echo', 'pod creates', 'watchers']) {
    t.match(stderr, row, `the table shows "${row}"`);
  }
});
