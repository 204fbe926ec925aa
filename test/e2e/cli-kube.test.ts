// The kubectl-like half of `skiff` against a real `skiff controlplane`: the
// conformance manifests applied, read, described, labelled and deleted the
// way a Kubernetes user does it, and the invalid ones refused with nothing
// stored.

import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { parse } from 'yaml';
import { finished, skiff, startSkiff, type CliResult } from '../helpers/cli.js';
import { startControlPlane } from '../helpers/controlplane.js';
import { conformanceDir } from '../helpers/paths.js';
import { storedSeedDeployment } from '../helpers/seed-deployment.js';

const controlPlane = await startControlPlane();
const work = await mkdtemp(path.join(os.tmpdir(), 'skiff-cli-kube-'));
t.teardown(async () => {
  await controlPlane.stop();
  await rm(work, { recursive: true, force: true });
});

const manifest = (name: string) => path.join(conformanceDir, name);
const kube = (...args: string[]): Promise<CliResult> =>
  skiff(args, { env: { KUBECONFIG: controlPlane.kubeconfig } });

t.test('apply the seed manifests: created, unchanged, configured', async (t) => {
  const created = await kube(
    'apply',
    '-f',
    manifest('seed-pod.yaml'),
    '-f',
    manifest('seed-deployment.yaml'),
  );
  t.equal(created.code, 0, created.stderr);
  t.equal(
    created.stdout,
    'pod/lines-admin-nextjs created\ndeployment.apps/lines-admin-nextjs-deployment created\n',
  );
  const again = await kube('apply', '-f', manifest('seed-pod.yaml'));
  t.equal(again.stdout, 'pod/lines-admin-nextjs unchanged\n', again.stderr);

  const changed = (await readFile(manifest('seed-deployment.yaml'), 'utf8')).replace(
    'replicas: 2',
    'replicas: 4',
  );
  const configured = await skiff(['apply', '-f', '-'], {
    input: changed,
    env: { KUBECONFIG: controlPlane.kubeconfig },
  });
  t.equal(
    configured.stdout,
    'deployment.apps/lines-admin-nextjs-deployment configured\n',
    configured.stderr,
  );
});

t.test('get: tables, wide, yaml with the defaults, name, all namespaces', async (t) => {
  const pods = await kube('get', 'po');
  t.equal(pods.code, 0, pods.stderr);
  t.match(pods.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
  t.match(pods.stdout, /\nlines-admin-nextjs\s+0\/1\s+Pending\s+0\s+\d+s\n/);

  const wide = await kube('get', 'pods', '-o', 'wide');
  t.match(
    wide.stdout,
    /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES\n/,
  );

  const yaml = await kube('get', 'deploy', 'lines-admin-nextjs-deployment', '-o', 'yaml');
  t.equal(yaml.code, 0, yaml.stderr);
  const stored = parse(yaml.stdout) as Record<string, unknown>;
  t.match(stored, storedSeedDeployment(4));
  t.match(stored, { metadata: { generation: 2 } });

  const pod = await kube('get', 'pod', 'lines-admin-nextjs', '-o', 'json');
  t.match(JSON.parse(pod.stdout), {
    spec: {
      containers: [
        { imagePullPolicy: 'Always', ports: [{ containerPort: 8080, protocol: 'TCP' }] },
      ],
    },
    status: { phase: 'Pending' },
  });

  const names = await kube('get', 'pods,deployments', '-o', 'name');
  t.equal(names.stdout, 'pod/lines-admin-nextjs\ndeployment.apps/lines-admin-nextjs-deployment\n');

  const everywhere = await kube('get', 'ns', '-A');
  t.match(everywhere.stdout, /^NAME\s+STATUS\s+AGE\n/);
  const allPods = await kube('get', 'pods', '-A');
  t.match(allPods.stdout, /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
  t.match(allPods.stdout, /\ndefault\s+lines-admin-nextjs\s+0\/1/);

  const empty = await kube('get', 'pods', '-n', 'kube-system');
  t.equal(empty.stdout, '');
  t.match(empty.stderr, 'No resources found in kube-system namespace.');
});

t.test("kubectl's global flags before the command, as kubectl takes them", async (t) => {
  const before = await skiff(
    [
      '--kubeconfig',
      controlPlane.kubeconfig,
      '-n',
      'kube-system',
      'get',
      'namespace',
      'kube-system',
    ],
    { env: { KUBECONFIG: '' } },
  );
  t.equal(before.code, 0, before.stderr);
  t.match(before.stdout, /^NAME\s+STATUS\s+AGE\nkube-system\s+Active\s/);
  const assigned = await skiff([`--kubeconfig=${controlPlane.kubeconfig}`, 'get', 'pods', '-A'], {
    env: { KUBECONFIG: '' },
  });
  t.equal(assigned.code, 0, assigned.stderr);
});

t.test('describe shows what kubectl describe shows', async (t) => {
  const described = await kube('describe', 'pod', 'lines-admin-nextjs');
  t.equal(described.code, 0, described.stderr);
  t.match(described.stdout, /^Name:\s+lines-admin-nextjs\n/);
  t.match(described.stdout, /\nNamespace:\s+default\n/);
  t.match(described.stdout, /\nStatus:\s+Pending\n/);
  t.match(described.stdout, /Image:\s+gcr\.io\/google-containers\/busybox/);
  t.match(described.stdout, /Limits:\n\s+cpu:\s+500m\n\s+memory:\s+128Mi/);
});

t.test('label and annotate, selectors see the change', async (t) => {
  const labeled = await kube('label', 'pod', 'lines-admin-nextjs', 'tier=web');
  t.equal(labeled.stdout, 'pod/lines-admin-nextjs labeled\n', labeled.stderr);
  const clash = await kube('label', 'pod', 'lines-admin-nextjs', 'tier=db');
  t.equal(clash.code, 1, 'an existing label needs --overwrite');
  t.match(clash.stderr, /already has a value \(web\), and --overwrite is false/);
  const selected = await kube('get', 'pods', '-l', 'tier in (web,db)', '-o', 'name');
  t.equal(selected.stdout, 'pod/lines-admin-nextjs\n');

  const annotated = await kube('annotate', 'pod', 'lines-admin-nextjs', 'owner=team-a');
  t.equal(annotated.stdout, 'pod/lines-admin-nextjs annotated\n', annotated.stderr);
  const unlabeled = await kube('label', 'pod', 'lines-admin-nextjs', 'tier-');
  t.equal(unlabeled.stdout, 'pod/lines-admin-nextjs unlabeled\n', unlabeled.stderr);
});

t.test('invalid manifests are refused, naming the field, and nothing is stored', async (t) => {
  const result = await kube('apply', '-f', manifest('invalid-examples.yaml'));
  t.equal(result.code, 1);
  t.match(
    result.stderr,
    /Pod "UPPER_case" is invalid: metadata\.name: Invalid value: "UPPER_case"/,
  );
  t.match(result.stderr, /Pod "no-containers" is invalid: spec\.containers: Required value/);
  t.match(
    result.stderr,
    /Pod "bad-port" is invalid: spec\.containers\[0\]\.ports\[0\]\.containerPort/,
  );
  t.match(
    result.stderr,
    /Pod "bad-cpu" is invalid: spec\.containers\[0\]\.resources\.requests\[cpu\]/,
  );
  const names = await kube('get', 'pods', '-o', 'name');
  t.equal(names.stdout, 'pod/lines-admin-nextjs\n', 'only the valid pod is stored');

  const notYaml = path.join(work, 'broken.yaml');
  await writeFile(notYaml, 'apiVersion: v1\nkind: Pod\nmetadata: {name: x\n');
  const broken = await kube('apply', '-f', notYaml);
  t.equal(broken.code, 1);
  t.match(broken.stderr, notYaml, 'the error names the file');

  const unknownKind = path.join(work, 'unknown.yaml');
  await writeFile(unknownKind, 'apiVersion: v1\nkind: Gadget\nmetadata: {name: x}\n');
  const unknown = await kube('apply', '-f', unknownKind);
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /Gadget/);
});

t.test('kubia.yaml: a deployment and a NodePort service', async (t) => {
  const text = (await readFile(manifest('kubia.yaml'), 'utf8')).replace(
    'REGISTRY',
    '127.0.0.1:5000',
  );
  const applied = await skiff(['apply', '-f', '-'], {
    input: text,
    env: { KUBECONFIG: controlPlane.kubeconfig },
  });
  t.equal(applied.code, 0, applied.stderr);
  t.equal(applied.stdout, 'deployment.apps/kubia created\nservice/kubia created\n');
  const service = JSON.parse((await kube('get', 'svc', 'kubia', '-o', 'json')).stdout) as {
    spec: { clusterIP?: string; ports: { nodePort?: number; targetPort: number }[] };
  };
  t.match(service.spec.clusterIP, /^\d+\.\d+\.\d+\.\d+$/, 'a cluster IP is allocated');
  t.ok((service.spec.ports[0]?.nodePort ?? 0) >= 30000, 'a node port is allocated');
  t.equal(service.spec.ports[0]?.targetPort, 8080);
});

t.test('get -o jsonpath and -o custom-columns, as kubectl prints them', async (t) => {
  const names = await kube('get', 'ns', '-o', 'jsonpath={.items[*].metadata.name}');
  t.equal(names.stdout, 'default kube-node-lease kube-public kube-system', names.stderr);
  const one = await kube('get', 'ns', 'default', '-o', 'jsonpath={.status.phase}{"\\n"}');
  t.equal(one.stdout, 'Active\n', 'one named object is the root');
  const ranged = await kube(
    'get',
    'ns',
    '-l',
    'kubernetes.io/metadata.name in (default,kube-system)',
    '-o',
    'jsonpath={range .items[*]}{.metadata.name}={.metadata.labels.kubernetes\\.io/metadata\\.name}{"\\n"}{end}',
  );
  t.equal(ranged.stdout, 'default=default\nkube-system=kube-system\n', ranged.stderr);
  const columns = await kube(
    'get',
    'svc',
    'kubernetes',
    '-o',
    'custom-columns=NAME:.metadata.name,PORTS:.spec.ports[*].port,SELECTOR:.spec.selector',
  );
  t.equal(
    columns.stdout,
    'NAME         PORTS   SELECTOR\nkubernetes   443     <none>\n',
    columns.stderr,
  );
  const malformed = await kube('get', 'ns', '-o', 'jsonpath={.items');
  t.equal(malformed.code, 1);
  t.match(malformed.stderr, /^error: unclosed action/);
  const watch = startSkiff(['get', 'cm', '-w', '-o', 'jsonpath={.metadata.name}={.data.a}{"\n"}'], {
    env: { KUBECONFIG: controlPlane.kubeconfig },
  });
  const ended = finished(watch);
  const output = stdoutOf(watch);
  const configMap = (name: string, a: string) =>
    JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a } });
  const env = { KUBECONFIG: controlPlane.kubeconfig };
  t.equal((await skiff(['create', '-f', '-'], { input: configMap('w1', '1'), env })).code, 0);
  const early = ended.then((r) => {
    throw new Error(`the watch ended early: ${r.stderr}${r.stdout}`);
  });
  await Promise.race([output.waitFor(/w1=1\n/), early]);
  t.equal((await skiff(['create', '-f', '-'], { input: configMap('w2', '2'), env })).code, 0);
  await Promise.race([output.waitFor(/w2=2\n/), early]);
  watch.kill('SIGINT');
  t.match(
    (await ended).stdout,
    /^(w1=1\n)+w2=2\n/,
    'a watch prints each object through the template',
  );
  t.equal((await kube('delete', 'cm', 'w1', 'w2')).code, 0);

  const unknown = await kube('get', 'ns', '-o', 'go-template={{.kind}}');
  t.match(unknown.stderr, /allowed formats are: custom-columns,json,jsonpath,name,wide,yaml/);
});

t.test('get --sort-by: tables, names and templates in the order of a field', async (t) => {
  const env = { KUBECONFIG: controlPlane.kubeconfig };
  // Created in the order c, a, b, with `rank` counting the other way.
  for (const [name, rank] of [
    ['sort-c', 1],
    ['sort-a', 3],
    ['sort-b', 2],
  ] as const) {
    const configMap = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, labels: { sorting: 'yes' } },
      data: { rank: String(rank) },
    });
    t.equal((await skiff(['create', '-f', '-'], { input: configMap, env })).code, 0);
  }
  const byName = await kube('get', 'cm', '-l', 'sorting=yes', '--sort-by=.metadata.name');
  t.match(byName.stdout, /^NAME\s+DATA\s+AGE\nsort-a\s.*\nsort-b\s.*\nsort-c\s/, byName.stderr);
  const byData = await kube(
    'get',
    'cm',
    '-l',
    'sorting=yes',
    '--sort-by={.data.rank}',
    '-o',
    'name',
  );
  t.equal(byData.stdout, 'configmap/sort-c\nconfigmap/sort-b\nconfigmap/sort-a\n', byData.stderr);
  const template = await kube(
    'get',
    'cm',
    '-l',
    'sorting=yes',
    '--sort-by=.data.rank',
    '-o',
    'jsonpath={.items[*].metadata.name}',
  );
  t.equal(template.stdout, 'sort-c sort-b sort-a');
  // Lists are read a chunk at a time (limit/continue), as kubectl reads them.
  for (const output of ['name', 'wide']) {
    const chunked = await kube('get', 'cm', '-l', 'sorting=yes', '--chunk-size=2', '-o', output);
    const whole = await kube('get', 'cm', '-l', 'sorting=yes', '--chunk-size=0', '-o', output);
    t.equal(chunked.stdout.split('\n').filter(Boolean).length, output === 'name' ? 3 : 4);
    t.equal(chunked.stdout.replace(/\d+s\n/g, ''), whole.stdout.replace(/\d+s\n/g, ''));
  }
  const missing = await kube('get', 'cm', '-l', 'sorting=yes', '--sort-by=.spec.replicas');
  t.equal(missing.code, 1);
  t.equal(
    missing.stderr,
    'error: couldn\'t find any field with path "{.spec.replicas}" in the list of objects\n',
  );
  t.equal((await kube('delete', 'cm', '-l', 'sorting=yes')).code, 0);
});

t.test('apply --server-side: managers, conflicts and --force-conflicts', async (t) => {
  const config = (replicas: number) =>
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: owned}',
      'spec:',
      `  replicas: ${replicas}`,
      '  selector: {matchLabels: {app: owned}}',
      '  template:',
      '    metadata: {labels: {app: owned}}',
      '    spec: {containers: [{name: web, image: "registry.local/web:v1"}]}',
    ].join('\n');
  const env = { KUBECONFIG: controlPlane.kubeconfig };
  const applied = await skiff(['apply', '--server-side', '-f', '-'], { input: config(2), env });
  t.equal(applied.stdout, 'deployment.apps/owned serverside-applied\n', applied.stderr);
  const hidden = await kube('get', 'deploy', 'owned', '-o', 'yaml');
  t.notMatch(hidden.stdout, /managedFields/, '-o yaml hides managedFields, as kubectl does');
  const shown = await kube('get', 'deploy', 'owned', '-o', 'json', '--show-managed-fields');
  const live = JSON.parse(shown.stdout) as {
    metadata: { managedFields: { manager: string; operation: string }[] };
  };
  t.same(
    live.metadata.managedFields.map((e) => `${e.manager}/${e.operation}`),
    ['skiff/Apply'],
  );

  const other = ['apply', '--server-side', '--field-manager', 'other', '-f', '-'];
  const refused = await skiff(other, { input: config(3), env });
  t.equal(refused.code, 1);
  t.match(
    refused.stderr,
    /^error: Apply failed with 1 conflict: conflict with "skiff": \.spec\.replicas\n/,
  );
  t.match(refused.stderr, /--force-conflicts/);
  const forced = await skiff([...other, '--force-conflicts'], { input: config(3), env });
  t.equal(forced.stdout, 'deployment.apps/owned serverside-applied\n', forced.stderr);
  const after = JSON.parse((await kube('get', 'deploy', 'owned', '-o', 'json')).stdout) as {
    spec: { replicas: number };
  };
  t.equal(after.spec.replicas, 3);

  const misuse = await kube('apply', '--force-conflicts', '-f', manifest('seed-pod.yaml'));
  t.equal(misuse.code, 1);
  t.match(misuse.stderr, /--force-conflicts only works with --server-side/);
  t.equal((await kube('delete', 'deploy', 'owned')).code, 0);
});

t.test(
  'apply and delete manifests of versions served by conversion (autoscaling/v1)',
  async (t) => {
    const config = (cpuPercent: number) =>
      [
        'apiVersion: autoscaling/v1',
        'kind: HorizontalPodAutoscaler',
        'metadata: {name: scaled}',
        'spec:',
        '  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: scaled}',
        '  maxReplicas: 4',
        `  targetCPUUtilizationPercentage: ${cpuPercent}`,
      ].join('\n');
    const env = { KUBECONFIG: controlPlane.kubeconfig };
    const created = await skiff(['apply', '-f', '-'], { input: config(50), env });
    t.equal(created.stdout, 'horizontalpodautoscaler.autoscaling/scaled created\n', created.stderr);
    const configured = await skiff(['apply', '-f', '-'], { input: config(60), env });
    t.equal(configured.stdout, 'horizontalpodautoscaler.autoscaling/scaled configured\n');
    const serverSide = await skiff(['apply', '--server-side', '-f', '-'], {
      input: config(70),
      env,
    });
    t.equal(
      serverSide.stdout,
      'horizontalpodautoscaler.autoscaling/scaled serverside-applied\n',
      serverSide.stderr,
    );
    const table = await kube('get', 'hpa', 'scaled');
    t.match(table.stdout, /\nscaled\s+Deployment\/scaled\s+cpu: <unknown>\/70%\s+1\s+4\s+/);
    const described = await kube('describe', 'hpa', 'scaled');
    t.match(
      described.stdout,
      /\nReference:\s+Deployment\/scaled\nMetrics:\s+\( current \/ target \)\n {2}resource cpu on pods {2}\(as a percentage of request\):\s+<unknown> \/ 70%\nMin replicas:\s+1\nMax replicas:\s+4\nDeployment pods:\s+0 current \/ 0 desired\n/,
      described.stderr,
    );
    const listed = await skiff(['get', '-f', '-'], { input: config(70), env });
    t.match(
      listed.stdout,
      /^NAME\s+REFERENCE.*\nscaled\s+Deployment\/scaled\s+cpu: <unknown>\/70%/,
    );
    const deleted = await skiff(['delete', '-f', '-'], { input: config(70), env });
    t.equal(
      deleted.stdout,
      'horizontalpodautoscaler.autoscaling "scaled" deleted\n',
      deleted.stderr,
    );
  },
);

t.test(
  'get -f: the objects manifests name, a table per type, errors for the missing',
  async (t) => {
    const env = { KUBECONFIG: controlPlane.kubeconfig };
    const manifests = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-file}',
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: from-file}',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-file, namespace: from-file}',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: not-there}',
    ].join('\n---\n');
    const created = await skiff(['create', '-f', '-'], {
      input: manifests.split('\n---\n').slice(0, 3).join('\n---\n'),
      env,
    });
    t.equal(created.code, 0, created.stderr);
    const got = await skiff(['get', '-f', '-'], { input: manifests, env });
    t.equal(got.code, 1, 'an object that is not there fails the command');
    t.match(
      got.stdout,
      /^NAME\s+DATA\s+AGE\nconfigmap\/from-file\s+0\s+\S+\n\nNAME\s+STATUS\s+AGE\nnamespace\/from-file\s+Active\s+\S+\n\nNAME\s+DATA\s+AGE\nconfigmap\/from-file\s+0/,
      'each type and namespace a table, in the order of the manifests',
    );
    t.equal(got.stderr, 'Error from server (NotFound): configmaps "not-there" not found\n');
    const names = await skiff(['get', '-f', '-', '-o', 'name'], {
      input: manifests.split('\n---\n').slice(0, 2).join('\n---\n'),
      env,
    });
    t.equal(names.stdout, 'configmap/from-file\nnamespace/from-file\n', names.stderr);
    const described = await skiff(['describe', '-f', '-'], {
      input: manifests.split('\n---\n')[0],
      env,
    });
    t.match(described.stdout, /^Name:\s+from-file\nNamespace:\s+default\n/, described.stderr);
    const both = await skiff(['get', 'pods', '-f', '-'], { input: manifests, env });
    t.match(both.stderr, /you may not specify resource arguments as well/);
    const none = await skiff(['get'], { env });
    t.match(none.stderr, /You must specify the type of resource to get/);
    await skiff(['delete', 'ns', 'from-file'], { env });
    await skiff(['delete', 'cm', 'from-file'], { env });
  },
);

t.test('delete by file and by name; api-resources and api-versions', async (t) => {
  const byFile = await kube('delete', '-f', manifest('seed-deployment.yaml'));
  t.equal(
    byFile.stdout,
    'deployment.apps "lines-admin-nextjs-deployment" deleted\n',
    byFile.stderr,
  );
  const byName = await kube('delete', 'po', 'lines-admin-nextjs');
  t.equal(byName.stdout, 'pod "lines-admin-nextjs" deleted\n', byName.stderr);
  const missing = await kube('delete', 'pod', 'lines-admin-nextjs');
  t.equal(missing.code, 1);
  t.match(missing.stderr, 'Error from server (NotFound): pods "lines-admin-nextjs" not found');

  const resources = await kube('api-resources');
  t.match(resources.stdout, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND\n/);
  t.match(resources.stdout, /\nservices\s+svc\s+v1\s+true\s+Service\n/);
  const versions = await kube('api-versions');
  t.equal(
    versions.stdout,
    'apps/v1\nauthentication.k8s.io/v1\nauthorization.k8s.io/v1\nautoscaling/v1\nautoscaling/v2\n' +
      'coordination.k8s.io/v1\nevents.k8s.io/v1\nv1\n',
    'sorted as kubectl api-versions lists them',
  );
});

t.test('auth: whoami, can-i and can-i --list, as kubectl auth prints them', async (t) => {
  const whoami = await kube('auth', 'whoami');
  t.equal(whoami.code, 0, whoami.stderr);
  t.equal(
    whoami.stdout,
    'ATTRIBUTE   VALUE\nUsername    admin\nGroups      [system:masters system:authenticated]\n',
  );
  const nodeToken = (await readFile(path.join(controlPlane.dataDir, 'node-token'), 'utf8')).trim();
  const asNode = await kube('auth', 'whoami', '--token', nodeToken, '-o', 'json');
  t.equal(asNode.code, 0, asNode.stderr);
  t.match(JSON.parse(asNode.stdout), {
    kind: 'SelfSubjectReview',
    status: {
      userInfo: {
        username: 'system:bootstrap:node',
        groups: ['system:bootstrappers', 'system:authenticated'],
      },
    },
  });

  for (const args of [
    ['create', 'po'],
    ['patch', 'deploy/kubia', '--subresource', 'scale', '-n', 'kube-system'],
    ['get', '/healthz'],
  ]) {
    const canI = await kube('auth', 'can-i', ...args);
    t.same([canI.code, canI.stdout], [0, 'yes\n'], `skiff auth can-i ${args.join(' ')}`);
  }
  const quiet = await kube('auth', 'can-i', '-q', 'delete', 'nodes', '-A');
  t.same([quiet.code, quiet.stdout], [0, ''], '-q: the exit code answers');
  const unknown = await kube('auth', 'can-i', 'frob', 'widgets.example.com');
  t.equal(unknown.stdout, 'yes\n', 'asked all the same, as kubectl does');
  t.match(unknown.stderr, /verb 'frob' is not a known verb/);
  t.match(unknown.stderr, /the server doesn't have a resource type 'widgets.example.com'/);
  const oneArgument = await kube('auth', 'can-i', 'create');
  t.equal(oneArgument.code, 1);
  t.match(oneArgument.stderr, /you must specify two arguments/);

  const rules = await kube('auth', 'can-i', '--list', '-n', 'kube-system');
  t.equal(rules.code, 0, rules.stderr);
  t.equal(
    rules.stdout,
    [
      'Resources   Non-Resource URLs   Resource Names   Verbs',
      '*.*         []                  []               [*]',
      '            [*]                 []               [*]',
      '',
    ].join('\n'),
  );
});

t.test('explain: the fields of a type, as kubectl explain prints them', async (t) => {
  const strategy = await kube('explain', 'deployments.apps.spec.strategy', '--recursive');
  t.equal(strategy.code, 0, strategy.stderr);
  t.equal(
    strategy.stdout,
    [
      'KIND:       Deployment',
      'VERSION:    apps/v1',
      '',
      'FIELD: strategy <DeploymentStrategy>',
      '',
      'DESCRIPTION:',
      '    How existing pods are replaced by new ones when the template changes.',
      '',
      'FIELDS:',
      '  rollingUpdate\t<RollingUpdateDeployment>',
      '    maxSurge\t<IntOrString>',
      '    maxUnavailable\t<IntOrString>',
      '  type\t<string>',
      '  enum: Recreate, RollingUpdate',
      '',
    ].join('\n'),
  );
  const missing = await kube('explain', 'po.spec.containerz');
  t.same([missing.code, missing.stderr], [1, 'error: field "containerz" does not exist\n']);
  const unknown = await kube('explain', 'widgets');
  t.equal(unknown.code, 1);
  t.match(unknown.stderr, /the server doesn't have a resource type "widgets"/);

  // Versions a kind is also served in, by conversion, explain their own form.
  const hpaV1 = await kube('explain', 'hpa.spec', '--api-version=autoscaling/v1');
  t.equal(hpaV1.code, 0, hpaV1.stderr);
  t.match(hpaV1.stdout, /^KIND:\s+HorizontalPodAutoscaler\nVERSION:\s+autoscaling\/v1\n/);
  t.match(hpaV1.stdout, /\n {2}targetCPUUtilizationPercentage\t<integer>\n/);
  const events = await kube('explain', 'events', '--api-version=events.k8s.io/v1');
  t.match(events.stdout, /^KIND:\s+Event\nVERSION:\s+events\.k8s\.io\/v1\n/, events.stderr);
  const wrong = await kube('explain', 'pods', '--api-version=apps/v1');
  t.same(
    [wrong.code, wrong.stderr],
    [1, 'error: couldn\'t find resource for "apps/v1, Kind=Pod": Pod is served as v1\n'],
  );
});

/** What `child` writes to stdout, kept from the start, and a wait for a pattern in it. */
function stdoutOf(child: ChildProcess): {
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
} {
  let seen = '';
  const waiters = new Set<() => void>();
  child.stdout?.on('data', (data: Buffer | string) => {
    seen += data.toString();
    for (const check of waiters) check();
  });
  return {
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${pattern} on stdout; got: ${seen}`));
        }, timeoutMs);
        const check = () => {
          if (!pattern.test(seen)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
      }),
  };
}
