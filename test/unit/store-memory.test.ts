// The Store contract against the memory store, and what is particular to it.

import t from 'tap';
import { MemoryStore } from '../../controlplane/store/index.js';
import { storeSuite, waitFor } from './store-suite.js';

storeSuite('memory', async (options) => new MemoryStore({ ...options }));

t.test('memory: automatic compaction keeps the configured history', async (t) => {
  const store = new MemoryStore({ compaction: { intervalMs: 20, retainRevisions: 5 } });
  t.teardown(() => store.close());
  for (let i = 0; i < 30; i++) await store.create(`/a/${i}`, i);
  await waitFor(() => store.compactedRevision() === 25, 5000, 'a compaction');
  t.equal((await store.list('/a/')).items.length, 30);
});
