// Crash safety of the reference counts: a process changing a store is killed
// with SIGKILL at random moments; each time, the store reopened in this
// process must hold counts equal to a full recount, and every blob a
// reference needs must be on disk.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parseReference } from '../../runtime/images/oci/reference.js';
import { createImageStore } from '../../runtime/images/store/index.js';

const churn = fileURLToPath(new URL('../fixtures/images/store-churn.js', import.meta.url));

/** Runs the churn process until it has worked for `ms`, then SIGKILLs it. */
async function churnAndKill(root: string, seed: number, ms: number): Promise<void> {
  const child = spawn(process.execPath, [churn, root, String(seed)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`churn exited early (${code})`)));
    child.stdout.once('data', () => resolve());
  });
  child.removeAllListeners('exit');
  await new Promise((resolve) => setTimeout(resolve, ms));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

t.test('counts survive SIGKILL at random moments', async (t) => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'skiff-crash-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  let sawImages = 0;
  for (let round = 1; round <= 8; round++) {
    await churnAndKill(root, round, 100 + ((round * 137) % 400));
    const store = await createImageStore(root);
    try {
      const report = store.verifyCounts();
      t.ok(report.consistent, `round ${round}: ${report.problems.join('; ') || 'consistent'}`);
      for (const image of await store.list()) {
        const { manifest } = await store.content(image);
        const needed = [
          image.manifestDigest,
          manifest.config.digest,
          ...manifest.layers.map((l) => l.digest),
        ];
        for (const digest of needed) {
          if (!(await store.blobs.has(digest)))
            t.fail(`round ${round}: ${image.reference} lacks ${digest}`);
        }
        sawImages++;
      }
    } finally {
      await store.close();
    }
  }
  t.ok(sawImages > 0, 'the churn got images recorded between kills');

  // After the crashes, a prune still leaves exactly what references use.
  const store = await createImageStore(root);
  t.teardown(() => store.close());
  for (const image of await store.list()) await store.remove(parseReference(image.reference));
  await store.prune();
  t.same(await store.blobs.list(), [], 'everything freed once nothing is referenced');
  t.ok(store.verifyCounts().consistent);
});
