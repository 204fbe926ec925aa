// kubectl's generators' naming rules, which `create deployment` and
// `create service` follow.

import t from 'tap';
import {
  configMapObject,
  containerNameOf,
  deploymentObject,
  serviceObject,
} from '../../sdk/cli/kube/generators.js';

t.test('a container is named after its image', async (t) => {
  t.equal(containerNameOf('nginx'), 'nginx');
  t.equal(containerNameOf('registry.local:5000/team/web-app:v1.2'), 'web-app');
  t.equal(containerNameOf('ghcr.io/x/My_Tool@sha256:abc'), 'my-tool');
  const deployment = deploymentObject('two', { images: ['a/web:1', 'b/web:2'], replicas: 1 });
  const spec = deployment['spec'] as { template: { spec: { containers: { name: string }[] } } };
  t.same(
    spec.template.spec.containers.map((c) => c.name),
    ['web', 'web-2'],
    'names stay unique',
  );
});

t.test('service ports: PORT[:TARGET], named PORT-TARGET; bad ports refused', async (t) => {
  const service = serviceObject('s', 'clusterip', ['80:8080', '443', '9000:metrics']);
  t.same((service['spec'] as { ports: unknown[] }).ports, [
    { name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 },
    { name: '443-443', port: 443, protocol: 'TCP', targetPort: 443 },
    { name: '9000-metrics', port: 9000, protocol: 'TCP', targetPort: 'metrics' },
  ]);
  t.throws(() => serviceObject('s', 'clusterip', []), {
    message: 'at least one tcp port specifier must be provided',
  });
  t.throws(() => serviceObject('s', 'clusterip', ['0']), /invalid port "0"/);
});

t.test('config map values: text in data, other bytes in binaryData', async (t) => {
  const object = configMapObject(
    'c',
    new Map([
      ['text', Buffer.from('héllo')],
      ['bytes', Buffer.from([0xff, 0x00, 0xfe])],
    ]),
  );
  t.same(object['data'], { text: 'héllo' });
  t.same(object['binaryData'], { bytes: '/wD+' });
});
