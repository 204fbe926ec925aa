// The LMDB store's memory of recent values: least recently used keys go
// first, an older revision never replaces a newer one, deleted keys are
// forgotten.

import t from 'tap';
import { RecentValues } from '../../controlplane/store/recent-values.js';

const at = (key: string, revision: number) => ({
  key,
  value: { revision },
  revision,
  createRevision: 1,
});

t.test('keeps the latest value of each key, at most capacity keys', async (t) => {
  const recent = new RecentValues(2);
  recent.record(at('/a', 1));
  recent.record(at('/b', 2));
  t.equal(recent.get('/a')?.revision, 1, '/a is now the most recently used');
  recent.record(at('/c', 3));
  t.equal(recent.get('/b'), undefined, 'the least recently used key went');
  t.equal(recent.get('/a')?.revision, 1);
  t.equal(recent.get('/c')?.revision, 3);
});

t.test('an older revision does not replace a newer one', async (t) => {
  const recent = new RecentValues(4);
  recent.record(at('/a', 5));
  recent.record(at('/a', 4));
  t.equal(recent.get('/a')?.revision, 5);
  recent.record(at('/a', 6));
  t.equal(recent.get('/a')?.revision, 6);
});

t.test('a forgotten key is read again', async (t) => {
  const recent = new RecentValues(4);
  recent.record(at('/a', 1));
  recent.forget('/a');
  t.equal(recent.get('/a'), undefined);
  recent.record(at('/b', 2));
  recent.clear();
  t.equal(recent.get('/b'), undefined);
});
