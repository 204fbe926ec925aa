// `--for` as kubectl reads it, and whether an object meets it.

import t from 'tap';
import type { KubeObject } from '../../controlplane/api/types.js';
import { objectMeets, parseWaitCondition } from '../../sdk/cli/kube/wait-conditions.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { replicas: 3, selector: { matchLabels: { app: 'web' } } },
  status: {
    conditions: [
      { type: 'Available', status: 'True' },
      { type: 'Progressing', status: 'False' },
    ],
  },
} as unknown as KubeObject;

t.test('the forms of --for', async (t) => {
  t.same(parseWaitCondition('delete'), { kind: 'delete' });
  t.same(parseWaitCondition('Create'), { kind: 'create' });
  t.same(parseWaitCondition('condition=Ready'), {
    kind: 'condition',
    type: 'Ready',
    status: 'True',
  });
  t.same(parseWaitCondition('condition=Ready=false'), {
    kind: 'condition',
    type: 'Ready',
    status: 'false',
  });
  t.same(parseWaitCondition('jsonpath={.status.phase}=Running'), {
    kind: 'jsonpath',
    path: '.status.phase',
    value: 'Running',
  });
  t.same(parseWaitCondition('jsonpath={.status.loadBalancer.ingress}'), {
    kind: 'jsonpath',
    path: '.status.loadBalancer.ingress',
  });
  t.same(parseWaitCondition('jsonpath=.status.phase=Running'), {
    kind: 'jsonpath',
    path: '.status.phase',
    value: 'Running',
  });
  t.same(parseWaitCondition('jsonpath={.status.conditions[?(@.type=="Ready")].status}=True'), {
    kind: 'jsonpath',
    path: '.status.conditions[?(@.type=="Ready")].status',
    value: 'True',
  });
  t.throws(() => parseWaitCondition(undefined), { message: 'unrecognized condition: ""' });
  t.throws(() => parseWaitCondition('ready'), { message: 'unrecognized condition: "ready"' });
  t.throws(() => parseWaitCondition('condition='), {
    message: 'unrecognized condition: "condition="',
  });
  t.throws(() => parseWaitCondition('jsonpath={}'), {
    message: 'jsonpath expression cannot be empty',
  });
});

t.test(
  'status conditions: type and status compared ignoring case; missing is not False',
  async (t) => {
    t.ok(objectMeets(parseWaitCondition('condition=available'), deployment));
    t.ok(objectMeets(parseWaitCondition('condition=Progressing=false'), deployment));
    t.notOk(objectMeets(parseWaitCondition('condition=Progressing'), deployment));
    t.notOk(objectMeets(parseWaitCondition('condition=ReplicaFailure=False'), deployment));
    t.notOk(objectMeets(parseWaitCondition('condition=Ready'), { ...deployment, status: {} }));
  },
);

t.test('jsonpath: a value compared as printed, or the path leading anywhere', async (t) => {
  t.ok(objectMeets(parseWaitCondition('jsonpath={.spec.replicas}=3'), deployment));
  t.notOk(objectMeets(parseWaitCondition('jsonpath={.spec.replicas}=4'), deployment));
  t.ok(objectMeets(parseWaitCondition('jsonpath={.spec.selector}'), deployment));
  t.notOk(objectMeets(parseWaitCondition('jsonpath={.spec.paused}'), deployment));
  t.ok(
    objectMeets(
      parseWaitCondition('jsonpath={.status.conditions[?(@.type=="Available")].status}=True'),
      deployment,
    ),
  );
  t.throws(() => objectMeets(parseWaitCondition('jsonpath={.spec.selector}=x'), deployment), {
    message: 'jsonpath leads to a nested object or list which is not supported',
  });
});
