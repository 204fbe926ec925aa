// copyJson: the deep copy every write makes of its object (several times), and
// what it must keep exactly as structuredClone did; rfc3339: the stamp of
// every create, remembered for its second.

import t from 'tap';
import { copyJson, deepEqual, rfc3339 } from '../../controlplane/api/json-values.js';

t.test('copyJson copies records, arrays and scalars deeply', async (t) => {
  const original = JSON.parse(
    '{"metadata":{"name":"a","labels":{"app":"x"}},"spec":{"containers":[{"name":"c","ports":[{"containerPort":80}]}],"n":null,"on":true}}',
  ) as Record<string, unknown>;
  const copy = copyJson(original);
  t.same(copy, original);
  t.ok(deepEqual(copy, original));
  const spec = copy['spec'] as { containers: { name: string }[] };
  spec.containers[0]!.name = 'changed';
  t.equal(
    (original['spec'] as { containers: { name: string }[] }).containers[0]!.name,
    'c',
    'the original is untouched',
  );
  t.ok(Array.isArray(spec.containers), 'arrays stay arrays');
});

t.test('copyJson keeps a `__proto__` field as a field, not a prototype', async (t) => {
  const original = JSON.parse('{"data":{"__proto__":{"polluted":true},"key":"v"}}') as {
    data: Record<string, unknown>;
  };
  const copy = copyJson(original);
  t.equal(Object.getPrototypeOf(copy.data), Object.prototype);
  t.equal((copy.data as { polluted?: boolean }).polluted, undefined);
  t.same(Object.keys(copy.data), ['__proto__', 'key']);
  t.equal(JSON.stringify(copy), JSON.stringify(original));
});

t.test('copyJson keeps fields set to undefined, as structuredClone does', async (t) => {
  const copy = copyJson({ a: undefined, b: [undefined, 1] });
  t.ok(Object.hasOwn(copy, 'a'));
  t.same(copy.b, [undefined, 1]);
});

t.test('rfc3339 stamps whole seconds, the same within a second and anew after it', async (t) => {
  t.equal(rfc3339(new Date('2026-11-26T15:04:05.123Z')), '2026-11-26T15:04:05Z');
  t.equal(rfc3339(new Date('2026-11-26T15:04:05.999Z')), '2026-11-26T15:04:05Z');
  t.equal(rfc3339(new Date('2026-11-26T15:04:06.000Z')), '2026-11-26T15:04:06Z');
  t.equal(rfc3339(new Date('2026-11-26T15:04:05.500Z')), '2026-11-26T15:04:05Z', 'back in time');
  t.equal(rfc3339(new Date('1969-12-31T23:59:59.500Z')), '1969-12-31T23:59:59Z', 'before 1970');
  t.equal(rfc3339(new Date(Date.UTC(10000, 0, 1))), '+010000-01-01T00:00:00Z', 'beyond 9999');
  t.throws(() => rfc3339(new Date(Number.NaN)), RangeError, 'an invalid date is refused');
});
