// copyJson: the deep copy every write makes of its object (several times), and
// what it must keep exactly as structuredClone did.

import t from 'tap';
import { copyJson, deepEqual } from '../../controlplane/api/json-values.js';

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
