import t from 'tap';
import { CliError } from '../../sdk/cli/cli-error.js';
import { parseResourceArgs, resolveType } from '../../sdk/cli/kube/resource-args.js';

const summary = (args: string[], verb?: string) =>
  parseResourceArgs(args, verb).map((s) => `${s.type.plural}:${s.names.join('+')}`);

t.test('kubectl short names, plurals, singulars, kinds and group-qualified names', async (t) => {
  const expected: Record<string, string> = {
    po: 'pods',
    deploy: 'deployments',
    rs: 'replicasets',
    svc: 'services',
    no: 'nodes',
    ns: 'namespaces',
    ep: 'endpoints',
    cm: 'configmaps',
    ev: 'events',
    hpa: 'horizontalpodautoscalers',
    pod: 'pods',
    pods: 'pods',
    Pod: 'pods',
    PODS: 'pods',
    deployment: 'deployments',
    'deployments.apps': 'deployments',
    'deploy.apps': 'deployments',
    leases: 'leases',
    secret: 'secrets',
  };
  for (const [name, plural] of Object.entries(expected))
    t.equal(resolveType(name).plural, plural, name);
  t.throws(() => resolveType('deployments.batch'), CliError);
  t.throws(() => resolveType('widgets'), {
    message: 'the server doesn\'t have a resource type "widgets"',
  });
});

t.test('TYPE NAME..., TYPE/NAME... and TYPE,TYPE', async (t) => {
  t.same(summary(['pod', 'x', 'y']), ['pods:x+y']);
  t.same(summary(['po']), ['pods:']);
  t.same(summary(['pods/x']), ['pods:x']);
  t.same(summary(['pods/x', 'po/y', 'svc/z', 'pod/w']), ['pods:x+y', 'services:z', 'pods:w']);
  t.same(summary(['po,svc']), ['pods:', 'services:']);
  t.same(summary(['po,pods,svc', 'x']), ['pods:x', 'services:x'], 'a type named twice once');
  t.same(summary(['all']), [
    'pods:',
    'services:',
    'deployments:',
    'replicasets:',
    'horizontalpodautoscalers:',
  ]);
});

t.test('malformed arguments are refused as kubectl refuses them', async (t) => {
  t.throws(() => parseResourceArgs([], 'describe'), {
    message: /^You must specify the type of resource to describe\. Use "skiff api-resources"/,
  });
  t.throws(
    () => parseResourceArgs(['pods', 'pods/x']),
    /no need to specify a resource type as a separate argument/,
  );
  t.throws(() => parseResourceArgs(['pods/x', 'y']), /no need to specify a resource type/);
  t.throws(() => parseResourceArgs(['pods/']), /no need to specify a resource type/);
  t.throws(() => parseResourceArgs(['nope/x']), /doesn't have a resource type "nope"/);
});
