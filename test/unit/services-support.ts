// Support for the services tests: the stores they run against (memory and
// LMDB in a temp directory), and small helpers.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MemoryStore, openLmdbStore, type Store } from '../../controlplane/store/index.js';
import type { Test } from 'tap';
import { ApiError } from '../../controlplane/api/errors.js';
import {
  createApiServices,
  type ApiServices,
  type ApiServicesOptions,
} from '../../controlplane/services/index.js';

/** A store the services tests run against. */
export interface StoreFixture {
  readonly name: string;
  /** A fresh, empty store; closed (and its files removed) when `t` ends. */
  open(t: Test): Promise<Store>;
}

export const STORE_FIXTURES: readonly StoreFixture[] = [
  {
    name: 'memory',
    async open(t) {
      const store = new MemoryStore();
      t.teardown(() => store.close());
      return store;
    },
  },
  {
    name: 'lmdb',
    async open(t) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-services-'));
      const store = await openLmdbStore({ path: dir });
      t.teardown(async () => {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      });
      return store;
    },
  },
];

/** Services over a fresh store of `fixture`, bootstrapped. */
export async function openServices(
  t: Test,
  fixture: StoreFixture,
  options: Partial<ApiServicesOptions> = {},
): Promise<{ api: ApiServices; store: Store }> {
  const store = await fixture.open(t);
  const api = createApiServices({ store, ...options });
  await api.ready();
  return { api, store };
}

/** Asserts that `promise` rejects with an ApiError of `code` whose message matches `message`. */
export async function rejectsWith(
  t: Test,
  promise: Promise<unknown>,
  code: number,
  message?: string | RegExp,
  what = `fails with ${code}`,
): Promise<ApiError | undefined> {
  try {
    await promise;
    t.fail(`${what}: it succeeded`);
    return undefined;
  } catch (error) {
    if (!(error instanceof ApiError)) {
      t.fail(`${what}: not an ApiError: ${String(error)}`);
      return undefined;
    }
    t.equal(error.code, code, what);
    if (message !== undefined) {
      if (typeof message === 'string') t.equal(error.message, message, `${what}: message`);
      else t.match(error.message, message, `${what}: message`);
    }
    return error;
  }
}

/** A minimal valid pod. */
export function pod(
  name: string,
  extra: Record<string, unknown> = {},
): {
  apiVersion: string;
  kind: string;
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
} & Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'app', image: 'registry.example/app:v1' }] },
    ...extra,
  };
}

/** A minimal valid deployment. */
export function deployment(
  name: string,
  replicas = 1,
): { apiVersion: string; kind: string; metadata: { name: string }; spec: Record<string, unknown> } {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'registry.example/app:v1' }] },
      },
    },
  };
}
