// kubectl's output templates as `skiff get -o jsonpath=... | custom-columns=...`
// prints them: paths, ranges, literals, filters, escaped label keys, missing
// keys, and the errors kubectl gives for malformed templates.

import t from 'tap';
import { customColumnRows, parseCustomColumns } from '../../sdk/cli/kube/custom-columns.js';
import { templateOutput, TemplatePrinter } from '../../sdk/cli/kube/template-printer.js';
import type { KubeObject } from '../../controlplane/api/types.js';
import { executeJsonPathTemplate, parseJsonPathTemplate } from '../../sdk/cli/kube/jsonpath.js';

const list = {
  kind: 'List',
  items: [
    {
      metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'web', tier: 'front' } },
      spec: {
        containers: [
          { name: 'main', image: 'x:1' },
          { name: 'side', image: 'y:1' },
        ],
      },
      status: {
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'Other', status: 'False' },
        ],
      },
    },
    { metadata: { name: 'b' }, spec: { containers: [{ name: 'main', image: 'x:2' }] } },
  ],
};

const run = (template: string, data: unknown = list) =>
  executeJsonPathTemplate(parseJsonPathTemplate(template), data);

t.test('paths: fields, wildcards, indexes, filters, recursion, escaped dots', async (t) => {
  t.equal(run('{.items[*].metadata.name}'), 'a b', 'matches are joined by spaces');
  t.equal(run('{.items[0].spec.containers[1].image}'), 'y:1');
  t.equal(run('{.items[-1:].metadata.name}'), 'b');
  t.equal(run('{.items[0].status.conditions[?(@.type=="Ready")].status}'), 'True');
  t.equal(run('{.items[0].metadata.labels.app\\.kubernetes\\.io/name}'), 'web');
  t.equal(run('{$.kind}'), 'List');
  t.equal(run('{.items[1].metadata.labels}'), '', 'a missing key prints nothing');
  t.equal(run('{.items[0].metadata.labels}'), '{"app.kubernetes.io/name":"web","tier":"front"}');
  t.equal(run('{..image}'), 'x:1 y:1 x:2');
});

t.test('text, literals and ranges', async (t) => {
  t.equal(
    run('{range .items[*]}{.metadata.name}{"\\t"}{.spec.containers[*].image}{"\\n"}{end}'),
    'a\tx:1 y:1\nb\tx:2\n',
  );
  t.equal(run('names: {.items[*].metadata.name}!'), 'names: a b!');
  t.equal(
    run('{range .items[*]}{range .spec.containers[*]}{.name},{end};{end}'),
    'main,side,;main,;',
    'ranges nest',
  );
  t.equal(run("{'}'}"), '}', 'a brace inside a literal');
});

t.test('malformed templates are refused with kubectl’s words', async (t) => {
  t.throws(() => parseJsonPathTemplate('{.spec'), { message: /unclosed action/ });
  t.throws(() => parseJsonPathTemplate('{end}'), { message: /not in range, nothing to end/ });
  t.throws(() => parseJsonPathTemplate('{range .items[*]}{.a}'), { message: /unclosed range/ });
  t.throws(() => parseJsonPathTemplate('{.items[0}'), { message: /unterminated array/ });
});

t.test('custom columns: a row per object, <none>, Go-printed maps', async (t) => {
  const columns = parseCustomColumns(
    'NAME:.metadata.name,IMAGES:.spec.containers[*].image,LABELS:metadata.labels,X:{.nope}',
  );
  t.same(customColumnRows(columns, list.items, true), [
    ['NAME', 'IMAGES', 'LABELS', 'X'],
    ['a', 'x:1,y:1', 'map[app.kubernetes.io/name:web tier:front]', '<none>'],
    ['b', 'x:2', '<none>', '<none>'],
  ]);
  t.same(customColumnRows(columns, list.items, false).length, 2, 'no header with --no-headers');
  t.throws(() => parseCustomColumns('NAME'), { message: /expected <header>:<json-path-expr>/ });
  t.throws(() => parseCustomColumns(''), { message: /no custom columns given/ });
});

t.test('-o values, and printing a watch one object at a time', async (t) => {
  t.equal(templateOutput('yaml'), undefined, 'other formats are not templates');
  t.throws(() => templateOutput('jsonpath'), { message: /no template given/ });
  t.throws(() => templateOutput('jsonpath={.a'), { name: 'CliError' });
  const columns = templateOutput('custom-columns=NAME:.metadata.name');
  const objects = list.items as unknown as KubeObject[];
  if (!columns) throw new Error('custom-columns not parsed');
  const printer = new TemplatePrinter(columns, true);
  t.same(
    objects.map((o) => printer.print(o)),
    ['NAME\na\n', 'b\n'],
    'the header once, then a row per object',
  );
  const path = templateOutput('jsonpath={.metadata.name}{"\\n"}');
  if (!path) throw new Error('jsonpath not parsed');
  const each = new TemplatePrinter(path, true);
  t.same(
    objects.map((o) => each.print(o)),
    ['a\n', 'b\n'],
    'each object is the root',
  );
});
