import t from 'tap';
import { parse } from 'yaml';
import type { KubeObject } from '../../controlplane/api/types.js';
import { humanDuration } from '../../sdk/cli/kube/age.js';
import {
  formatObjects,
  formatValue,
  objectName,
  ObjectStreamPrinter,
  withoutManagedFields,
} from '../../sdk/cli/kube/object-printer.js';
import { resolveType } from '../../sdk/cli/kube/resource-args.js';

const pod: KubeObject = {
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: { name: 'x', namespace: 'default', labels: { on: 'yes' } },
  spec: { containers: [{ name: 'c', image: 'kubia', args: ['1', 'no'] }] },
  status: { phase: 'Running' },
} as KubeObject;

t.test('-o name is kind/name, group-qualified beyond the core group', async (t) => {
  t.equal(objectName(resolveType('po'), 'x'), 'pod/x');
  t.equal(objectName(resolveType('deploy'), 'kubia'), 'deployment.apps/kubia');
  t.equal(objectName(resolveType('hpa'), 'h'), 'horizontalpodautoscaler.autoscaling/h');
});

t.test('-o yaml: sorted keys, flush sequences, YAML 1.1 words quoted', async (t) => {
  t.equal(
    formatValue(pod, 'yaml'),
    `apiVersion: v1
kind: Pod
metadata:
  labels:
    "on": "yes"
  name: x
  namespace: default
spec:
  containers:
  - args:
    - "1"
    - "no"
    image: kubia
    name: c
status:
  phase: Running
`,
  );
});

t.test('-o json: four spaces; one name is the object, anything else a List', async (t) => {
  const one = formatObjects([pod], 'json', true);
  t.ok(one.startsWith('{\n    "apiVersion": "v1",\n    "kind": "Pod",\n'));
  t.same(JSON.parse(one), pod);
  const several = JSON.parse(formatObjects([pod, pod], 'json', false)) as Record<string, unknown>;
  t.same(Object.keys(several), ['apiVersion', 'items', 'kind', 'metadata']);
  t.match(several, { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' } });
  t.same(parse(formatObjects([], 'yaml', false)), {
    apiVersion: 'v1',
    items: [],
    kind: 'List',
    metadata: { resourceVersion: '' },
  });
  t.match(
    JSON.parse(formatObjects([pod], 'json', false)),
    { kind: 'List' },
    'a list of one stays a List',
  );
});

t.test('managedFields are hidden as kubectl hides them', async (t) => {
  const managed = { ...pod, metadata: { ...pod.metadata, managedFields: [{ manager: 'skiff' }] } };
  t.same(withoutManagedFields(managed), pod);
  t.equal(withoutManagedFields(pod), pod, 'objects without them are returned as they are');
});

t.test('streams (get -w) print documents one by one', async (t) => {
  const yaml = new ObjectStreamPrinter('yaml');
  const type = resolveType('pods');
  const text = yaml.print(pod, type) + yaml.print(pod, type);
  t.equal(text.split('\n---\n').length, 2);
  t.notOk(text.startsWith('---'), 'no separator before the first document');
  const name = new ObjectStreamPrinter('name');
  t.equal(name.print(pod, type) + name.print(pod, type), 'pod/x\npod/x\n');
});

t.test('ages read like kubectl', async (t) => {
  t.equal(humanDuration(45_000), '45s');
  t.equal(humanDuration(200_000), '3m20s');
  t.equal(humanDuration(5 * 3600_000), '5h');
  t.equal(humanDuration((2 * 24 + 3) * 3600_000), '2d3h');
});
