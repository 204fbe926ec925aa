// @kubernetes/client-node, the official JavaScript client, as a real client of
// `skiff controlplane`: it loads the kubeconfig the server wrote (HTTPS, the
// cluster CA, the admin token) and creates, lists, watches, patches, scales and
// deletes as it would against Kubernetes.

import t from 'tap';
import * as k8s from '@kubernetes/client-node';
import { startControlPlane } from '../helpers/controlplane.js';

const controlPlane = await startControlPlane();
t.teardown(() => controlPlane.stop());

const kubeconfig = new k8s.KubeConfig();
kubeconfig.loadFromFile(controlPlane.kubeconfig);
const core = kubeconfig.makeApiClient(k8s.CoreV1Api);
const apps = kubeconfig.makeApiClient(k8s.AppsV1Api);
const namespace = 'client-node';

function pod(name: string, labels: Record<string, string> = { app: 'kubia' }): k8s.V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: {
      containers: [
        { name: 'kubia', image: '127.0.0.1:5000/kubia:v1', ports: [{ containerPort: 8080 }] },
      ],
    },
  };
}

/** The status code of a client-node ApiException, or undefined. */
function codeOf(error: unknown): number | undefined {
  return error instanceof k8s.ApiException ? error.code : undefined;
}

t.test('namespaces and pods: create, read back with defaults, list by label', async (t) => {
  const ns = await core.createNamespace({ body: { metadata: { name: namespace } } });
  t.equal(ns.status?.phase, 'Active');

  const created = await core.createNamespacedPod({ namespace, body: pod('kubia-1') });
  t.ok(created.metadata?.uid, 'a uid is assigned');
  t.ok(created.metadata?.resourceVersion, 'a resourceVersion is assigned');
  t.ok(created.metadata?.creationTimestamp instanceof Date, 'creationTimestamp parses as a date');
  t.equal(created.spec?.restartPolicy, 'Always');
  t.equal(created.spec?.containers[0]?.imagePullPolicy, 'IfNotPresent');
  t.equal(created.spec?.containers[0]?.ports?.[0]?.protocol, 'TCP');

  await core.createNamespacedPod({ namespace, body: pod('other-1', { app: 'other' }) });
  const all = await core.listNamespacedPod({ namespace });
  t.same(all.items.map((p) => p.metadata?.name).sort(), ['kubia-1', 'other-1']);
  const kubias = await core.listNamespacedPod({ namespace, labelSelector: 'app=kubia' });
  t.same(
    kubias.items.map((p) => p.metadata?.name),
    ['kubia-1'],
  );
  const byField = await core.listNamespacedPod({
    namespace,
    fieldSelector: 'metadata.name=other-1',
  });
  t.same(
    byField.items.map((p) => p.metadata?.name),
    ['other-1'],
  );

  const read = await core.readNamespacedPod({ namespace, name: 'kubia-1' });
  t.equal(read.metadata?.uid, created.metadata?.uid);
});

t.test('a list as of an earlier resourceVersion (resourceVersionMatch=Exact)', async (t) => {
  const before = await core.createNamespacedConfigMap({
    namespace,
    body: { metadata: { name: 'exact-1' }, data: { v: '1' } },
  });
  const revision = before.metadata?.resourceVersion ?? '';
  await core.patchNamespacedConfigMap(
    { namespace, name: 'exact-1', body: { data: { v: '2' } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'exact-2' } } });
  const then = await core.listNamespacedConfigMap({
    namespace,
    resourceVersion: revision,
    resourceVersionMatch: 'Exact',
  });
  t.equal(then.metadata?.resourceVersion, revision);
  t.same(
    then.items.map((c) => [c.metadata?.name, c.data?.['v']]),
    [['exact-1', '1']],
    'the list as it was at that resourceVersion',
  );
  const now = await core.listNamespacedConfigMap({ namespace });
  t.same(
    now.items.map((c) => [c.metadata?.name, c.data?.['v']]),
    [
      ['exact-1', '2'],
      ['exact-2', undefined],
    ],
  );
});

t.test('errors arrive as ApiExceptions with Kubernetes status codes', async (t) => {
  const missing = await core
    .readNamespacedPod({ namespace, name: 'nope' })
    .catch((e: unknown) => e);
  t.equal(codeOf(missing), 404);
  const duplicate = await core
    .createNamespacedPod({ namespace, body: pod('kubia-1') })
    .catch((e: unknown) => e);
  t.equal(codeOf(duplicate), 409);
  const invalid = await core
    .createNamespacedPod({ namespace, body: pod('Not_A_Name') })
    .catch((e: unknown) => e);
  t.equal(codeOf(invalid), 422);
  t.match(String((invalid as k8s.ApiException<string>).body), /metadata\.name/);
});

t.test('patches: merge, strategic merge and JSON patch', async (t) => {
  const merged = await core.patchNamespacedPod(
    { namespace, name: 'kubia-1', body: { metadata: { labels: { tier: 'web' } } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  t.same(merged.metadata?.labels, { app: 'kubia', tier: 'web' });

  const strategic = await core.patchNamespacedPod(
    {
      namespace,
      name: 'kubia-1',
      body: { spec: { containers: [{ name: 'kubia', image: '127.0.0.1:5000/kubia:v2' }] } },
    },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
  );
  t.equal(strategic.spec?.containers.length, 1, 'containers merged by name');
  t.equal(strategic.spec?.containers[0]?.image, '127.0.0.1:5000/kubia:v2');
  t.equal(strategic.spec?.containers[0]?.ports?.[0]?.containerPort, 8080, 'unpatched fields stay');

  const jsonPatched = await core.patchNamespacedPod(
    { namespace, name: 'kubia-1', body: [{ op: 'remove', path: '/metadata/labels/tier' }] },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
  );
  t.same(jsonPatched.metadata?.labels, { app: 'kubia' });
});

t.test('a watch sees ADDED, MODIFIED and DELETED in order', async (t) => {
  const seen: string[] = [];
  const watch = new k8s.Watch(kubeconfig);
  const done = new Promise<unknown>((resolve) => {
    void watch
      .watch(
        `/api/v1/namespaces/${namespace}/pods`,
        { labelSelector: 'app=watched' },
        (phase: string, object: k8s.V1Pod) => {
          seen.push(
            `${phase} ${object.metadata?.name} ${object.metadata?.labels?.step ?? ''}`.trim(),
          );
          if (phase === 'DELETED') resolve(undefined);
        },
        resolve,
      )
      .then((controller) => t.teardown(() => controller.abort()));
  });
  // The watch request is in flight once the first event can be received;
  // give it a moment, then write.
  await new Promise((r) => setTimeout(r, 300));
  await core.createNamespacedPod({ namespace, body: pod('watched-1', { app: 'watched' }) });
  await core.patchNamespacedPod(
    { namespace, name: 'watched-1', body: { metadata: { labels: { step: 'two' } } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
  );
  await core.deleteNamespacedPod({ namespace, name: 'watched-1', gracePeriodSeconds: 0 });
  await done;
  t.same(seen, ['ADDED watched-1', 'MODIFIED watched-1 two', 'DELETED watched-1 two']);
});

t.test('deployments: create with apps/v1 defaults, scale subresource, delete', async (t) => {
  const deployment = await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: 'kubia' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'kubia' } },
        template: pod('ignored'),
      },
    },
  });
  t.equal(deployment.spec?.revisionHistoryLimit, 10);
  t.equal(deployment.spec?.progressDeadlineSeconds, 600);
  t.equal(deployment.spec?.strategy?.type, 'RollingUpdate');
  t.equal(deployment.spec?.strategy?.rollingUpdate?.maxSurge, '25%');
  t.equal(deployment.metadata?.generation, 1);

  const scale = await apps.readNamespacedDeploymentScale({ namespace, name: 'kubia' });
  t.equal(scale.spec?.replicas, 2);
  await apps.replaceNamespacedDeploymentScale({
    namespace,
    name: 'kubia',
    body: { ...scale, spec: { replicas: 5 } },
  });
  const scaled = await apps.readNamespacedDeployment({ namespace, name: 'kubia' });
  t.equal(scaled.spec?.replicas, 5);
  t.equal(scaled.metadata?.generation, 2, 'a spec change bumps generation');

  await apps.deleteNamespacedDeployment({ namespace, name: 'kubia' });
  const gone = await apps
    .readNamespacedDeployment({ namespace, name: 'kubia' })
    .catch((e: unknown) => e);
  t.equal(codeOf(gone), 404);
});

t.test('server-side apply through KubernetesObjectApi: create, conflict, force', async (t) => {
  const objects = kubeconfig.makeApiClient(k8s.KubernetesObjectApi);
  const config = (data: Record<string, string>): k8s.V1ConfigMap => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'applied', namespace },
    data,
  });
  const apply = (data: Record<string, string>, manager: string, force = false) =>
    objects.patch(
      config(data),
      undefined,
      undefined,
      manager,
      force,
      k8s.PatchStrategy.ServerSideApply,
    );
  const created = await apply({ a: '1' }, 'deployer');
  t.same(created.data, { a: '1' });
  t.same(
    created.metadata?.managedFields?.map((e) => [e.manager, e.operation]),
    [['deployer', 'Apply']],
  );
  const conflict = await apply({ a: '2' }, 'other').catch((e: unknown) => e);
  t.equal(codeOf(conflict), 409, 'another manager changing the field conflicts');
  const forced = await apply({ a: '2' }, 'other', true);
  t.same(forced.data, { a: '2' }, 'forced, it takes the field');
  t.same(
    forced.metadata?.managedFields?.map((e) => e.manager),
    ['other'],
    'the first manager owns nothing any more',
  );
  await core.deleteNamespacedConfigMap({ namespace, name: 'applied' });
});

t.test('autoscalers: one object, in autoscaling/v1 and autoscaling/v2', async (t) => {
  const v1 = kubeconfig.makeApiClient(k8s.AutoscalingV1Api);
  const v2 = kubeconfig.makeApiClient(k8s.AutoscalingV2Api);
  const created = await v1.createNamespacedHorizontalPodAutoscaler({
    namespace,
    body: {
      metadata: { name: 'kubia' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'kubia' },
        maxReplicas: 4,
        targetCPUUtilizationPercentage: 50,
      },
    },
  });
  t.equal(created.spec?.minReplicas, 1, 'defaulted');
  const asV2 = await v2.readNamespacedHorizontalPodAutoscaler({ namespace, name: 'kubia' });
  t.equal(asV2.spec?.metrics?.[0]?.resource?.target.averageUtilization, 50);
  const listed = await v1.listNamespacedHorizontalPodAutoscaler({ namespace });
  t.same(
    listed.items.map((h) => h.spec?.targetCPUUtilizationPercentage),
    [50],
  );
  await v1.deleteNamespacedHorizontalPodAutoscaler({ namespace, name: 'kubia' });
  const gone = await v2
    .readNamespacedHorizontalPodAutoscaler({ namespace, name: 'kubia' })
    .catch((e: unknown) => e);
  t.equal(codeOf(gone), 404);
});

t.test('pods: bound ones are deleted gracefully, unscheduled ones at once', async (t) => {
  await core.createNamespacedPodBinding({
    namespace,
    name: 'other-1',
    body: { metadata: { name: 'other-1' }, target: { kind: 'Node', name: 'node-1' } },
  });
  const bound = await core.readNamespacedPod({ namespace, name: 'other-1' });
  t.equal(bound.spec?.nodeName, 'node-1', 'the binding set spec.nodeName');

  const deleted = await core.deleteNamespacedPod({ namespace, name: 'other-1' });
  t.ok(deleted.metadata?.deletionTimestamp, 'deletionTimestamp set');
  t.equal(deleted.metadata?.deletionGracePeriodSeconds, 30);
  const terminating = await core.readNamespacedPod({ namespace, name: 'other-1' });
  t.ok(terminating.metadata?.deletionTimestamp, 'still there until its node confirms');
  await core.deleteNamespacedPod({ namespace, name: 'other-1', gracePeriodSeconds: 0 });
  const gone = await core
    .readNamespacedPod({ namespace, name: 'other-1' })
    .catch((e: unknown) => e);
  t.equal(codeOf(gone), 404);

  await core.deleteNamespacedPod({ namespace, name: 'kubia-1' });
  const unscheduled = await core
    .readNamespacedPod({ namespace, name: 'kubia-1' })
    .catch((e: unknown) => e);
  t.equal(codeOf(unscheduled), 404, 'a pod no node runs is deleted at once');
});

t.test('reviews: who am I, and may I', async (t) => {
  const authentication = kubeconfig.makeApiClient(k8s.AuthenticationV1Api);
  const authorization = kubeconfig.makeApiClient(k8s.AuthorizationV1Api);
  const me = await authentication.createSelfSubjectReview({
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
  });
  t.equal(me.status?.userInfo?.username, 'admin');
  t.ok(me.status?.userInfo?.groups?.includes('system:authenticated'));
  const review = await authorization.createSelfSubjectAccessReview({
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { namespace, verb: 'delete', resource: 'pods' } },
    },
  });
  t.equal(review.status?.allowed, true);
  const invalid = await authorization
    .createSelfSubjectAccessReview({
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: {} },
    })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  t.equal(codeOf(invalid), 422, 'a review without attributes');
});
