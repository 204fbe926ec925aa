// A real `skiff controlplane` process for end-to-end tests: a temp data dir,
// a free port on 127.0.0.1, and what its kubeconfig says.

import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Agent, fetch } from 'undici';
import type { Response } from 'undici';
import { parse } from 'yaml';
import { finished, startSkiff, stderrMatching } from './cli.js';
import { freePort } from './free-port.js';

export interface TestControlPlane {
  /** `https://127.0.0.1:PORT` */
  readonly server: string;
  readonly token: string;
  /** PEM of the cluster CA (the kubeconfig's certificate-authority-data). */
  readonly caCertificate: string;
  /** An undici dispatcher that trusts the cluster CA, for fetch and clients. */
  readonly dispatcher: Agent;
  readonly kubeconfig: string;
  readonly dataDir: string;
  readonly process: ChildProcess;
  /** fetch with the admin token; JSON bodies are serialised. */
  request(
    method: string,
    urlPath: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

interface KubeconfigShape {
  clusters?: { cluster?: { server?: string; 'certificate-authority-data'?: string } }[];
  users?: { user?: { token?: string } }[];
}

/** Starts `skiff controlplane` (reusing `dataDir` when given, to test restarts; `--store` when given). */
export async function startControlPlane(
  options: { dataDir?: string; store?: 'lmdb' | 'memory' } = {},
): Promise<TestControlPlane> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'skiff-cp-')));
  const port = await freePort();
  const child = startSkiff([
    'controlplane',
    '--data-dir',
    dataDir,
    '--listen',
    `127.0.0.1:${port}`,
    ...(options.store ? ['--store', options.store] : []),
  ]);
  const exited = finished(child, 24 * 3600 * 1000);
  await stderrMatching(child, /kubeconfig/i, 30_000);
  const kubeconfig = path.join(dataDir, 'kubeconfig.yaml');
  const config = parse(await readFile(kubeconfig, 'utf8')) as KubeconfigShape;
  const server = config.clusters?.[0]?.cluster?.server ?? `https://127.0.0.1:${port}`;
  const token = config.users?.[0]?.user?.token ?? '';
  const caCertificate = Buffer.from(
    config.clusters?.[0]?.cluster?.['certificate-authority-data'] ?? '',
    'base64',
  ).toString();
  const dispatcher = new Agent({ connect: { ca: caCertificate } });
  let stopping: Promise<void> | undefined;
  return {
    server,
    token,
    caCertificate,
    dispatcher,
    kubeconfig,
    dataDir,
    process: child,
    request(method, urlPath, body, headers = {}) {
      const isText = typeof body === 'string' || body instanceof Uint8Array;
      return fetch(server + urlPath, {
        dispatcher,
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined || isText ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: isText ? (body as string) : JSON.stringify(body) }),
      });
    },
    // Once: a test may stop the server itself and again at teardown.
    stop(signal = 'SIGTERM') {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        await exited.catch(() => undefined);
        await dispatcher.close();
        if (!options.dataDir && signal !== 'SIGKILL')
          await rm(dataDir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}
