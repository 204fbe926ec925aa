// wasi:http/types.fields: validation, forbidden and immutable headers, order,
// case-insensitivity, clones.

import t from 'tap';
import { Fields } from '../../runtime/wasm/guest/wasi-p2/http/fields.js';
import { thrownBy } from './wasi-p2-support/fake-guest.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (values: Uint8Array[]) => values.map((v) => new TextDecoder().decode(v));

t.test('a new fields is empty and mutable', async (t) => {
  const fields = new Fields();
  t.same(fields.entries(), []);
  fields.append('Content-Type', bytes('text/plain'));
  fields.append('x-multi', bytes('1'));
  fields.append('X-Multi', bytes('2'));
  t.ok(fields.has('content-type'));
  t.ok(fields.has('CONTENT-TYPE'), 'names are case-insensitive');
  t.notOk(fields.has('absent'));
  t.same(text(fields.get('x-multi')), ['1', '2']);
  t.same(fields.get('absent'), []);
  t.same(
    fields.entries().map(([n, v]) => [n, new TextDecoder().decode(v)]),
    [
      ['content-type', 'text/plain'],
      ['x-multi', '1'],
      ['x-multi', '2'],
    ],
    'entries keep order, names lower-cased',
  );
  fields.set('X-Multi', [bytes('3')]);
  t.same(text(fields.get('x-multi')), ['3']);
  fields.set('x-multi', []);
  t.notOk(fields.has('x-multi'));
  fields.delete('content-type');
  t.same(fields.entries(), []);
});

t.test('invalid names and values are invalid-syntax', async (t) => {
  const fields = new Fields();
  const invalid = { tag: 'invalid-syntax' };
  t.same(
    thrownBy(() => fields.append('bad name', bytes('v'))),
    invalid,
  );
  t.same(
    thrownBy(() => fields.append('', bytes('v'))),
    invalid,
  );
  t.same(
    thrownBy(() => fields.append('x:y', bytes('v'))),
    invalid,
  );
  t.same(
    thrownBy(() => fields.append('ok', bytes('bad\nvalue'))),
    invalid,
  );
  t.same(
    thrownBy(() => fields.append('ok', bytes('nul\0'))),
    invalid,
  );
  t.same(
    thrownBy(() => fields.set('ok', [bytes('fine'), bytes('bad\r')])),
    invalid,
  );
  t.same(
    thrownBy(() => fields.delete('bad name')),
    invalid,
  );
  t.same(
    thrownBy(() => Fields.fromList([['bad header', bytes('v')]])),
    invalid,
  );
  t.same(
    thrownBy(() => Fields.fromList([['ok', bytes('bad\nvalue')]])),
    invalid,
  );
  fields.append('ok', bytes('tab\tand obs-text \xff'));
  t.equal(fields.get('ok').length, 1, 'tabs and high bytes are fine');
  t.same(fields.entries().length, 1, 'failed calls changed nothing');
});

t.test('connection-level headers are forbidden', async (t) => {
  const fields = new Fields();
  const forbidden = { tag: 'forbidden' };
  for (const name of ['Connection', 'keep-alive', 'Host', 'transfer-encoding', 'Upgrade']) {
    t.same(
      thrownBy(() => fields.append(name, bytes('x'))),
      forbidden,
      name,
    );
  }
  t.same(
    thrownBy(() => fields.set('host', [bytes('x')])),
    forbidden,
  );
  t.same(
    thrownBy(() => fields.delete('connection')),
    forbidden,
  );
  t.same(
    thrownBy(() => Fields.fromList([['proxy-connection', bytes('x')]])),
    forbidden,
  );
});

t.test('fromList builds mutable fields in order', async (t) => {
  const fields = Fields.fromList([
    ['A', bytes('1')],
    ['b', bytes('2')],
    ['a', bytes('3')],
  ]);
  t.same(text(fields.get('a')), ['1', '3']);
  fields.append('c', bytes('4'));
  t.equal(fields.entries().length, 4);
});

t.test('host-made fields are immutable; clones are mutable copies', async (t) => {
  const frozen = Fields.fromHost([['x', bytes('1')]]);
  const immutable = { tag: 'immutable' };
  t.same(
    thrownBy(() => frozen.append('y', bytes('2'))),
    immutable,
  );
  t.same(
    thrownBy(() => frozen.set('x', [])),
    immutable,
  );
  t.same(
    thrownBy(() => frozen.delete('x')),
    immutable,
  );
  t.same(
    thrownBy(() => frozen.append('bad name', bytes('2'))),
    immutable,
    'immutable comes first',
  );
  const clone = frozen.clone();
  clone.append('y', bytes('2'));
  t.equal(clone.entries().length, 2);
  t.equal(frozen.entries().length, 1, 'the original is untouched');
  const copy = clone.frozenCopy();
  clone.delete('y');
  t.equal(copy.entries().length, 2, 'a frozen copy does not follow its source');
  t.same(
    thrownBy(() => copy.delete('y')),
    immutable,
  );
});

t.test('values handed out are copies', async (t) => {
  const fields = Fields.fromList([['a', bytes('1')]]);
  const [[, value] = ['', new Uint8Array()]] = fields.toEntries();
  value[0] = 0x39;
  t.same(text(fields.get('a')), ['1']);
});
