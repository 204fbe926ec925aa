// `skiff wait` against a real `skiff controlplane`, as scripts use kubectl
// wait: blocking until another client changes, creates or deletes an object,
// and failing with kubectl's words when the time runs out.

import t from 'tap';
import { finished, skiff, startSkiff } from '../helpers/cli.js';
import { startControlPlane } from '../helpers/controlplane.js';

const controlPlane = await startControlPlane();
t.teardown(() => controlPlane.stop());

const env = { KUBECONFIG: controlPlane.kubeconfig };
const kube = (...args: string[]) => skiff(args, { env });
/** Starts `skiff wait ...` now; its result once it ends. */
const waiting = (...args: string[]) => finished(startSkiff(['wait', ...args], { env }));

async function expectOk(result: Promise<{ code: number | null; stderr: string }>): Promise<void> {
  const { code, stderr } = await result;
  if (code !== 0) throw new Error(stderr);
}

const configMap = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  labels: {app: waits}\n`;
await expectOk(skiff(['apply', '-f', '-'], { env, input: configMap('settings') }));

t.test('jsonpath and status conditions, met now or later', async (t) => {
  const now = await kube('wait', '--for=jsonpath={.metadata.name}=settings', 'cm/settings');
  t.equal(now.stdout, 'configmap/settings condition met\n', now.stderr);

  const later = waiting('--for=jsonpath={.data.mode}=on', 'configmap', 'settings', '--timeout=20s');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await expectOk(kube('patch', 'cm', 'settings', '--type=merge', '-p', '{"data":{"mode":"on"}}'));
  const met = await later;
  t.equal(met.code, 0, met.stderr);
  t.equal(met.stdout, 'configmap/settings condition met\n');

  await expectOk(
    skiff(['apply', '-f', '-'], {
      env,
      input: 'apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n',
    }),
  );
  const condition = waiting('--for=condition=Ready', 'node/n1', '--timeout=20s', '-o', 'name');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const status = JSON.stringify({
    status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] },
  });
  await expectOk(kube('patch', 'node', 'n1', '--subresource=status', '--type=merge', '-p', status));
  const ready = await condition;
  t.equal(ready.stdout, 'node/n1\n', ready.stderr);
});

t.test('create and delete, by name and by selector', async (t) => {
  const created = waiting('--for=create', 'cm/later', '--timeout=20s');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await expectOk(skiff(['apply', '-f', '-'], { env, input: configMap('later') }));
  const appeared = await created;
  t.equal(appeared.stdout, 'configmap/later condition met\n', appeared.stderr);

  const deleted = waiting('--for=delete', 'cm', '-l', 'app=waits', '--timeout=20s');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await expectOk(kube('delete', 'cm', '-l', 'app=waits'));
  const gone = await deleted;
  t.equal(gone.code, 0, gone.stderr);
  t.equal(gone.stdout, 'configmap/later condition met\nconfigmap/settings condition met\n');

  const already = await kube('wait', '--for=delete', 'cm/settings', '--timeout=1s');
  t.equal(already.code, 0, 'an object already gone has nothing to wait for');
  t.equal(already.stdout, '');
});

t.test('failures in kubectl words, exit 1', async (t) => {
  await expectOk(skiff(['apply', '-f', '-'], { env, input: configMap('fixed') }));
  const timedOut = await kube('wait', '--for=jsonpath={.data.mode}=on', 'cm/fixed', '--timeout=1s');
  t.equal(timedOut.code, 1);
  t.equal(timedOut.stderr, 'error: timed out waiting for the condition on configmaps/fixed\n');

  const once = await kube('wait', '--for=jsonpath={.data.mode}=on', 'cm/fixed', '--timeout=0');
  t.equal(once.stderr, 'error: condition not met for configmaps/fixed\n');

  const missing = await kube('wait', '--for=condition=Ready', 'pod/nope', '--timeout=1s');
  t.equal(missing.code, 1, 'a condition of an object that is not there is an error');
  t.equal(missing.stderr, 'Error from server (NotFound): pods "nope" not found\n');

  const none = await kube(
    'wait',
    '--for=condition=Ready',
    'pods',
    '-l',
    'app=none',
    '--timeout=1s',
  );
  t.equal(none.stderr, 'error: no matching resources found\n');

  const noFor = await kube('wait', 'cm/fixed');
  t.equal(noFor.stderr, 'error: unrecognized condition: ""\n');
  t.equal(noFor.code, 1);
});
