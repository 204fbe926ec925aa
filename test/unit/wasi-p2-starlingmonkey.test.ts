// End to end, in this thread: a componentize-js (StarlingMonkey) fetch-event
// handler, which imports most of WASI 0.2, served by Skiff's providers. The
// ~12 MB component is built by a child process into the gitignored test cache,
// keyed by the hash of its source, build script and componentize-js version.

import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import t from 'tap';
import { createWasiP2Host } from '../../runtime/wasm/guest/wasi-p2/index.js';
import type { ResponseSink } from '../../runtime/wasm/guest/wasi-p2/provider-types.js';
import type { LoadedComponent } from './wasi-p2-support/components.js';
import { exportedInterface, loadComponent, sha256 } from './wasi-p2-support/components.js';
import type { FakeGuest } from './wasi-p2-support/fake-guest.js';
import { bytesSource, fakeGuest } from './wasi-p2-support/fake-guest.js';
import { noFilesystem } from './wasi-p2-support/no-filesystem.js';
import { COMPONENT_FIXTURES, REPO_ROOT, TEST_CACHE } from './wasi-p2-support/paths.js';

const SOURCE = `${COMPONENT_FIXTURES}hello-fetch.js`;
const BUILD_SCRIPT = `${COMPONENT_FIXTURES}build-hello-fetch.mjs`;
const COMPONENTIZE_PACKAGE = `${REPO_ROOT}node_modules/@bytecodealliance/componentize-js/package.json`;

const available = existsSync(COMPONENTIZE_PACKAGE);
if (!available) {
  t.comment('@bytecodealliance/componentize-js is not installed: StarlingMonkey tests skipped');
}

/** The component, built once per source/script/componentize-js version. */
async function buildComponent(): Promise<Uint8Array> {
  const key = sha256(
    [SOURCE, BUILD_SCRIPT, COMPONENTIZE_PACKAGE]
      .map((file) => sha256(readFileSync(file)))
      .join(':'),
  );
  const out = `${TEST_CACHE}starlingmonkey/hello-fetch-${key.slice(0, 16)}.wasm`;
  if (!existsSync(out)) {
    const started = performance.now();
    await promisify(execFile)(process.execPath, [BUILD_SCRIPT, out], {
      cwd: REPO_ROOT,
      timeout: 180_000,
    });
    t.comment(
      `built the StarlingMonkey component in ${(performance.now() - started).toFixed(0)} ms`,
    );
  }
  return readFile(out);
}

interface Exchange {
  guest: FakeGuest;
  status?: number;
  headers: Map<string, string>;
  body: string;
  ended: boolean;
  error?: string;
  thrown?: unknown;
  ms: { instantiate: number; handle: number };
}

function recordInto(exchange: Exchange): ResponseSink {
  const decoder = new TextDecoder();
  return {
    head(status, headers) {
      exchange.status = status;
      for (const [name, value] of headers) exchange.headers.set(name, decoder.decode(value));
    },
    body: (chunk) => void (exchange.body += decoder.decode(chunk)),
    end: () => void (exchange.ended = true),
    error: (code) => void (exchange.error = code),
  };
}

interface RequestSpec {
  method?: string;
  path: string;
  body?: string;
  headers?: [string, string][];
}

type Handler = (request: object, outparam: object) => unknown;

/** Serves each request in turn on one instance (or a fresh one each when `fresh`). */
async function serve(
  component: LoadedComponent,
  requests: RequestSpec[],
  fresh: boolean,
): Promise<Exchange[]> {
  const exchanges: Exchange[] = [];
  let shared:
    { guest: FakeGuest; host: ReturnType<typeof createWasiP2Host>; handle: Handler } | undefined;
  for (const spec of requests) {
    const started = performance.now();
    if (fresh || !shared) {
      const guest = fakeGuest({ env: [['HOSTNAME', 'kubia-abc']] });
      const host = createWasiP2Host(guest.ctx, { createFilesystem: noFilesystem });
      const exports = await component.instantiate(host.imports);
      const handle = exportedInterface(exports, 'wasi:http/incoming-handler').handle as Handler;
      shared = { guest, host, handle };
    }
    const instantiated = performance.now();
    const { guest, host, handle } = shared;
    const exchange: Exchange = {
      guest,
      headers: new Map(),
      body: '',
      ended: false,
      ms: { instantiate: instantiated - started, handle: 0 },
    };
    const encoder = new TextEncoder();
    const outparam = host.http.responseOutparam(recordInto(exchange));
    try {
      await handle(
        host.http.incomingRequest({
          method: spec.method ?? 'GET',
          scheme: 'http',
          authority: 'localhost:8080',
          pathWithQuery: spec.path,
          headers: (spec.headers ?? []).map(([n, v]) => [n, encoder.encode(v)]),
          body: bytesSource(encoder.encode(spec.body ?? '')),
        }),
        outparam,
      );
    } catch (error) {
      exchange.thrown = error;
    }
    host.http.settle(outparam);
    exchange.ms.handle = performance.now() - instantiated;
    exchanges.push(exchange);
  }
  return exchanges;
}

let component: LoadedComponent;

t.test(
  'StarlingMonkey fetch-event handler',
  { skip: !available && 'componentize-js missing' },
  async (t) => {
    component = await loadComponent(await buildComponent());

    t.test('imports most of WASI 0.2, all provided', async (t) => {
      for (const name of [
        'wasi:http/types',
        'wasi:io/poll',
        'wasi:clocks/monotonic-clock',
        'wasi:filesystem/types',
        'wasi:cli/environment',
      ]) {
        t.ok(component.imports.includes(name), name);
      }
    });

    t.test('answers on fresh instances', async (t) => {
      const runs = await serve(
        component,
        Array.from({ length: 4 }, () => ({ path: '/' })),
        true,
      );
      for (const [i, run] of runs.entries()) {
        t.equal(run.status, 200, `request ${i}: status`);
        t.equal(run.body, "You've hit kubia-abc\n", `request ${i}: body`);
        t.ok(run.ended, `request ${i}: finished`);
        t.equal(run.headers.get('content-type'), 'text/plain');
        t.equal(run.guest.stdout.text(), 'serving /\n', `request ${i}: console.log reached stdout`);
      }
      const line = runs.map((r) => `${r.ms.instantiate.toFixed(1)}+${r.ms.handle.toFixed(1)}`);
      t.comment(`StarlingMonkey instantiate+handle ms per request: ${line.join(', ')}`);
    });

    t.test('reads the request: method, url, headers, body', async (t) => {
      const [echo, info] = await serve(
        component,
        [
          { method: 'POST', path: '/echo', body: 'the body' },
          { path: '/info?x=1', headers: [['x-test', 'hi']] },
        ],
        true,
      );
      t.equal(echo?.body, 'POST the body');
      t.equal(echo?.headers.get('x-echo'), 'yes');
      const json = JSON.parse(info?.body ?? '{}') as Record<string, unknown>;
      t.equal(json.url, 'http://localhost:8080/info?x=1');
      t.equal(json.header, 'hi');
      t.equal(json.randomBytes, 8);
      t.ok(Math.abs(Number(json.now) - Date.now()) < 60_000, 'Date.now() from the wall clock');
    });

    t.test('fetch() is denied (no egress yet)', async (t) => {
      const [run] = await serve(component, [{ path: '/fetch' }], true);
      t.equal(run?.status, 502);
      t.match(run?.body, /^fetch failed/);
    });

    t.test('a throwing handler: 500 head, body never finished', async (t) => {
      const [run] = await serve(component, [{ path: '/throw' }], true);
      t.equal(run?.status, 500);
      t.equal(run?.error, 'HTTP-response-incomplete', 'settle reports the unfinished body');
      t.match(run?.guest.stderr.text(), /handler failed/);
    });

    t.test('one instance answers only one request', async (t) => {
      const [first, second] = await serve(component, [{ path: '/' }, { path: '/' }], false);
      t.equal(first?.status, 200);
      t.equal(second?.status, undefined, 'no response for the second request');
      t.equal(second?.error, 'internal-error', 'settle reports the missing response');
      t.match(second?.guest.stderr.text(), /respondWith can't be called twice/);
    });
  },
);
