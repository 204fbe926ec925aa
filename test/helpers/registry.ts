// A real OCI registry for tests: Debian's docker-registry (CNCF distribution
// 2.8) on 127.0.0.1. `.ci/run` starts two (plain and htpasswd basic auth) and
// exports their addresses; elsewhere each test file starts its own.

import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);
const REGISTRY_BIN = '/usr/bin/docker-registry';

export interface TestRegistry {
  /** `127.0.0.1:PORT` */
  readonly address: string;
  /** Basic-auth credentials, for a registry started with auth. */
  readonly credentials?: { readonly username: string; readonly password: string };
  stop(): Promise<void>;
}

/** Why registry tests cannot run here, or undefined when they can. */
export function registryUnavailable(): string | undefined {
  if (process.env.SKIFF_TEST_REGISTRY) return undefined;
  if (!existsSync(REGISTRY_BIN))
    return `${REGISTRY_BIN} is missing (apt-get install docker-registry)`;
  return undefined;
}

/** The CI-started registry when there is one, else a new one (stopped by `stop`). */
export async function testRegistry(options: { auth?: boolean } = {}): Promise<TestRegistry> {
  const fromEnv = options.auth
    ? process.env.SKIFF_TEST_REGISTRY_AUTH
    : process.env.SKIFF_TEST_REGISTRY;
  if (fromEnv) {
    const [username = 'skiff', password = 'skiff-secret'] = (
      process.env.SKIFF_TEST_REGISTRY_CREDENTIALS ?? ''
    ).split(':');
    return {
      address: fromEnv,
      ...(options.auth ? { credentials: { username, password } } : {}),
      stop: async () => undefined,
    };
  }
  return startRegistry(options);
}

async function startRegistry(options: { auth?: boolean }): Promise<TestRegistry> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-registry-'));
  const port = await freePort();
  const credentials = options.auth ? { username: 'skiff', password: 'skiff-secret' } : undefined;
  let auth = '';
  if (credentials) {
    const { stdout } = await run('htpasswd', ['-Bbn', credentials.username, credentials.password]);
    await writeFile(path.join(dir, 'htpasswd'), stdout);
    auth = `auth:\n  htpasswd:\n    realm: skiff-test\n    path: ${path.join(dir, 'htpasswd')}\n`;
  }
  const config = path.join(dir, 'config.yml');
  await writeFile(
    config,
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(dir, 'data')}\n` +
      `  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${auth}`,
  );
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', config], { stdio: 'ignore' });
  const address = `127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      const response = await fetch(`http://${address}/v2/`);
      if (response.status === 200 || response.status === 401) break;
    } catch {
      // Not listening yet.
    }
    if (i > 100) throw new Error(`docker-registry did not start on ${address}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    address,
    ...(credentials ? { credentials } : {}),
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
