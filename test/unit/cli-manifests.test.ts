import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { parseManifests, readManifests } from '../../sdk/cli/kube/manifests.js';

async function tempDir(t: Test): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-manifests-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const names = (read: { manifests: readonly { object: { metadata?: { name?: string } } }[] }) =>
  read.manifests.map((m) => m.object.metadata?.name);

t.test('multi-document YAML: every object in order, empty documents skipped', async (t) => {
  const text = `---
apiVersion: v1
kind: Pod
metadata:
  name: a
spec:
  containers:
  - name: c
    image: kubia
---
# only a comment
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: b}
...
`;
  const read = parseManifests(text, 'x.yaml');
  t.same(read.errors, []);
  t.same(names(read), ['a', 'b']);
  t.equal(read.manifests[0]?.source, 'x.yaml');
  t.same(read.manifests[0]?.object, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'a' },
    spec: { containers: [{ name: 'c', image: 'kubia' }] },
  });
});

t.test('JSON documents and List kinds are flattened', async (t) => {
  const json = JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: '1' } },
    ],
  });
  t.same(names(parseManifests(json, 'list.json')), ['s', 'cm']);
  const podList = `apiVersion: v1
kind: PodList
items:
- {apiVersion: v1, kind: Pod, metadata: {name: p1}}
- {apiVersion: v1, kind: Pod, metadata: {name: p2}}
`;
  t.same(names(parseManifests(podList, 'pods.yaml')), ['p1', 'p2']);
  t.same(
    names(parseManifests('{"apiVersion":"v1","kind":"Pod","metadata":{"name":"j"}}', 'p.json')),
    ['j'],
  );
});

t.test('errors name the file and the document, keeping the documents before', async (t) => {
  const missingKind = `apiVersion: v1
kind: Pod
metadata: {name: ok}
---
apiVersion: v1
metadata: {name: bad}
---
apiVersion: v1
kind: Pod
metadata: {name: never}
`;
  const read = parseManifests(missingKind, 'app.yaml');
  t.same(names(read), ['ok']);
  t.same(read.errors, [
    'error validating "app.yaml" (document 2): error validating data: kind not set',
  ]);

  const single = parseManifests('metadata: {name: x}\n', 'one.yaml');
  t.same(single.errors, [
    'error validating "one.yaml": error validating data: [apiVersion not set, kind not set]',
  ]);

  const broken = parseManifests('apiVersion: v1\nkind: Pod\n---\nmetadata: [\n', 'broken.yaml');
  t.equal(broken.manifests.length, 1);
  t.match(
    broken.errors[0],
    /^error parsing broken\.yaml \(document 2\): error converting YAML to JSON: yaml: line \d+: /,
  );

  const list = parseManifests(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'v1', kind: 'Pod' }, 3],
    }),
    'l.json',
  );
  t.same(list.errors, [
    'error validating "l.json" (item 2 of the List): error validating data: the document is not an object',
  ]);
  const duplicate = parseManifests('apiVersion: v1\nkind: Pod\nkind: Service\n', 'dup.yaml');
  t.match(duplicate.errors[0], /^error parsing dup\.yaml: .*yaml: line 3: /);
  t.match(
    parseManifests('apiVersion: v1\nkind: Pod\nmetadata: 3\n', 'm.yaml').errors[0],
    /metadata is not an object/,
  );
});

t.test('directories: manifest files sorted, subdirectories only with -R', async (t) => {
  const dir = await tempDir(t);
  const pod = (name: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n`;
  await writeFile(path.join(dir, 'b.yaml'), pod('b'));
  await writeFile(path.join(dir, 'a.yml'), pod('a'));
  await writeFile(
    path.join(dir, 'c.json'),
    JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'c' } }),
  );
  await writeFile(path.join(dir, 'notes.txt'), 'not a manifest');
  await mkdir(path.join(dir, 'sub', 'deeper'), { recursive: true });
  await writeFile(path.join(dir, 'sub', 'd.yaml'), pod('d'));
  await writeFile(path.join(dir, 'sub', 'deeper', 'e.yaml'), pod('e'));

  t.same(names(await readManifests([dir])), ['a', 'b', 'c']);
  t.same(names(await readManifests([dir], { recursive: true })), ['a', 'b', 'c', 'd', 'e']);
  const read = await readManifests([path.join(dir, 'sub', 'd.yaml'), '-', path.join(dir, 'nope')], {
    stdin: async () => pod('from-stdin'),
  });
  t.same(names(read), ['d', 'from-stdin']);
  t.equal(read.manifests[1]?.source, 'STDIN');
  t.same(read.errors, [`the path "${path.join(dir, 'nope')}" does not exist`]);
  const sourced = await readManifests([dir]);
  t.equal(sourced.manifests[0]?.source, path.join(dir, 'a.yml'), 'each object names its file');
});
