// An image store in a temp dir, closed and removed when the test ends.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Test } from 'tap';
import type { LocalImageStore } from '../../runtime/images/store/index.js';
import { createImageStore } from '../../runtime/images/store/index.js';

export async function openTestStore(t: Test): Promise<{ store: LocalImageStore; root: string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'skiff-images-'));
  const store = await createImageStore(root);
  t.teardown(async () => {
    await store.close();
    await rm(root, { recursive: true, force: true });
  });
  return { store, root };
}
