// `get --sort-by`: kubectl's order of field values.

import t from 'tap';
import { sortByField } from '../../sdk/cli/kube/sort-by.js';

const objects = [
  { metadata: { name: 'b', creationTimestamp: '2026-01-02T00:00:00Z' }, spec: { replicas: 10 } },
  { metadata: { name: 'c', creationTimestamp: '2026-01-01T00:00:00Z' } },
  { metadata: { name: 'a', creationTimestamp: '2026-01-03T00:00:00Z' }, spec: { replicas: 9 } },
];
const names = (items: readonly { metadata: { name: string } }[]) =>
  items.map((o) => o.metadata.name);
const self = <T>(item: T) => item;

t.test('numbers by value, strings by text, timestamps in time order', async (t) => {
  t.same(names(sortByField(objects, self, '.metadata.name')), ['a', 'b', 'c']);
  t.same(names(sortByField(objects, self, '{.metadata.creationTimestamp}')), ['c', 'b', 'a']);
  t.same(
    names(sortByField(objects, self, 'spec.replicas')),
    ['c', 'a', 'b'],
    '9 before 10; absent first',
  );
});

t.test('ties keep their order; booleans false first', async (t) => {
  const flags = [
    { metadata: { name: 'x' }, spec: { paused: true } },
    { metadata: { name: 'y' }, spec: { paused: false } },
    { metadata: { name: 'z' }, spec: { paused: true } },
  ];
  t.same(names(sortByField(flags, self, '.spec.paused')), ['y', 'x', 'z']);
});

t.test('a field no object has, and an empty expression, are errors', async (t) => {
  t.throws(() => sortByField(objects, self, '.status.phase'), {
    message: 'couldn\'t find any field with path "{.status.phase}" in the list of objects',
  });
  t.throws(() => sortByField(objects, self, '{}'), {
    message: '--sort-by needs a JSONPath expression',
  });
  t.same(sortByField([], self, '.status.phase'), [], 'an empty list sorts');
});
