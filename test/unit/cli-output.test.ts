import t from 'tap';
import { formatAge, formatSize, formatTable } from '../../sdk/cli/output/table.js';

t.test('tables align like kubectl get', async (t) => {
  const text = formatTable(
    ['REPOSITORY', 'TAG', 'SIZE'],
    [
      ['127.0.0.1:5000/team/kubia', 'v1', '24.1kB'],
      ['busybox', 'latest', '71.5kB'],
    ],
  );
  t.equal(
    text,
    'REPOSITORY                  TAG      SIZE\n' +
      '127.0.0.1:5000/team/kubia   v1       24.1kB\n' +
      'busybox                     latest   71.5kB\n',
  );
});

t.test('ages and sizes read like docker images', async (t) => {
  const now = new Date('2026-01-10T12:00:00Z');
  t.equal(formatAge(new Date('2026-01-10T11:59:59Z'), now), 'Just now');
  t.equal(formatAge(new Date('2026-01-10T11:55:00Z'), now), '5 minutes ago');
  t.equal(formatAge(new Date('2026-01-10T11:00:00Z'), now), 'About an hour ago');
  t.equal(formatAge(new Date('2026-01-08T12:00:00Z'), now), '2 days ago');
  t.equal(formatSize(512), '512B');
  t.equal(formatSize(24_100), '24.1kB');
  t.equal(formatSize(20_971_520), '21MB');
});
