// The API server (issue 4): 10,000 pod creates over HTTPS from 16 concurrent
// clients against a `skiff controlplane` process (LMDB); then 10,000 more into
// a namespace 100 watchers follow, each expected to receive every event.
// Each server first takes 2,000 requests unmeasured (its steady state is
// what is measured, not its JIT warm-up). The clients are 16 connections of
// autocannon (bench/lib/http-load.ts), each sending its next create when the
// last is answered. Baseline, same run, same client: the same POSTs to an
// express app that only parses and echoes the body (bench/lib/echo-server.ts),
// i.e. what HTTPS + JSON + express cost alone; and the durable echo, the
// same app writing each body to LMDB (a record and a log entry, one fsync'd
// commit) before it answers: the least a durable create costs on this stack,
// so that what Skiff's own work costs shows apart from what the stack and
// this disk cost.
//
// Each load also reports the server's CPU per request (its process's
// user + system time over the load, all threads), which, unlike throughput,
// does not depend on how much of the two cores the client took, and its
// main thread's share (the thread that runs JavaScript: one process serves at
// most one second of it per second, so it bounds the rate); and the
// creates are run once more in-process (services + LMDB, no HTTP) to show
// what the API's own work costs next to HTTPS and express. Reference, same
// run: the same creates against the same server started with `--store
// memory` (no disk, nothing durable), i.e. what the durable LMDB commit
// costs the rate.
//
// Targets: ≥ 3,000 creates/s and p99 ≤ 50 ms here (Kubernetes' SLO for
// mutating calls is p99 ≤ 1 s); no watcher misses an event.

import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setMaxListeners } from 'node:events';
import https from 'node:https';
import { startControlPlane } from '../test/helpers/controlplane.js';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { createApiServices } from '../controlplane/services/index.js';
import { openLmdbStore } from '../controlplane/store/index.js';
import type { KubeKinds } from '../controlplane/api/generated/index.js';
import { postLoad } from './lib/http-load.js';
import { mainThreadCpuMs, processCpuMs } from './lib/process-cpu.js';
import { ms, summarize, table } from './lib/stats.js';

const CREATES = Number(process.env.SKIFF_BENCH_CREATES ?? 10_000);
const CLIENTS = 16;
/** Requests each server gets before it is measured: steady state, as a running API server is, not its JIT warm-up. */
const WARM_UP = Number(process.env.SKIFF_BENCH_WARM_UP ?? 2_000);
const WATCHERS = Number(process.env.SKIFF_BENCH_WATCHERS ?? 100);
const PODS_PATH = '/api/v1/namespaces/default/pods';

interface LoadResult {
  readonly perSecond: number;
  readonly seconds: number;
  readonly latencies: number[];
  readonly failures: number;
  /** The server's CPU per request, in µs (undefined without /proc). */
  readonly serverCpuMicros?: number;
  /** The server's main thread's share of it, in µs. */
  readonly serverMainThreadMicros?: number;
  /** This process's (the clients') CPU per request, in µs. */
  readonly clientCpuMicros: number;
}

function podBody(i: number, prefix = 'bench'): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${prefix}-${i}`, labels: { app: 'bench' } },
    spec: { containers: [{ name: 'app', image: 'registry.local/bench/app:v1' }] },
  });
}

/** Runs `send(0 … count-1)` from CLIENTS concurrent loops; resolves when all are done. */
async function fromClients(count: number, send: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < count) await send(next++);
    }),
  );
}

/** `count` POSTs of pods to `url` from CLIENTS connections, to the server process `serverPid`. */
async function createLoad(
  url: string,
  token: string,
  ca: string,
  serverPid: number | undefined,
  { count = CREATES, prefix = 'bench' } = {},
): Promise<LoadResult> {
  const cpuBefore = serverPid === undefined ? undefined : processCpuMs(serverPid);
  const mainBefore = serverPid === undefined ? undefined : mainThreadCpuMs(serverPid);
  const load = await postLoad({
    url,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: (i) => podBody(i, prefix),
    count,
    connections: CLIENTS,
    ca,
    expectedStatus: 201,
  });
  const cpuAfter = serverPid === undefined ? undefined : processCpuMs(serverPid);
  const mainAfter = serverPid === undefined ? undefined : mainThreadCpuMs(serverPid);
  const serverCpuMicros =
    cpuBefore === undefined || cpuAfter === undefined
      ? undefined
      : ((cpuAfter - cpuBefore) * 1000) / count;
  const serverMainThreadMicros =
    mainBefore === undefined || mainAfter === undefined
      ? undefined
      : ((mainAfter - mainBefore) * 1000) / count;
  return {
    ...load,
    ...(serverCpuMicros !== undefined ? { serverCpuMicros } : {}),
    ...(serverMainThreadMicros !== undefined ? { serverMainThreadMicros } : {}),
  };
}

/** The same creates through the services in this process (LMDB in a temp dir, no HTTP): CPU µs per create. */
async function inProcessCreates(): Promise<{ perSecond: number; cpuMicros: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-bench-services-'));
  const store = await openLmdbStore({ path: path.join(dir, 'state') });
  try {
    const api = createApiServices({ store });
    await api.ready();
    const run = async (round: number) => {
      const cpu = process.cpuUsage();
      const began = performance.now();
      await fromClients(CREATES, async (i) => {
        const pod = JSON.parse(podBody(i + round * CREATES)) as KubeKinds['Pod'];
        await api.pods.create(pod, { namespace: 'default' });
      });
      const used = process.cpuUsage(cpu);
      return {
        perSecond: CREATES / ((performance.now() - began) / 1000),
        cpuMicros: (used.user + used.system) / CREATES,
      };
    };
    await run(0); // warm-up: compiles the schemas, as the server had done before its load
    return await run(1);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const ADDED_LINE = Buffer.from('{"type":"ADDED"');

/**
 * A watcher that counts the ADDED events of `url` (a watch from a revision)
 * until it has seen `expected`. It reads the stream as bytes, with Node's
 * https and no JSON, as a light client would: 100 of them share this
 * process's one thread with the 16 clients, and must not be what limits the
 * rate (undici's fetch and a text decoder per watcher cost this process
 * about as much CPU per create as the server spent, measured).
 */
function countAdded(
  url: string,
  token: string,
  ca: string,
  signal: AbortSignal,
  onEvent: () => number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = https.get(
      url,
      { ca, headers: { authorization: `Bearer ${token}` }, agent: false, signal },
      (response) => {
        // The first bytes of the line being read: an event's type is at its start.
        let head = Buffer.alloc(0);
        response.on('data', (chunk: Buffer) => {
          let at = 0;
          while (at < chunk.length) {
            if (head.length < ADDED_LINE.length) {
              const take = chunk.subarray(at, at + ADDED_LINE.length - head.length);
              head = Buffer.concat([head, take]);
            }
            const newline = chunk.indexOf(10, at);
            if (newline < 0) return;
            if (head.equals(ADDED_LINE) && onEvent() >= CREATES) {
              request.destroy();
              resolve();
              return;
            }
            head = Buffer.alloc(0);
            at = newline + 1;
          }
        });
        response.on('end', () => resolve());
        response.on('error', (error) => (signal.aborted ? resolve() : reject(error)));
      },
    );
    request.on('error', (error) => (signal.aborted ? resolve() : reject(error)));
  });
}

/**
 * Starts the echo baseline on the control plane's own certificate (the
 * durable echo when given an LMDB directory); resolves with its URL and a
 * stop function.
 */
async function startEcho(
  dataDir: string,
  lmdbDir?: string,
): Promise<{ url: string; pid: number | undefined; stop: () => Promise<void> }> {
  const script = new URL('./lib/echo-server.js', import.meta.url).pathname;
  const pki = path.join(dataDir, 'pki');
  const args = [script, path.join(pki, 'server.crt'), path.join(pki, 'server.key')];
  const child = spawn(process.execPath, lmdbDir === undefined ? args : [...args, lmdbDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`echo server exited (${code})`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    pid: child.pid,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The warm-up and creates against the echo (durable, with an LMDB directory of its own). */
async function echoCreates(
  cp: Awaited<ReturnType<typeof startControlPlane>>,
  durable: boolean,
): Promise<LoadResult> {
  const lmdbDir = durable ? await mkdtemp(path.join(os.tmpdir(), 'skiff-bench-echo-')) : undefined;
  const echo = await startEcho(cp.dataDir, lmdbDir);
  try {
    const url = `${echo.url}${PODS_PATH}`;
    await createLoad(url, cp.token, cp.caCertificate, echo.pid, {
      count: WARM_UP,
      prefix: 'warm-up',
    });
    return await createLoad(url, cp.token, cp.caCertificate, echo.pid);
  } finally {
    await echo.stop();
    if (lmdbDir !== undefined) await rm(lmdbDir, { recursive: true, force: true });
  }
}

function micros(value: number): string {
  return `${value.toFixed(0)} µs`;
}

/** The servers' CPU per request: the echo's, a create's (and as a multiple of the echo's). */
function cpuLine(baseline: LoadResult, alone: LoadResult, watched: LoadResult): string {
  const echo = baseline.serverCpuMicros;
  const create = alone.serverCpuMicros;
  if (echo === undefined || create === undefined) return 'not measured (no /proc)';
  const withWatchers = watched.serverCpuMicros;
  return `echo ${micros(echo)}, create ${micros(create)} (${(create / echo).toFixed(2)}× echo)${
    withWatchers === undefined ? '' : `, create with ${WATCHERS} watchers ${micros(withWatchers)}`
  }`;
}

const TARGET_PER_SECOND = 3_000;

/** The main thread's CPU per request: one process serves at most 1 s of it per second. */
function mainThreadLine(baseline: LoadResult, alone: LoadResult): string {
  const echo = baseline.serverMainThreadMicros;
  const create = alone.serverMainThreadMicros;
  if (echo === undefined || create === undefined) return 'not measured (no /proc)';
  const ceiling = (micros: number) => `at most ${(1e6 / micros).toFixed(0)}/s in one process`;
  return `echo ${micros(echo)} (${ceiling(echo)}), create ${micros(create)} (${ceiling(create)}; ${TARGET_PER_SECOND}/s needs ≤ ${micros(1e6 / TARGET_PER_SECOND)})`;
}

/**
 * The clients' CPU per request, what the target leaves client and server
 * together on this machine, and the rate the two together allow: clients
 * and server share the cores, so no number of server processes passes it.
 */
function clientLine(baseline: LoadResult, alone: LoadResult): string {
  const cores = os.availableParallelism();
  const budget = (cores * 1e6) / TARGET_PER_SECOND;
  const both =
    alone.serverCpuMicros === undefined ? undefined : alone.clientCpuMicros + alone.serverCpuMicros;
  const bound =
    both === undefined
      ? ''
      : `; now ${micros(both)}: at most ${((cores * 1e6) / both).toFixed(0)}/s on these cores`;
  return `creates ${micros(alone.clientCpuMicros)}, echo ${micros(baseline.clientCpuMicros)}; ${TARGET_PER_SECOND}/s on ${cores} cores leaves ${micros(budget)} per request for client + server${bound}`;
}

const WATCHED = 'watched';
const watchedPods = `/api/v1/namespaces/${WATCHED}/pods`;

/** The same warm-up and creates against `skiff controlplane --store memory`. */
async function memoryStoreCreates(): Promise<LoadResult> {
  const reference = await startControlPlane({ store: 'memory' });
  try {
    const url = `${reference.server}${PODS_PATH}`;
    const pid = reference.process.pid;
    await createLoad(url, reference.token, reference.caCertificate, pid, {
      count: WARM_UP,
      prefix: 'warm-up',
    });
    return await createLoad(url, reference.token, reference.caCertificate, pid);
  } finally {
    await reference.stop();
  }
}

const services = await inProcessCreates();
const cp = await startControlPlane();
try {
  const baseline = await echoCreates(cp, false);
  const durableBaseline = await echoCreates(cp, true);
  const warmUp = { count: WARM_UP, prefix: 'warm-up' };

  // Creates alone, then the same number into a namespace 100 watchers follow.
  const cpPid = cp.process.pid;
  await createLoad(`${cp.server}${PODS_PATH}`, cp.token, cp.caCertificate, cpPid, warmUp);
  const alone = await createLoad(`${cp.server}${PODS_PATH}`, cp.token, cp.caCertificate, cpPid);

  await (
    await cp.request('POST', '/api/v1/namespaces', { metadata: { name: WATCHED } })
  ).arrayBuffer();
  const start = (await (await cp.request('GET', watchedPods)).json()) as {
    metadata: { resourceVersion: string };
  };
  const abort = new AbortController();
  // Every watcher listens on it.
  setMaxListeners(WATCHERS + 1, abort.signal);
  const seen = Array.from({ length: WATCHERS }, () => 0);
  const watchUrl = `${cp.server}${watchedPods}?watch=1&resourceVersion=${start.metadata.resourceVersion}`;
  const watchers = seen.map((_, i) =>
    countAdded(
      watchUrl,
      cp.token,
      cp.caCertificate,
      abort.signal,
      () => (seen[i] = (seen[i] ?? 0) + 1),
    ),
  );
  const watched = await createLoad(`${cp.server}${watchedPods}`, cp.token, cp.caCertificate, cpPid);
  const deadline = Date.now() + 60_000;
  while (seen.some((count) => count < CREATES) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  abort.abort();
  await Promise.allSettled(watchers);

  const inMemory = await memoryStoreCreates();

  const base = summarize(baseline.latencies);
  const durableBase = summarize(durableBaseline.latencies);
  const aloneLatency = summarize(alone.latencies);
  const watchedLatency = summarize(watched.latencies);
  const memoryLatency = summarize(inMemory.latencies);
  const complete = seen.filter((count) => count >= CREATES).length;
  const rate = (run: LoadResult) => `${run.perSecond.toFixed(0)}/s (${run.failures} failed)`;
  process.stderr.write(
    table([
      [
        'baseline: echo',
        `${CREATES} POSTs: ${rate(baseline)}, p50 ${ms(base.p50)}, p99 ${ms(base.p99)} (express + HTTPS + JSON only)`,
      ],
      [
        'baseline: durable echo',
        `${rate(durableBaseline)}, p50 ${ms(durableBase.p50)}, p99 ${ms(durableBase.p99)} → ${(durableBaseline.perSecond / baseline.perSecond).toFixed(2)}× echo${
          durableBaseline.serverMainThreadMicros === undefined
            ? ''
            : `; main thread ${micros(durableBaseline.serverMainThreadMicros)}`
        } (the echo + each body fsync'd to LMDB)`,
      ],
      [
        'pod creates',
        `${CREATES} from ${CLIENTS} clients: ${rate(alone)}, p50 ${ms(aloneLatency.p50)}, p99 ${ms(aloneLatency.p99)} → ${(alone.perSecond / baseline.perSecond).toFixed(2)}× echo, ${(alone.perSecond / durableBaseline.perSecond).toFixed(2)}× durable echo`,
      ],
      [
        `…with ${WATCHERS} watchers`,
        `${rate(watched)}, p50 ${ms(watchedLatency.p50)}, p99 ${ms(watchedLatency.p99)} → ${(watched.perSecond / baseline.perSecond).toFixed(2)}× echo; this process (clients and watchers) ${micros(watched.clientCpuMicros)} per create`,
      ],
      [
        'watchers',
        `${complete}/${WATCHERS} received all ${CREATES} events (fewest: ${Math.min(...seen)})`,
      ],
      [
        '…store in memory',
        `${rate(inMemory)}, p50 ${ms(memoryLatency.p50)}, p99 ${ms(memoryLatency.p99)} → ${(inMemory.perSecond / baseline.perSecond).toFixed(2)}× echo, ${(inMemory.perSecond / alone.perSecond).toFixed(2)}× LMDB${
          inMemory.serverMainThreadMicros === undefined
            ? ''
            : `; main thread ${micros(inMemory.serverMainThreadMicros)}`
        } (same server, --store memory: nothing on disk)`,
      ],
      ['server CPU/request', cpuLine(baseline, alone, watched)],
      ['…its main thread', mainThreadLine(baseline, alone)],
      ['client CPU/request', clientLine(baseline, alone)],
      [
        'in-process creates',
        `${services.perSecond.toFixed(0)}/s, ${micros(services.cpuMicros)} CPU each (services + LMDB, no HTTP)`,
      ],
    ]) + '\n',
  );
  process.stdout.write(
    JSON.stringify({
      bench: 'apiserver',
      creates: CREATES,
      clients: CLIENTS,
      baselinePerSecond: baseline.perSecond,
      baselineP50: base.p50,
      baselineP99: base.p99,
      durableBaselinePerSecond: durableBaseline.perSecond,
      durableBaselineP99: durableBase.p99,
      durableBaselineServerCpuMicros: durableBaseline.serverCpuMicros,
      durableBaselineServerMainThreadMicros: durableBaseline.serverMainThreadMicros,
      createsPerSecond: alone.perSecond,
      p50: aloneLatency.p50,
      p99: aloneLatency.p99,
      failures: alone.failures + watched.failures + inMemory.failures,
      watchedCreatesPerSecond: watched.perSecond,
      watchedP50: watchedLatency.p50,
      watchedP99: watchedLatency.p99,
      watchers: WATCHERS,
      watchersComplete: complete,
      fewestEvents: Math.min(...seen),
      baselineServerCpuMicros: baseline.serverCpuMicros,
      serverCpuMicros: alone.serverCpuMicros,
      baselineServerMainThreadMicros: baseline.serverMainThreadMicros,
      serverMainThreadMicros: alone.serverMainThreadMicros,
      watchedServerCpuMicros: watched.serverCpuMicros,
      watchedClientCpuMicros: watched.clientCpuMicros,
      memoryStorePerSecond: inMemory.perSecond,
      memoryStoreP99: memoryLatency.p99,
      memoryStoreServerCpuMicros: inMemory.serverCpuMicros,
      memoryStoreServerMainThreadMicros: inMemory.serverMainThreadMicros,
      inProcessPerSecond: services.perSecond,
      inProcessCpuMicros: services.cpuMicros,
      clientCpuMicros: alone.clientCpuMicros,
      baselineClientCpuMicros: baseline.clientCpuMicros,
      targets: { createsPerSecond: TARGET_PER_SECOND, p99: 50 },
    }) + '\n',
  );
} finally {
  await cp.stop();
}
