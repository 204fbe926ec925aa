// End to end, in this thread: the kubia wasi:http component (a C prototype, and
// the sample when it has been built) transpiled by jco and instantiated with
// Skiff's providers, one fresh instance per request as the worker does it.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { createWasiP2Host } from '../../runtime/wasm/guest/wasi-p2/index.js';
import type { ResponseSink } from '../../runtime/wasm/guest/wasi-p2/provider-types.js';
import { exportedInterface, loadComponent } from './wasi-p2-support/components.js';
import { bytesSource, fakeGuest } from './wasi-p2-support/fake-guest.js';
import { noFilesystem } from './wasi-p2-support/no-filesystem.js';
import { COMPONENT_FIXTURES, REPO_ROOT } from './wasi-p2-support/paths.js';

interface Answer {
  status?: number;
  headers: [string, string][];
  body: string;
  ended: boolean;
  error?: string;
}

function answerSink(): ResponseSink & { answer: Answer } {
  const answer: Answer = { headers: [], body: '', ended: false };
  const decoder = new TextDecoder();
  return {
    answer,
    head(status, headers) {
      answer.status = status;
      answer.headers = headers.map(([n, v]) => [n, decoder.decode(v)]);
    },
    body: (chunk) => void (answer.body += decoder.decode(chunk)),
    end: () => void (answer.ended = true),
    error: (code) => void (answer.error = code),
  };
}

const candidates = [
  ['C prototype', `${COMPONENT_FIXTURES}kubia-proto.wasm`],
  ['sample', `${REPO_ROOT}samples/kubia/kubia.wasm`],
] as const;

for (const [label, path] of candidates) {
  const skip = existsSync(path) ? false : `${path} is not built`;
  t.test(
    `kubia (${label}) answers "You've hit <hostname>" on fresh instances`,
    { skip },
    async (t) => {
      const component = await loadComponent(await readFile(path));
      const timings: number[] = [];
      for (let i = 0; i < 5; i++) {
        const guest = fakeGuest({ env: [['HOSTNAME', 'kubia-abc']] });
        const host = createWasiP2Host(guest.ctx, { createFilesystem: noFilesystem });
        const sink = answerSink();
        const started = performance.now();
        const exports = await component.instantiate(host.imports);
        const handler = exportedInterface(exports, 'wasi:http/incoming-handler');
        const outparam = host.http.responseOutparam(sink);
        handler.handle?.(
          host.http.incomingRequest({
            method: 'GET',
            scheme: 'http',
            authority: 'localhost:8080',
            pathWithQuery: `/?n=${i}`,
            headers: [['user-agent', new TextEncoder().encode('tap')]],
            body: bytesSource(new Uint8Array(0)),
          }),
          outparam,
        );
        host.http.settle(outparam);
        timings.push(performance.now() - started);
        t.equal(sink.answer.status, 200, `request ${i}: status`);
        t.equal(sink.answer.body, "You've hit kubia-abc\n", `request ${i}: body`);
        t.ok(sink.answer.ended, `request ${i}: body finished`);
        t.equal(sink.answer.error, undefined, `request ${i}: no error`);
      }
      const sorted = [...timings].sort((a, b) => a - b);
      t.comment(
        `${label}: instantiate+handle ms: first ${timings[0]?.toFixed(2)}, ` +
          `median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(2)}`,
      );
    },
  );
}
