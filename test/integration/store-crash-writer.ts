// The writer the store's crash test kills: opens the store in argv[2], prints
// "ready", then creates keys from 16 concurrent writers forever, printing each
// key once its create resolved (so only acknowledged writes are printed).

import { openLmdbStore } from '../../controlplane/store/index.js';

const [dir, round = '0'] = process.argv.slice(2);
if (!dir) throw new Error('usage: store-crash-writer <dir> [round]');
const store = await openLmdbStore({ path: dir, compaction: false });
process.stdout.write('ready\n');
let next = 0;
const pad = 'x'.repeat(1500);
await Promise.all(
  Array.from({ length: 16 }, async (_, writer) => {
    for (;;) {
      const n = next++;
      const key = `/crash/${round}/${writer}/${n}`;
      await store.create(key, { round, writer, n, pad });
      process.stdout.write(`${key}\n`);
    }
  }),
);
