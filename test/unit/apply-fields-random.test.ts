// Server-side apply's field sets on random pod-shaped objects (keyed lists,
// set lists, maps, atomic lists, scalars): the laws the ownership rules rely
// on hold for every one of them.

import t from 'tap';
import { patchMetaFor } from '../../controlplane/api/patch-meta.js';
import {
  addAll,
  copyFieldSet,
  fieldsOf,
  fromFieldsV1,
  intersect,
  isEmptyFieldSet,
  subtract,
  toFieldsV1,
} from '../../controlplane/services/apply/field-set.js';
import {
  changedFields,
  mergeApplied,
  removeFields,
} from '../../controlplane/services/apply/object-fields.js';
import { seededRandom } from '../fixtures/binary/wasm-test-kit.js';

const SEED = Number(process.env['SKIFF_APPLY_RANDOM_SEED'] ?? 20261127);
const OBJECTS = 200;
const POD = patchMetaFor('Pod');

function generator(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const some = <T>(make: (i: number) => T, max: number): T[] =>
    Array.from({ length: Math.floor(random() * (max + 1)) }, (_, i) => make(i));
  const unique = (prefix: string, max: number) => [
    ...new Set(some(() => `${prefix}${Math.floor(random() * 5)}`, max)),
  ];
  const container = (name: string) => ({
    name,
    ...(random() < 0.7
      ? { image: `registry.local/${pick(['a', 'b'])}:v${Math.floor(random() * 3)}` }
      : {}),
    ...(random() < 0.5 ? { args: some(() => pick(['-v', '--x', '1']), 3) } : {}),
    ...(random() < 0.5
      ? { env: unique('E', 3).map((n) => ({ name: n, value: pick(['1', '2']) })) }
      : {}),
    ...(random() < 0.4
      ? {
          ports: [...new Set(some(() => pick([80, 81, 82]), 2))].map((p) => ({ containerPort: p })),
        }
      : {}),
    ...(random() < 0.3
      ? { resources: random() < 0.5 ? {} : { limits: { cpu: pick(['1', '2']) } } }
      : {}),
  });
  return (): Record<string, unknown> => ({
    metadata: {
      ...(random() < 0.7
        ? { labels: Object.fromEntries(unique('l', 3).map((k) => [k, pick(['x', 'y'])])) }
        : {}),
      ...(random() < 0.4 ? { finalizers: unique('f', 2) } : {}),
    },
    spec: {
      containers: unique('c', 3).map(container),
      ...(random() < 0.5 ? { restartPolicy: pick(['Always', 'Never']) } : {}),
      ...(random() < 0.3 ? { tolerations: some(() => ({ key: pick(['a', 'b']) }), 2) } : {}),
    },
  });
}

const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as Record<string, unknown>;

t.test('field-set laws over random objects', async (t) => {
  const random = seededRandom(SEED);
  const next = generator(random);
  let failures = 0;
  const check = (ok: boolean, what: string, a: unknown, b?: unknown) => {
    if (ok) return;
    failures++;
    if (failures <= 5)
      t.fail(`${what} (seed ${SEED}): ${JSON.stringify(a)} ${JSON.stringify(b ?? '')}`);
  };
  for (let i = 0; i < OBJECTS; i++) {
    const a = next();
    const b = next();
    const setA = fieldsOf(a, POD);
    const setB = fieldsOf(b, POD);

    const back = fromFieldsV1(toFieldsV1(setA));
    check(
      !('error' in back) && JSON.stringify(toFieldsV1(back)) === JSON.stringify(toFieldsV1(setA)),
      'FieldsV1 round trip',
      a,
    );

    const rebuilt = addAll(copyFieldSet(subtract(setA, setB)), intersect(setA, setB));
    check(sameSet(rebuilt, setA), '(A−B) ∪ (A∩B) = A', a, b);
    check(isEmptyFieldSet(subtract(setA, setA)), 'A − A = ∅', a);

    check(
      JSON.stringify(mergeApplied({}, a, POD)) === JSON.stringify(a),
      'applying A to nothing gives A',
      a,
    );
    check(
      JSON.stringify(mergeApplied(a, a, POD)) === JSON.stringify(a),
      'applying A to A gives A',
      a,
    );

    const emptied = json(a);
    removeFields(emptied, setA, POD);
    check(Object.keys(emptied).length === 0, 'removing all of A leaves nothing', a, emptied);

    const same = changedFields(a, json(a), POD);
    check(
      isEmptyFieldSet(same.changed) && isEmptyFieldSet(same.removed),
      'A → A changes nothing',
      a,
    );
    const { changed, removed } = changedFields(a, b, POD);
    check(isEmptyFieldSet(subtract(changed, setB)), 'what changed is in B', a, b);
    check(isEmptyFieldSet(intersect(removed, setB)), 'what was removed is not in B', a, b);
  }
  t.equal(failures, 0, `${OBJECTS} random pairs`);
});

/** Two sets with the same members, whatever their JSON key order. */
function sameSet(a: ReturnType<typeof fieldsOf>, b: ReturnType<typeof fieldsOf>): boolean {
  return isEmptyFieldSet(subtract(a, b)) && isEmptyFieldSet(subtract(b, a));
}
