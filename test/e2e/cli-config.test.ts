// `skiff config` on kubeconfig files, as kubectl config reads and writes
// them: merged across $KUBECONFIG, credentials hidden, changes written to the
// file that holds what they change, comments kept.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { skiff } from '../helpers/cli.js';

const work = await mkdtemp(path.join(os.tmpdir(), 'skiff-config-'));
t.teardown(() => rm(work, { recursive: true, force: true }));

const first = path.join(work, 'first.yaml');
const second = path.join(work, 'second.yaml');
await writeFile(
  first,
  `# the team's cluster
apiVersion: v1
kind: Config
clusters:
- name: team
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: ${Buffer.from('not a real CA').toString('base64')}
users:
- name: alice
  user:
    token: secret-token
contexts:
- name: team
  context: {cluster: team, user: alice, namespace: shop}
current-context: team
`,
);
await writeFile(
  second,
  `apiVersion: v1
kind: Config
clusters:
- name: lab
  cluster: {server: https://127.0.0.1:7443}
users:
- name: bob
  user: {token: other-token}
contexts:
- name: lab
  context: {cluster: lab, user: bob}
- name: team
  context: {cluster: lab, user: bob, namespace: shadowed}
`,
);
const config = (...args: string[]) =>
  skiff(['config', ...args], { env: { KUBECONFIG: `${first}${path.delimiter}${second}` } });

t.test('view: merged, the first file winning, credentials hidden unless --raw', async (t) => {
  const view = await config('view');
  t.equal(view.code, 0, view.stderr);
  const merged = parse(view.stdout) as Record<string, unknown>;
  t.match(merged, {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'team',
    clusters: [
      { name: 'team', cluster: { 'certificate-authority-data': 'DATA+OMITTED' } },
      { name: 'lab', cluster: { server: 'https://127.0.0.1:7443' } },
    ],
    users: [
      { name: 'alice', user: { token: 'REDACTED' } },
      { name: 'bob', user: { token: 'REDACTED' } },
    ],
    contexts: [
      { name: 'team', context: { namespace: 'shop' } },
      { name: 'lab', context: { cluster: 'lab' } },
    ],
  });
  const minified = parse((await config('view', '--minify', '--raw')).stdout) as {
    users: { user: { token: string } }[];
    clusters: unknown[];
  };
  t.equal(minified.clusters.length, 1);
  t.same(minified.users, [{ name: 'alice', user: { token: 'secret-token' } }]);
});

t.test('current-context and get-contexts', async (t) => {
  t.equal((await config('current-context')).stdout, 'team\n');
  const contexts = await config('get-contexts');
  t.equal(
    contexts.stdout,
    'CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE\n' +
      '*         team   team      alice      shop\n' +
      '          lab    lab       bob        \n',
  );
  t.equal((await config('get-contexts', '-o', 'name')).stdout, 'team\nlab\n');
  const missing = await config('get-contexts', 'nope');
  t.equal(missing.code, 1);
  t.equal(missing.stderr, 'error: context "nope" not found\n');
});

t.test('changes go to the file that holds them; comments stay', async (t) => {
  const switched = await config('use-context', 'lab');
  t.equal(switched.stdout, 'Switched to context "lab".\n', switched.stderr);
  t.match(await readFile(first, 'utf8'), /^# the team's cluster\n[\s\S]*current-context: lab/);
  t.notMatch(await readFile(second, 'utf8'), /current-context/);

  const namespaced = await config('set-context', '--current', '--namespace=tests');
  t.equal(namespaced.stdout, 'Context "lab" modified.\n', namespaced.stderr);
  t.match(parse(await readFile(second, 'utf8')), {
    contexts: [{ name: 'lab', context: { cluster: 'lab', user: 'bob', namespace: 'tests' } }],
  });

  const created = await config('set-context', 'fresh', '--cluster=lab', '--user=alice');
  t.equal(created.stdout, 'Context "fresh" created.\n');
  t.match(parse(await readFile(first, 'utf8')), {
    contexts: [{ name: 'team' }, { name: 'fresh', context: { cluster: 'lab', user: 'alice' } }],
  });

  const unknown = await config('use-context', 'nope');
  t.equal(unknown.code, 1);
  t.equal(unknown.stderr, 'error: no context exists with the name: "nope"\n');
  t.equal((await config('current-context')).stdout, 'lab\n', 'nothing changed');
});
