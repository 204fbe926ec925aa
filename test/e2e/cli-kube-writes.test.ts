// `skiff patch`, `scale`, `replace` and `edit` against a real `skiff
// controlplane`, checked the way a kubectl user checks them: what the command
// prints, and what the server holds afterwards — nothing changed when the
// command says it failed.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { skiff, type CliResult } from '../helpers/cli.js';
import { startControlPlane } from '../helpers/controlplane.js';

const controlPlane = await startControlPlane();
const work = await mkdtemp(path.join(os.tmpdir(), 'skiff-cli-writes-'));
t.teardown(async () => {
  await controlPlane.stop();
  await rm(work, { recursive: true, force: true });
});

const kube = (args: string[], env: Record<string, string> = {}, input?: string) =>
  skiff(args, { env: { KUBECONFIG: controlPlane.kubeconfig, ...env }, input });

/** The fields of deployments and config maps these tests read. */
interface StoredObject {
  readonly metadata: {
    readonly uid: string;
    readonly resourceVersion: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly spec: {
    readonly replicas: number;
    readonly template: {
      readonly spec: { readonly containers: { name: string; image: string; ports?: unknown }[] };
    };
  };
  readonly status: { readonly observedGeneration?: number };
  readonly data?: Record<string, string>;
}

/** The stored object, as `skiff get -o json` prints it. */
async function stored(type: string, name: string): Promise<StoredObject> {
  const got = await kube(['get', type, name, '-o', 'json']);
  if (got.code !== 0) throw new Error(got.stderr);
  return JSON.parse(got.stdout) as StoredObject;
}

function deployment(name: string, replicas: number, labels: Record<string, string> = {}): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: ${JSON.stringify({ tier: 'web', ...labels })}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - name: app
        image: registry.local/${name}:v1
        ports: [{containerPort: 8080}]
      - name: sidecar
        image: registry.local/sidecar:v1
`;
}

const created = async (manifest: string): Promise<CliResult> => {
  const result = await kube(['apply', '-f', '-'], {}, manifest);
  if (result.code !== 0) throw new Error(result.stderr);
  return result;
};

await created(deployment('front', 2));
await created(deployment('back', 1, { role: 'api' }));

t.test('patch: strategic (the default), merge in YAML, JSON patch, no change', async (t) => {
  const strategic = await kube([
    'patch',
    'deployment',
    'front',
    '-p',
    '{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"registry.local/front:v2"}]}}}}',
  ]);
  t.equal(strategic.code, 0, strategic.stderr);
  t.equal(strategic.stdout, 'deployment.apps/front patched\n');
  const containers = (await stored('deploy', 'front')).spec.template.spec.containers;
  t.same(
    containers.map((c) => [c.name, c.image]),
    [
      ['app', 'registry.local/front:v2'],
      ['sidecar', 'registry.local/sidecar:v1'],
    ],
    'the container list merged by name: the sidecar stays',
  );
  t.match(containers[0], { ports: [{ containerPort: 8080 }] }, 'fields not in the patch stay');

  const merge = await kube([
    'patch',
    'deploy/front',
    '--type',
    'merge',
    '-p',
    'metadata: {labels: {stage: beta}}',
  ]);
  t.equal(merge.stdout, 'deployment.apps/front patched\n', merge.stderr);
  t.match((await stored('deploy', 'front')).metadata.labels, { tier: 'web', stage: 'beta' });

  const json = await kube([
    'patch',
    'deploy',
    'front',
    '--type=json',
    '-p',
    '[{"op":"replace","path":"/spec/replicas","value":3}]',
    '-o',
    'yaml',
  ]);
  t.equal(json.code, 0, json.stderr);
  t.match(parse(json.stdout), {
    kind: 'Deployment',
    metadata: { name: 'front' },
    spec: { replicas: 3 },
  });

  const version = (await stored('deploy', 'front')).metadata.resourceVersion;
  const same = await kube(['patch', 'deploy', 'front', '-p', '{"spec":{"replicas":3}}']);
  t.equal(same.stdout, 'deployment.apps/front patched (no change)\n');
  t.equal((await stored('deploy', 'front')).metadata.resourceVersion, version, 'nothing written');
});

t.test('patch: a patch file, -f, the status subresource, a server dry run', async (t) => {
  const file = path.join(work, 'patch.yaml');
  await writeFile(file, 'metadata:\n  annotations:\n    owner: team-a\n');
  const fromFile = await kube(['patch', 'deploy', 'back', '--patch-file', file]);
  t.equal(fromFile.stdout, 'deployment.apps/back patched\n', fromFile.stderr);
  t.match((await stored('deploy', 'back')).metadata.annotations, { owner: 'team-a' });

  const manifest = path.join(work, 'back.yaml');
  await writeFile(manifest, deployment('back', 1));
  const byManifest = await kube(['patch', '-f', manifest, '-p', '{"spec":{"replicas":2}}']);
  t.equal(byManifest.stdout, 'deployment.apps/back patched\n', byManifest.stderr);

  const status = await kube([
    'patch',
    'deploy',
    'back',
    '--subresource',
    'status',
    '--type',
    'merge',
    '-p',
    '{"status":{"observedGeneration":7}}',
  ]);
  t.equal(status.stdout, 'deployment.apps/back patched\n', status.stderr);
  t.equal((await stored('deploy', 'back')).status.observedGeneration, 7);

  const dry = await kube([
    'patch',
    'deploy',
    'back',
    '-p',
    '{"spec":{"replicas":9}}',
    '--dry-run=server',
  ]);
  t.equal(dry.stdout, 'deployment.apps/back patched (server dry run)\n', dry.stderr);
  t.equal((await stored('deploy', 'back')).spec.replicas, 2, 'a dry run stores nothing');
});

t.test('patch: refused patches change nothing and say why', async (t) => {
  const before = await stored('deploy', 'front');
  const invalid = await kube(['patch', 'deploy', 'front', '-p', '{"spec":{"replicas":-1}}']);
  t.equal(invalid.code, 1);
  t.match(invalid.stderr, /Error from server \(Invalid\): .*spec\.replicas: Invalid value: -1/);
  t.same(await stored('deploy', 'front'), before);

  const missing = await kube(['patch', 'deploy', 'nope', '-p', '{}']);
  t.equal(missing.code, 1);
  t.equal(missing.stderr, 'Error from server (NotFound): deployments.apps "nope" not found\n');

  const noPatch = await kube(['patch', 'deploy', 'front']);
  t.match(noPatch.stderr, /must specify --patch or --patch-file/);
  const badType = await kube(['patch', 'deploy', 'front', '--type', 'xml', '-p', '{}']);
  t.match(badType.stderr, /--type must be one of \[json merge strategic\], not "xml"/);
  const badText = await kube(['patch', 'deploy', 'front', '-p', '{"spec":']);
  t.match(badText.stderr, /^error: unable to parse "\{"spec":": /);
  t.equal(badText.code, 1);
  t.same(await stored('deploy', 'front'), before);
});

t.test('scale: replicas set through the scale subresource, preconditions honoured', async (t) => {
  const scaled = await kube(['scale', 'deployment', 'front', '--replicas=5']);
  t.equal(scaled.stdout, 'deployment.apps/front scaled\n', scaled.stderr);
  t.equal((await stored('deploy', 'front')).spec.replicas, 5);

  const stale = await kube(['scale', 'deploy/front', '--replicas', '1', '--current-replicas', '2']);
  t.equal(stale.code, 1);
  t.equal(stale.stderr, 'error: Expected replicas to be 2, was 5\n');
  const version = (await stored('deploy', 'front')).metadata.resourceVersion;
  const wrongVersion = await kube([
    'scale',
    'deploy',
    'front',
    '--replicas=1',
    '--resource-version=1',
  ]);
  t.equal(wrongVersion.stderr, `error: Expected resource version to be 1, was ${version}\n`);
  t.equal(
    (await stored('deploy', 'front')).spec.replicas,
    5,
    'preconditions that fail change nothing',
  );

  const matching = await kube(['scale', 'deploy', 'front', '--replicas=4', '--current-replicas=5']);
  t.equal(matching.stdout, 'deployment.apps/front scaled\n', matching.stderr);

  const dry = await kube(['scale', 'deploy', 'front', '--replicas=8', '--dry-run=server']);
  t.equal(dry.stdout, 'deployment.apps/front scaled (server dry run)\n', dry.stderr);
  t.equal((await stored('deploy', 'front')).spec.replicas, 4);

  const bySelector = await kube(['scale', 'deploy', '-l', 'tier=web', '--replicas=2']);
  t.equal(
    bySelector.stdout,
    'deployment.apps/back scaled\ndeployment.apps/front scaled\n',
    bySelector.stderr,
  );
  t.equal((await stored('deploy', 'back')).spec.replicas, 2);
  t.equal((await stored('deploy', 'front')).spec.replicas, 2);

  const noCount = await kube(['scale', 'deploy', 'front']);
  t.equal(
    noCount.stderr,
    'error: --replicas=COUNT is required, and COUNT must be greater than or equal to 0\n',
  );
  const unscalable = await kube(['scale', 'namespace', 'default', '--replicas=2']);
  t.equal(unscalable.code, 1);
  t.match(unscalable.stderr, /^Error from server \(NotFound\): /);
});

t.test('replace: the whole object, compare-and-set on its resourceVersion, --force', async (t) => {
  const file = path.join(work, 'settings.yaml');
  const configMap = (value: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: "${value}"\n`;
  await writeFile(file, configMap('a'));
  const absent = await kube(['replace', '-f', file]);
  t.equal(absent.code, 1);
  t.equal(
    absent.stderr,
    `Error from server (NotFound): error when replacing "${file}": configmaps "settings" not found\n`,
  );

  await kube(['create', '-f', file]);
  await kube(['label', 'configmap', 'settings', 'extra=1']);
  await writeFile(file, configMap('b'));
  const replaced = await kube(['replace', '-f', file]);
  t.equal(replaced.stdout, 'configmap/settings replaced\n', replaced.stderr);
  const after = await stored('cm', 'settings');
  t.same(after.data, { mode: 'b' });
  t.equal(after.metadata.labels, undefined, 'replaced whole: the label the file lacks is gone');

  const live = path.join(work, 'live.yaml');
  await writeFile(live, (await kube(['get', 'cm', 'settings', '-o', 'yaml'])).stdout);
  await kube(['annotate', 'cm', 'settings', 'touched=yes']);
  const conflict = await kube(['replace', '-f', live]);
  t.equal(conflict.code, 1);
  t.match(
    conflict.stderr,
    /^Error from server \(Conflict\): error when replacing ".*live\.yaml": Operation cannot be fulfilled on configmaps "settings": the object has been modified/,
  );

  const uid = (await stored('cm', 'settings')).metadata.uid;
  await writeFile(file, configMap('c'));
  const forced = await kube(['replace', '--force', '-f', file, '--save-config']);
  t.equal(
    forced.stdout,
    'configmap "settings" deleted\nconfigmap/settings replaced\n',
    forced.stderr,
  );
  const recreated = await stored('cm', 'settings');
  t.not(recreated.metadata.uid, uid, 'a new object');
  t.same(recreated.data, { mode: 'c' });
  t.match(recreated.metadata.annotations, {
    'kubectl.kubernetes.io/last-applied-configuration': /"mode":"c"/,
  });

  await writeFile(file, configMap('d'));
  const dry = await kube(['replace', '-f', file, '--dry-run=server', '-o', 'json']);
  t.match(JSON.parse(dry.stdout), { data: { mode: 'd' } }, dry.stderr);
  t.same((await stored('cm', 'settings')).data, { mode: 'c' }, 'a dry run stores nothing');
});

t.test('edit: the editor changes what it should, and nothing is saved when it fails', async (t) => {
  const editor = (script: string) => ({ KUBE_EDITOR: `sed -i -e '${script}'`, EDITOR: 'false' });
  const edited = await kube(['edit', 'deploy', 'back'], editor('s/replicas: 2/replicas: 6/'));
  t.equal(edited.stdout, 'deployment.apps/back edited\n', edited.stderr);
  const back = await stored('deploy', 'back');
  t.equal(back.spec.replicas, 6);
  t.match(back.metadata.annotations, { owner: 'team-a' }, 'the rest is as it was');

  const untouched = await kube(['edit', 'deploy', 'back'], { KUBE_EDITOR: 'true' });
  t.equal(untouched.stdout, 'Edit cancelled, no changes made.\n', untouched.stderr);

  const before = await stored('deploy', 'back');
  const invalid = await kube(['edit', 'deploy', 'back'], editor('s/replicas: 6/replicas: -3/'));
  t.equal(invalid.code, 1);
  t.match(invalid.stderr, /spec\.replicas: Invalid value: -3/);
  t.match(invalid.stderr, /A copy of your changes has been stored to "(.+)"/);
  t.match(invalid.stderr, /error: Edit cancelled, no valid changes were saved\.\n$/);
  const copy = /stored to "(.+)"/.exec(invalid.stderr)?.[1] ?? '';
  t.match(
    await readFile(copy, 'utf8'),
    /# .*Invalid value: -3[\s\S]*replicas: -3/,
    'the copy has the errors and the edit',
  );
  await rm(path.dirname(copy), { recursive: true, force: true });
  t.same(await stored('deploy', 'back'), before, 'nothing saved');

  const both = await kube(['edit', 'deploy', 'front', 'back'], editor('s/tier: web/tier: shop/'));
  t.equal(both.stdout, 'deployment.apps/front edited\ndeployment.apps/back edited\n', both.stderr);
  t.equal((await stored('deploy', 'front')).metadata.labels?.['tier'], 'shop');
  t.equal((await stored('deploy', 'back')).metadata.labels?.['tier'], 'shop');

  const broken = await kube(['edit', 'deploy', 'front'], editor('s/^kind: .*/kind: [/'));
  t.equal(broken.code, 1);
  t.match(broken.stderr, /The edited file had a syntax error/);

  const missingEditor = await kube(['edit', 'deploy', 'front'], { KUBE_EDITOR: 'false' });
  t.equal(missingEditor.stderr, 'error: there was a problem with the editor "false"\n');
});

t.test('diff: what apply would change, as a unified diff; exit 0, 1 or 2', async (t) => {
  const file = path.join(work, 'diffed.yaml');
  const manifests = (value: string, secret: string) =>
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: diffed\ndata:\n  mode: "${value}"\n---\n` +
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: diffed\nstringData:\n  password: "${secret}"\n`;
  await writeFile(file, manifests('one', 'hunter2'));
  const absent = await kube(['diff', '-f', file]);
  t.equal(absent.code, 1, absent.stderr);
  t.match(
    absent.stdout,
    /^diff -u -N \S+\/LIVE-\w+\/v1\.ConfigMap\.default\.diffed \S+\/MERGED-\w+\/v1\.ConfigMap\.default\.diffed\n/,
  );
  t.match(absent.stdout, /\n\+  mode: one\n/);
  t.match(absent.stdout, /\n\+  password: "\*\*\* \(after\)"\n/, "a secret's values are masked");
  t.notMatch(absent.stdout.replace(/last-applied-configuration: \|\n.*\n/g, ''), /hunter2/);
  t.equal((await kube(['get', 'cm', 'diffed'])).code, 1, 'a diff stores nothing');

  t.equal((await kube(['apply', '-f', file])).code, 0);
  const same = await kube(['diff', '-f', file]);
  t.equal(same.code, 0, same.stderr);
  t.equal(same.stdout, '');

  await writeFile(file, manifests('two', 'hunter2'));
  const changed = await kube(['diff', '-f', file]);
  t.equal(changed.code, 1, changed.stderr);
  t.match(changed.stdout, /\n-  mode: one\n\+  mode: two\n/);
  t.notMatch(changed.stdout, /Secret/, 'an unchanged object is not in the diff');
  const serverSide = await kube(['diff', '--server-side', '-f', file]);
  t.equal(serverSide.code, 1, serverSide.stderr);
  t.match(serverSide.stdout, /\n-  mode: one\n\+  mode: two\n/);
  t.same((await stored('cm', 'diffed')).data, { mode: 'one' }, 'still as applied');

  const external = await kube(['diff', '-f', file], { KUBECTL_EXTERNAL_DIFF: 'ls' });
  t.match(
    external.stdout,
    /v1\.ConfigMap\.default\.diffed\n/,
    'KUBECTL_EXTERNAL_DIFF is run instead',
  );

  await writeFile(file, manifests('two', 'hunter2').replace('name: diffed', 'name: Not_Valid'));
  const invalid = await kube(['diff', '-f', file]);
  t.equal(invalid.code, 2, 'an error is above 1');
  t.match(
    invalid.stderr,
    /Error from server \(Invalid\): error when diffing ".*diffed\.yaml": ConfigMap "Not_Valid" is invalid/,
  );
});

t.test("create's generators: namespace, configmap, secret, deployment, service", async (t) => {
  const namespace = await kube(['create', 'namespace', 'generated']);
  t.equal(namespace.stdout, 'namespace/generated created\n', namespace.stderr);
  const inNamespace = (args: string[]) => kube([...args, '-n', 'generated']);

  const file = path.join(work, 'app.properties');
  await writeFile(file, 'color=blue\n');
  const env = path.join(work, 'app.env');
  await writeFile(env, '# settings\nLEVEL=debug\nMODE=fast\n');
  const configMap = await inNamespace([
    'create',
    'configmap',
    'app',
    '--from-literal=greeting=hello',
    `--from-file=${file}`,
    `--from-file=renamed=${file}`,
    `--from-env-file=${env}`,
  ]);
  t.equal(configMap.stdout, 'configmap/app created\n', configMap.stderr);
  const data = JSON.parse((await inNamespace(['get', 'cm', 'app', '-o', 'json'])).stdout) as {
    data: Record<string, string>;
  };
  t.same(data.data, {
    greeting: 'hello',
    'app.properties': 'color=blue\n',
    renamed: 'color=blue\n',
    LEVEL: 'debug',
    MODE: 'fast',
  });

  const secret = await inNamespace([
    'create',
    'secret',
    'generic',
    'creds',
    '--from-literal=password=s3cret',
  ]);
  t.equal(secret.stdout, 'secret/creds created\n', secret.stderr);
  const password = await inNamespace(['get', 'secret', 'creds', '-o', 'jsonpath={.data.password}']);
  t.equal(Buffer.from(password.stdout, 'base64').toString(), 's3cret');

  const printed = await kube([
    'create',
    'deployment',
    'shop',
    '--image=registry.local/team/shop:v1',
    '--replicas=3',
    '--port=8080',
    '--dry-run=client',
    '-o',
    'yaml',
  ]);
  t.equal(printed.code, 0, printed.stderr);
  t.same(parse(printed.stdout), {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { labels: { app: 'shop' }, name: 'shop' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'shop' } },
      strategy: {},
      template: {
        metadata: { labels: { app: 'shop' } },
        spec: {
          containers: [
            {
              image: 'registry.local/team/shop:v1',
              name: 'shop',
              ports: [{ containerPort: 8080 }],
              resources: {},
            },
          ],
        },
      },
    },
    status: {},
  });
  t.equal((await kube(['get', 'deploy', 'shop'])).code, 1, 'a client dry run sends nothing');
  const deployment = await inNamespace([
    'create',
    'deploy',
    'shop',
    '--image=registry.local/team/shop:v1',
  ]);
  t.equal(deployment.stdout, 'deployment.apps/shop created\n', deployment.stderr);
  t.match(JSON.parse((await inNamespace(['get', 'deploy', 'shop', '-o', 'json'])).stdout), {
    spec: {
      replicas: 1,
      template: { spec: { containers: [{ name: 'shop', imagePullPolicy: 'IfNotPresent' }] } },
    },
  });

  const service = await inNamespace([
    'create',
    'service',
    'nodeport',
    'shop',
    '--tcp=80:8080',
    '-o',
    'json',
  ]);
  t.match(JSON.parse(service.stdout), {
    spec: {
      type: 'NodePort',
      selector: { app: 'shop' },
      ports: [{ name: '80-8080', port: 80, targetPort: 8080, protocol: 'TCP', nodePort: Number }],
    },
  });

  const duplicate = await kube([
    'create',
    'cm',
    'twice',
    '--from-literal=a=1',
    '--from-literal=a=2',
  ]);
  t.equal(duplicate.code, 1);
  t.equal(
    duplicate.stderr,
    'error: cannot add key "a", another key by that name already exists in ConfigMap "twice"\n',
  );
  const noImage = await kube(['create', 'deployment', 'bare']);
  t.equal(noImage.stderr, 'error: required flag(s) "image" not set\n');
  const exists = await kube(['create', 'namespace', 'generated']);
  t.equal(
    exists.stderr,
    'Error from server (AlreadyExists): namespaces "generated" already exists\n',
  );
  const unknown = await kube(['create', 'widget', 'x']);
  t.equal(unknown.code, 1);
  t.equal(unknown.stderr, 'error: unknown command "widget" for "skiff create"\n');
});

t.test('set image: containers by name (or *), the rest untouched', async (t) => {
  await created(deployment('images', 1));
  const one = await kube(['set', 'image', 'deployment/images', 'app=registry.local/images:v2']);
  t.equal(one.stdout, 'deployment.apps/images image updated\n', one.stderr);
  const containers = (await stored('deploy', 'images')).spec.template.spec.containers;
  t.same(
    containers.map((c) => c.image),
    ['registry.local/images:v2', 'registry.local/sidecar:v1'],
  );
  t.match(containers[0], { ports: [{ containerPort: 8080 }] });

  const all = await kube(['set', 'image', 'deploy', 'images', '*=registry.local/all:v3']);
  t.equal(all.code, 0, all.stderr);
  t.same(
    (await stored('deploy', 'images')).spec.template.spec.containers.map((c) => c.image),
    ['registry.local/all:v3', 'registry.local/all:v3'],
  );

  const before = await stored('deploy', 'images');
  const missing = await kube(['set', 'image', 'deploy/images', 'app=x:1', 'nope=y:1']);
  t.equal(missing.code, 1);
  t.equal(missing.stderr, 'error: unable to find container named "nope"\n');
  t.same(await stored('deploy', 'images'), before, 'nothing changed');
  const none = await kube(['set', 'image', 'deploy/images']);
  t.equal(none.stderr, 'error: at least one image update is required\n');
});
