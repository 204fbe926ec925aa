// kubectl 1.32 against `skiff controlplane`, with nothing but the kubeconfig
// the server wrote: discovery, apply (create, unchanged, configured), get in
// its table and YAML forms, errors, and delete, as a Kubernetes user runs them.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import { parse } from 'yaml';
import { startControlPlane } from '../helpers/controlplane.js';
import { conformanceDir } from '../helpers/paths.js';
import { storedSeedDeployment } from '../helpers/seed-deployment.js';

const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';

if (!existsSync(KUBECTL)) {
  t.plan(0, `kubectl 1.32 is not installed at ${KUBECTL}`);
} else {
  const controlPlane = await startControlPlane();
  const work = await mkdtemp(path.join(os.tmpdir(), 'skiff-kubectl-'));
  t.teardown(async () => {
    await controlPlane.stop();
    await rm(work, { recursive: true, force: true });
  });

  /** Runs kubectl; resolves with its output and exit code (never rejects on exit codes). */
  async function kubectl(
    ...args: string[]
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await promisify(execFile)(
        KUBECTL,
        ['--kubeconfig', controlPlane.kubeconfig, ...args],
        {
          // kubectl caches discovery under $HOME/.kube/cache: keep it out of the user's home.
          env: { ...process.env, HOME: work, KUBECACHEDIR: path.join(work, 'cache') },
        },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
    }
  }

  t.test('discovery: version, api-resources, namespaces', async (t) => {
    const version = await kubectl('version', '-o', 'json');
    t.equal(version.code, 0, version.stderr);
    t.match(JSON.parse(version.stdout), { serverVersion: { major: '1' } });

    const resources = await kubectl('api-resources');
    t.equal(resources.code, 0, resources.stderr);
    t.match(resources.stdout, /^NAME\s+SHORTNAMES\s+APIVERSION\s+NAMESPACED\s+KIND/);
    t.match(resources.stdout, /\npods\s+po\s+v1\s+true\s+Pod\n/);
    t.match(resources.stdout, /\ndeployments\s+deploy\s+apps\/v1\s+true\s+Deployment\n/);

    const namespaces = await kubectl('get', 'ns');
    t.equal(namespaces.code, 0, namespaces.stderr);
    t.match(namespaces.stdout, /^NAME\s+STATUS\s+AGE\n/);
    t.match(namespaces.stdout, /\ndefault\s+Active\s+\d+s\n/);
  });

  t.test('apply the seed manifests: created, then unchanged, then configured', async (t) => {
    const files = ['seed-pod.yaml', 'seed-deployment.yaml'].map((f) =>
      path.join(conformanceDir, f),
    );
    const created = await kubectl('apply', '-f', files[0] as string, '-f', files[1] as string);
    t.equal(created.code, 0, created.stderr);
    t.equal(
      created.stdout,
      'pod/lines-admin-nextjs created\ndeployment.apps/lines-admin-nextjs-deployment created\n',
    );

    const again = await kubectl('apply', '-f', files[0] as string);
    t.equal(again.stdout, 'pod/lines-admin-nextjs unchanged\n', again.stderr);
    // The server stores quantities canonically (1024Mi reads back as 1Gi), so
    // kubectl re-sends the manifest's spelling: "configured", as against
    // Kubernetes, but nothing changes and the generation stays.
    const respelled = await kubectl('apply', '-f', files[1] as string);
    t.equal(
      respelled.stdout,
      'deployment.apps/lines-admin-nextjs-deployment configured\n',
      respelled.stderr,
    );
    const live = parse(
      (await kubectl('get', 'deploy', 'lines-admin-nextjs-deployment', '-o', 'yaml')).stdout,
    ) as {
      metadata: { generation: number };
    };
    t.equal(live.metadata.generation, 1);

    const manifest = parse(await readFile(files[1] as string, 'utf8')) as {
      spec: { replicas: number };
    };
    manifest.spec.replicas = 3;
    const changed = path.join(work, 'deployment.yaml');
    await writeFile(changed, JSON.stringify(manifest));
    const configured = await kubectl('apply', '-f', changed);
    t.equal(
      configured.stdout,
      'deployment.apps/lines-admin-nextjs-deployment configured\n',
      configured.stderr,
    );
  });

  t.test('get: tables with kubectl columns, YAML with Kubernetes defaults', async (t) => {
    const pods = await kubectl('get', 'pods');
    t.equal(pods.code, 0, pods.stderr);
    t.match(pods.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    t.match(pods.stdout, /\nlines-admin-nextjs\s+0\/1\s+Pending\s+0\s+\d+s\n/);

    const deployments = await kubectl('get', 'deploy');
    t.match(deployments.stdout, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\n/);
    t.match(deployments.stdout, /\nlines-admin-nextjs-deployment\s+0\/3\s+0\s+0\s+\d+s\n/);

    const yaml = await kubectl('get', 'deployment', 'lines-admin-nextjs-deployment', '-o', 'yaml');
    t.equal(yaml.code, 0, yaml.stderr);
    const deployment = parse(yaml.stdout) as Record<string, unknown>;
    t.match(deployment, storedSeedDeployment(3));
    t.match(deployment, {
      metadata: {
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': /"replicas":3/ },
        generation: 2,
      },
    });

    const names = await kubectl('get', 'pods,deploy', '-o', 'name');
    t.equal(
      names.stdout,
      'pod/lines-admin-nextjs\ndeployment.apps/lines-admin-nextjs-deployment\n',
    );
  });

  t.test('errors read as kubectl prints Kubernetes errors', async (t) => {
    const missing = await kubectl('get', 'pod', 'nope');
    t.equal(missing.code, 1);
    t.match(missing.stderr, 'Error from server (NotFound): pods "nope" not found');

    const invalid = await kubectl(
      'apply',
      '-f',
      path.join(conformanceDir, 'invalid-examples.yaml'),
    );
    t.equal(invalid.code, 1);
    t.match(
      invalid.stderr,
      /Error from server \(Invalid\): error when creating ".*invalid-examples\.yaml": Pod "UPPER_case" is invalid: metadata\.name: Invalid value: "UPPER_case"/,
    );
    t.match(
      invalid.stderr,
      /Pod "bad-cpu" is invalid: spec\.containers\[0\]\.resources\.requests\[cpu\]: Invalid value: "two"/,
    );
    const after = await kubectl('get', 'pods', '-o', 'name');
    t.notMatch(
      after.stdout,
      /UPPER_case|no-containers|bad-port|bad-cpu/,
      'nothing invalid was stored',
    );
  });

  t.test('typed create commands, which send protobuf', async (t) => {
    const created = [
      ['create', 'namespace', 'team-a'],
      ['create', 'configmap', 'settings', '--from-literal=mode=fast'],
      ['create', 'secret', 'generic', 'login', '--from-literal=user=admin'],
      ['create', 'service', 'clusterip', 'front', '--tcp=80:8080'],
      [
        'create',
        'deployment',
        'web',
        '--image=registry.local/web:v1',
        '--replicas=3',
        '--port=8080',
      ],
    ];
    const printed: string[] = [];
    for (const args of created) {
      const result = await kubectl(...args);
      t.equal(result.code, 0, `kubectl ${args.join(' ')}: ${result.stderr}`);
      printed.push(result.stdout.trim());
    }
    t.same(printed, [
      'namespace/team-a created',
      'configmap/settings created',
      'secret/login created',
      'service/front created',
      'deployment.apps/web created',
    ]);

    const secret = JSON.parse((await kubectl('get', 'secret', 'login', '-o', 'json')).stdout);
    t.match(secret, { type: 'Opaque', data: { user: Buffer.from('admin').toString('base64') } });
    const service = JSON.parse((await kubectl('get', 'svc', 'front', '-o', 'json')).stdout);
    t.match(service.spec, { type: 'ClusterIP', ports: [{ port: 80, targetPort: 8080 }] });
    const web = JSON.parse((await kubectl('get', 'deploy', 'web', '-o', 'json')).stdout);
    t.match(web.spec, {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: {
        spec: {
          containers: [{ image: 'registry.local/web:v1', ports: [{ containerPort: 8080 }] }],
        },
      },
    });

    const invalid = await kubectl('create', 'namespace', 'Team_B');
    t.equal(invalid.code, 1);
    t.match(invalid.stderr, 'The Namespace "Team_B" is invalid: metadata.name: Invalid value');

    for (const args of [
      ['delete', 'deployment', 'web'],
      ['delete', 'service', 'front'],
      ['delete', 'secret', 'login'],
      ['delete', 'configmap', 'settings'],
      ['delete', 'namespace', 'team-a'],
    ]) {
      const result = await kubectl(...args);
      t.equal(result.code, 0, `kubectl ${args.join(' ')}: ${result.stderr}`);
    }
  });

  t.test('auth: whoami and can-i, which send protobuf reviews', async (t) => {
    const whoami = await kubectl('auth', 'whoami');
    t.equal(whoami.code, 0, whoami.stderr);
    t.match(
      whoami.stdout,
      /^ATTRIBUTE\s+VALUE\nUsername\s+admin\nGroups\s+\[system:masters system:authenticated\]\n/,
    );

    // The node-join token authenticates as its own user.
    const nodeToken = (
      await readFile(path.join(controlPlane.dataDir, 'node-token'), 'utf8')
    ).trim();
    const asNode = await kubectl('auth', 'whoami', '--token', nodeToken, '-o', 'json');
    t.equal(asNode.code, 0, asNode.stderr);
    t.match(JSON.parse(asNode.stdout), {
      status: { userInfo: { username: 'system:bootstrap:node' } },
    });

    for (const args of [
      ['create', 'pods'],
      ['list', 'deployments.apps', '-n', 'kube-system', '--subresource=scale'],
      ['get', '/healthz'],
    ]) {
      const canI = await kubectl('auth', 'can-i', ...args);
      t.same(
        [canI.code, canI.stdout],
        [0, 'yes\n'],
        `kubectl auth can-i ${args.join(' ')}: ${canI.stderr}`,
      );
    }
    const rules = await kubectl('auth', 'can-i', '--list');
    t.equal(rules.code, 0, rules.stderr);
    t.match(
      rules.stdout,
      /^Resources\s+Non-Resource URLs\s+Resource Names\s+Verbs\n\*\.\*\s+\[\]\s+\[\]\s+\[\*\]\n\s+\[\*\]\s+\[\]\s+\[\*\]\n/,
    );
  });

  t.test('explain: the fields of a kind, from the served OpenAPI v3 schemas', async (t) => {
    const pod = await kubectl('explain', 'pods');
    t.equal(pod.code, 0, pod.stderr);
    t.match(pod.stdout, /^KIND:\s+Pod\nVERSION:\s+v1\n/);
    t.match(pod.stdout, /\n {2}spec\t<PodSpec>\n/);
    const ports = await kubectl(
      'explain',
      'deploy.spec.template.spec.containers.ports',
      '--recursive',
    );
    t.equal(ports.code, 0, ports.stderr);
    t.match(ports.stdout, /^GROUP:\s+apps\nKIND:\s+Deployment\nVERSION:\s+v1\n/);
    t.match(ports.stdout, /FIELD: ports <\[\]ContainerPort>/);
    t.match(ports.stdout, /\n {2}containerPort\t<integer> -required-\n/);
    t.match(ports.stdout, /\n {2}protocol\t<string>\n {2}enum: SCTP, TCP, UDP\n/);
    const limits = await kubectl('explain', 'po.spec.containers.resources.limits');
    t.match(limits.stdout, /FIELD: limits <map\[string\]Quantity>/, limits.stderr);
    const missing = await kubectl('explain', 'pods.spec.nothing');
    t.equal(missing.code, 1);
    t.match(missing.stderr, 'error: field "nothing" does not exist');
    // Versions served by conversion have their own form's fields.
    const hpaV1 = await kubectl('explain', 'hpa.spec', '--api-version=autoscaling/v1');
    t.equal(hpaV1.code, 0, hpaV1.stderr);
    t.match(
      hpaV1.stdout,
      /^GROUP:\s+autoscaling\nKIND:\s+HorizontalPodAutoscaler\nVERSION:\s+v1\n/,
    );
    t.match(hpaV1.stdout, /\n {2}targetCPUUtilizationPercentage\t<integer>\n/);
    const events = await kubectl('explain', 'events', '--api-version=events.k8s.io/v1');
    t.equal(events.code, 0, events.stderr);
    t.match(events.stdout, /^GROUP:\s+events\.k8s\.io\nKIND:\s+Event\nVERSION:\s+v1\n/);
    t.match(events.stdout, /\n {2}regarding\t<ObjectReference>\n/);
  });

  t.test('apply patches lists as Kubernetes does, from the served schemas', async (t) => {
    const deployment = (containers: unknown[], strategy: unknown, volume: unknown) =>
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'lists' },
        spec: {
          selector: { matchLabels: { app: 'lists' } },
          strategy,
          template: {
            metadata: { labels: { app: 'lists' } },
            spec: { containers, volumes: [{ name: 'data', ...(volume as object) }] },
          },
        },
      });
    const file = path.join(work, 'lists.json');
    await writeFile(
      file,
      deployment(
        [
          {
            name: 'web',
            image: 'registry.local/web:v1',
            env: [
              { name: 'KEEP', value: '1' },
              { name: 'DROP', value: '2' },
            ],
            ports: [{ containerPort: 80 }, { containerPort: 81 }],
          },
          { name: 'sidecar', image: 'registry.local/sidecar:v1' },
        ],
        { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } },
        { emptyDir: {} },
      ),
    );
    const created = await kubectl('apply', '-f', file);
    t.equal(created.stdout, 'deployment.apps/lists created\n', created.stderr);
    await writeFile(
      file,
      deployment(
        [
          {
            name: 'web',
            image: 'registry.local/web:v2',
            env: [{ name: 'KEEP', value: '1' }],
            ports: [{ containerPort: 81 }],
          },
        ],
        { type: 'Recreate' },
        { hostPath: { path: '/srv' } },
      ),
    );
    const configured = await kubectl('apply', '-f', file);
    t.equal(configured.stdout, 'deployment.apps/lists configured\n');
    t.equal(configured.stderr, '', 'kubectl found every field it patched in the schemas');
    const live = JSON.parse((await kubectl('get', 'deploy', 'lists', '-o', 'json')).stdout) as {
      spec: {
        strategy: unknown;
        template: {
          spec: {
            containers: { name: string; env: unknown[]; ports: { containerPort: number }[] }[];
            volumes: unknown[];
          };
        };
      };
    };
    const { containers, volumes } = live.spec.template.spec;
    t.same(
      containers.map((c) => c.name),
      ['web'],
      'a container taken out of the manifest is gone',
    );
    t.same(containers[0]?.env, [{ name: 'KEEP', value: '1' }], 'and so is a variable');
    t.same(
      containers[0]?.ports.map((p) => p.containerPort),
      [81],
      'and a port',
    );
    t.same(
      live.spec.strategy,
      { type: 'Recreate' },
      'retainKeys: the old rollingUpdate is cleared',
    );
    t.same(volumes, [{ name: 'data', hostPath: { path: '/srv', type: '' } }], 'and the old source');
    const deleted = await kubectl('delete', '-f', file);
    t.equal(deleted.code, 0, deleted.stderr);
  });

  t.test('apply --server-side: ownership, conflicts, --force-conflicts, removal', async (t) => {
    const manifest = (replicas: number, env: unknown[], volume: unknown) =>
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'ssa' },
        spec: {
          replicas,
          selector: { matchLabels: { app: 'ssa' } },
          template: {
            metadata: { labels: { app: 'ssa' } },
            spec: {
              containers: [{ name: 'web', image: 'registry.local/web:v1', env }],
              volumes: [{ name: 'data', ...(volume as object) }],
            },
          },
        },
      });
    const file = path.join(work, 'ssa.json');
    const both = [
      { name: 'KEEP', value: '1' },
      { name: 'DROP', value: '2' },
    ];
    await writeFile(file, manifest(2, both, { emptyDir: {} }));
    const created = await kubectl('apply', '--server-side', '-f', file);
    t.equal(created.stdout, 'deployment.apps/ssa serverside-applied\n', created.stderr);
    const managers = async () => {
      const out = await kubectl('get', 'deploy', 'ssa', '-o', 'json', '--show-managed-fields');
      const live = JSON.parse(out.stdout) as {
        metadata: { managedFields?: { manager: string; operation: string }[] };
      };
      return (live.metadata.managedFields ?? []).map((e) => `${e.manager}/${e.operation}`);
    };
    t.same(await managers(), ['kubectl/Apply'], 'kubectl applies as the "kubectl" manager');

    const scaled = await kubectl('scale', 'deploy', 'ssa', '--replicas=4');
    t.equal(scaled.code, 0, scaled.stderr);
    t.same(await managers(), ['kubectl/Apply', 'kubectl.1.32/Update'], 'the scale is recorded');
    const refused = await kubectl('apply', '--server-side', '-f', file);
    t.not(refused.code, 0, 'a field another manager set is a conflict');
    t.match(
      refused.stderr,
      /Apply failed with 1 conflict: conflict with "kubectl\.1\.32".*: \.spec\.replicas/,
    );
    t.match(refused.stderr, /--force-conflicts/, 'kubectl explains how to resolve it');
    const replicas = async () =>
      (await kubectl('get', 'deploy', 'ssa', '-o', 'jsonpath={.spec.replicas}')).stdout;
    t.equal(await replicas(), '4', 'the refused apply changed nothing');

    await writeFile(
      file,
      manifest(2, [{ name: 'KEEP', value: '1' }], { hostPath: { path: '/srv' } }),
    );
    const forced = await kubectl('apply', '--server-side', '--force-conflicts', '-f', file);
    t.equal(forced.stdout, 'deployment.apps/ssa serverside-applied\n', forced.stderr);
    t.equal(await replicas(), '2');
    const spec = JSON.parse(
      (await kubectl('get', 'deploy', 'ssa', '-o', 'jsonpath={.spec.template.spec}')).stdout,
    ) as { containers: { env: unknown[] }[]; volumes: unknown[] };
    t.same(spec.containers[0]?.env, [{ name: 'KEEP', value: '1' }], 'a dropped variable is gone');
    t.same(
      spec.volumes,
      [{ name: 'data', hostPath: { path: '/srv', type: '' } }],
      'the dropped emptyDir is gone, the new source set',
    );
    t.same(await managers(), ['kubectl/Apply'], 'forcing took replicas back');

    const dryRun = await kubectl('apply', '--server-side', '--dry-run=server', '-f', file);
    t.equal(dryRun.stdout, 'deployment.apps/ssa serverside-applied (server dry run)\n');
    const same = await kubectl('diff', '--server-side', '-f', file);
    t.equal(same.code, 0, `kubectl diff --server-side: nothing to apply: ${same.stderr}`);
    await writeFile(
      file,
      manifest(3, [{ name: 'KEEP', value: '1' }], { hostPath: { path: '/srv' } }),
    );
    const differs = await kubectl('diff', '--server-side', '-f', file);
    t.equal(differs.code, 1, 'kubectl diff exits 1 when the apply would change the object');
    t.match(differs.stdout, /-  replicas: 2\n\+  replicas: 3\n/);
    t.equal(await replicas(), '2', 'and the diff (a dry run) stored nothing');
    const deleted = await kubectl('delete', '-f', file);
    t.equal(deleted.code, 0, deleted.stderr);
  });

  t.test('switching kubectl apply to --server-side and back', async (t) => {
    const manifest = (replicas: number, labels: Record<string, string>) =>
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'switch', labels },
        spec: {
          replicas,
          selector: { matchLabels: { app: 'switch' } },
          template: {
            metadata: { labels: { app: 'switch' } },
            spec: { containers: [{ name: 'web', image: 'registry.local/web:v1' }] },
          },
        },
      });
    const file = path.join(work, 'switch.json');
    await writeFile(file, manifest(1, { a: '1', b: '2' }));
    t.equal((await kubectl('apply', '-f', file)).stdout, 'deployment.apps/switch created\n');
    await writeFile(file, manifest(2, { a: '1', b: '2', c: '3' }));
    const upgraded = await kubectl('apply', '--server-side', '-f', file);
    t.equal(
      upgraded.stdout,
      'deployment.apps/switch serverside-applied\n',
      `no conflict on what the client-side apply set: ${upgraded.stderr}`,
    );
    await writeFile(file, manifest(2, { a: '1' }));
    const downgraded = await kubectl('apply', '-f', file);
    t.equal(downgraded.stdout, 'deployment.apps/switch configured\n', downgraded.stderr);
    const live = JSON.parse((await kubectl('get', 'deploy', 'switch', '-o', 'json')).stdout) as {
      metadata: { labels: Record<string, string> };
      spec: { replicas: number };
    };
    t.same(
      live.metadata.labels,
      { a: '1' },
      'client-side apply diffs against the server-side config (c came from it)',
    );
    t.equal(live.spec.replicas, 2);
    t.equal((await kubectl('delete', '-f', file)).code, 0);
  });

  t.test('an autoscaling/v1 HPA applied client-side, server-side and back', async (t) => {
    const manifest = (cpuPercent: number) =>
      JSON.stringify({
        apiVersion: 'autoscaling/v1',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'switch-hpa' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'switch' },
          maxReplicas: 3,
          targetCPUUtilizationPercentage: cpuPercent,
        },
      });
    const file = path.join(work, 'switch-hpa.json');
    const target = async () =>
      (
        await kubectl(
          'get',
          'hpa',
          'switch-hpa',
          '-o',
          'jsonpath={.spec.metrics[0].resource.target.averageUtilization}',
        )
      ).stdout;
    await writeFile(file, manifest(50));
    const created = await kubectl('apply', '-f', file);
    t.equal(
      created.stdout,
      'horizontalpodautoscaler.autoscaling/switch-hpa created\n',
      created.stderr,
    );
    await writeFile(file, manifest(65));
    const upgraded = await kubectl('apply', '--server-side', '-f', file);
    t.equal(
      upgraded.stdout,
      'horizontalpodautoscaler.autoscaling/switch-hpa serverside-applied\n',
      `no conflict on what the client-side apply set: ${upgraded.stderr}`,
    );
    t.equal(await target(), '65');
    const other = await kubectl('apply', '--server-side', '--field-manager=ci', '-f', file);
    t.equal(other.code, 0, `an equal value is shared: ${other.stderr}`);
    await writeFile(file, manifest(55));
    const refused = await kubectl('apply', '--server-side', '--field-manager=ci', '-f', file);
    t.equal(refused.code, 1);
    t.match(refused.stderr, 'conflict with "kubectl"');
    const downgraded = await kubectl('apply', '-f', file);
    t.equal(
      downgraded.stdout,
      'horizontalpodautoscaler.autoscaling/switch-hpa configured\n',
      downgraded.stderr,
    );
    t.equal(await target(), '55');
    t.equal((await kubectl('delete', '-f', file)).code, 0);
  });

  t.test('autoscale: the autoscaling/v1 HPA kubectl writes, read in both versions', async (t) => {
    const made = await kubectl(
      'autoscale',
      'deployment',
      'lines-admin-nextjs-deployment',
      '--name=lines',
      '--min=2',
      '--max=5',
      '--cpu-percent=60',
    );
    t.equal(made.stdout, 'horizontalpodautoscaler.autoscaling/lines autoscaled\n', made.stderr);
    const table = await kubectl('get', 'hpa');
    t.match(
      table.stdout,
      /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE\nlines\s+Deployment\/lines-admin-nextjs-deployment\s+cpu: <unknown>\/60%\s+2\s+5\s+0\s+\d+s\n$/,
      table.stderr,
    );
    const v1 = JSON.parse(
      (await kubectl('get', 'horizontalpodautoscalers.v1.autoscaling', 'lines', '-o', 'json'))
        .stdout,
    ) as { apiVersion: string; spec: Record<string, unknown> };
    t.equal(v1.apiVersion, 'autoscaling/v1');
    t.match(v1.spec, { minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 60 });
    const v2 = JSON.parse((await kubectl('get', 'hpa', 'lines', '-o', 'json')).stdout) as {
      apiVersion: string;
      spec: { metrics: unknown[] };
    };
    t.equal(v2.apiVersion, 'autoscaling/v2', 'kubectl reads the preferred version');
    t.match(v2.spec.metrics, [
      { type: 'Resource', resource: { name: 'cpu', target: { averageUtilization: 60 } } },
    ]);
    const patched = await kubectl(
      'patch',
      'horizontalpodautoscalers.v1.autoscaling',
      'lines',
      '-p',
      '{"spec":{"targetCPUUtilizationPercentage":70}}',
    );
    t.equal(patched.code, 0, patched.stderr);
    t.match((await kubectl('get', 'hpa', 'lines')).stdout, 'cpu: <unknown>/70%');
    const deleted = await kubectl('delete', 'hpa', 'lines');
    t.equal(
      deleted.stdout,
      'horizontalpodautoscaler.autoscaling "lines" deleted\n',
      deleted.stderr,
    );
  });

  t.test(
    'apply a List: its items validated on the client from /openapi/v2, as on Kubernetes',
    async (t) => {
      // `kubectl get -o yaml` of several objects writes a List; kubectl checks a
      // List's items itself, against the OpenAPI v2 definitions (protobuf).
      const list = (dataField: string) => ({
        apiVersion: 'v1',
        kind: 'List',
        items: ['listed-a', 'listed-b'].map((name) => ({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name, labels: { from: 'list' } },
          [dataField]: { key: name },
        })),
      });
      const bad = path.join(work, 'bad-list.json');
      await writeFile(bad, JSON.stringify(list('dataa')));
      const refused = await kubectl('apply', '-f', bad);
      t.not(refused.code, 0);
      t.match(
        refused.stderr,
        'ValidationError(ConfigMap): unknown field "dataa" in io.k8s.api.core.v1.ConfigMap',
        'refused by kubectl, naming the field and the definition',
      );
      const none = await kubectl('get', 'configmaps', '-l', 'from=list', '-o', 'name');
      t.equal(none.stdout, '', 'nothing created');

      const good = path.join(work, 'list.json');
      await writeFile(good, JSON.stringify(list('data')));
      const applied = await kubectl('apply', '-f', good);
      t.equal(
        applied.stdout,
        'configmap/listed-a created\nconfigmap/listed-b created\n',
        applied.stderr,
      );
      const deleted = await kubectl('delete', '-f', good);
      t.equal(deleted.code, 0, deleted.stderr);
    },
  );

  t.test('label, then delete by file and by name', async (t) => {
    const labeled = await kubectl('label', 'pod', 'lines-admin-nextjs', 'tier=web');
    t.equal(labeled.stdout, 'pod/lines-admin-nextjs labeled\n', labeled.stderr);
    const selected = await kubectl('get', 'pods', '-l', 'tier=web', '-o', 'name');
    t.equal(selected.stdout, 'pod/lines-admin-nextjs\n');

    const byFile = await kubectl('delete', '-f', path.join(conformanceDir, 'seed-deployment.yaml'));
    t.equal(
      byFile.stdout,
      'deployment.apps "lines-admin-nextjs-deployment" deleted\n',
      byFile.stderr,
    );
    const byName = await kubectl('delete', 'pod', 'lines-admin-nextjs');
    t.equal(byName.stdout, 'pod "lines-admin-nextjs" deleted\n', byName.stderr);
    const empty = await kubectl('get', 'pods');
    t.equal(empty.stdout, '');
    t.match(empty.stderr, 'No resources found in default namespace.');
  });
}
