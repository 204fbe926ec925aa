// Cluster IPs and node ports of Services: allocated on create, checked when
// requested, kept across updates, freed on delete, never shared.

import t from 'tap';
import type { KubeObject } from '../../controlplane/api/types.js';
import { openServices, rejectsWith, STORE_FIXTURES } from './services-support.js';

interface ServiceShape extends KubeObject {
  spec: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    ports: { name?: string; port: number; nodePort?: number; targetPort?: number | string }[];
    selector?: Record<string, string>;
  };
}

function service(name: string, spec: Partial<ServiceShape['spec']> = {}): ServiceShape {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
  };
}

const inServiceCidr = (ip: string | undefined) => {
  const [a, b] = (ip ?? '').split('.').map(Number);
  return a === 10 && (b ?? 0) >= 96 && (b ?? 0) <= 111;
};

for (const fixture of STORE_FIXTURES) {
  t.test(fixture.name, async (t) => {
    const { api } = await openServices(t, fixture);
    const services = api.resource<ServiceShape>(api.services.type);

    t.test('a ClusterIP service gets a cluster IP of 10.96.0.0/12, each its own', async (t) => {
      const ips = new Set<string>();
      for (let i = 0; i < 20; i++) {
        const created = await services.create(service(`svc-${i}`));
        t.ok(inServiceCidr(created.spec.clusterIP), `${created.spec.clusterIP} in 10.96.0.0/12`);
        t.same(created.spec.clusterIPs, [created.spec.clusterIP]);
        ips.add(created.spec.clusterIP ?? '');
        t.equal(created.spec.ports[0]?.nodePort, undefined, 'no node port for ClusterIP');
      }
      t.equal(ips.size, 20, 'no two services share an IP');
    });

    t.test('a requested IP is honoured once; out of range and taken are 422', async (t) => {
      const first = await services.create(service('fixed', { clusterIP: '10.96.100.100' }));
      t.equal(first.spec.clusterIP, '10.96.100.100');
      await rejectsWith(
        t,
        services.create(service('again', { clusterIP: '10.96.100.100' })),
        422,
        /spec\.clusterIPs.*provided IP is already allocated/,
      );
      await rejectsWith(
        t,
        services.create(service('outside', { clusterIP: '192.168.1.1' })),
        422,
        /spec\.clusterIPs.*not in the valid range/,
      );
      await services.delete('fixed');
      const reused = await services.create(service('again', { clusterIP: '10.96.100.100' }));
      t.equal(reused.spec.clusterIP, '10.96.100.100', 'a deleted service frees its IP');
    });

    t.test('headless services get no IP', async (t) => {
      const headless = await services.create(service('headless', { clusterIP: 'None' }));
      t.equal(headless.spec.clusterIP, 'None');
    });

    t.test('NodePort services get node ports of 30000-32767; a taken one is 422', async (t) => {
      const created = await services.create(
        service('web', {
          type: 'NodePort',
          ports: [
            { name: 'http', port: 80 },
            { name: 'https', port: 443, nodePort: 30443 },
          ],
        }),
      );
      const [http, https] = created.spec.ports;
      t.ok(
        (http?.nodePort ?? 0) >= 30000 && (http?.nodePort ?? 0) <= 32767,
        `${http?.nodePort} in range`,
      );
      t.equal(https?.nodePort, 30443);
      await rejectsWith(
        t,
        services.create(
          service('clash', { type: 'NodePort', ports: [{ port: 80, nodePort: 30443 }] }),
        ),
        422,
        /spec\.ports\[0\]\.nodePort: Invalid value: 30443: provided port is already allocated/,
      );
      const clashIPs = (await services.list()).items.filter((s) => s.metadata.name === 'clash');
      t.same(clashIPs, [], 'the refused service is not stored');
      await rejectsWith(
        t,
        services.create(service('low', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] })),
        422,
        /spec\.ports\[0\]\.nodePort.*not in the valid range/,
      );
    });

    t.test('updates keep the IP and node ports; changing the IP is 422', async (t) => {
      const live = await services.get('web');
      const omitted: ServiceShape = {
        ...live,
        spec: {
          ...live.spec,
          clusterIP: undefined,
          clusterIPs: undefined,
          ports: [
            { name: 'http', port: 80 },
            { name: 'https', port: 443 },
          ],
        },
      };
      delete omitted.spec.clusterIP;
      delete omitted.spec.clusterIPs;
      const updated = await services.update(omitted);
      t.equal(updated.spec.clusterIP, live.spec.clusterIP);
      t.same(
        updated.spec.ports.map((p) => p.nodePort),
        live.spec.ports.map((p) => p.nodePort),
      );
      await rejectsWith(
        t,
        services.update({
          ...updated,
          spec: { ...updated.spec, clusterIP: '10.96.7.7', clusterIPs: ['10.96.7.7'] },
        }),
        422,
        /spec\.clusterIP.*(immutable|may not change)/,
      );

      const narrowed = await services.update({
        ...updated,
        spec: { ...updated.spec, ports: [updated.spec.ports[0] ?? { port: 80 }] },
      });
      t.equal(narrowed.spec.ports.length, 1);
      const reuse = await services.create(
        service('reuse', { type: 'NodePort', ports: [{ port: 80, nodePort: 30443 }] }),
      );
      t.equal(reuse.spec.ports[0]?.nodePort, 30443, 'a port the update dropped is free again');
    });

    t.test('a failed create gives back what it claimed', async (t) => {
      await services.create(service('dup', { clusterIP: '10.96.50.50' }));
      await rejectsWith(t, services.create(service('dup', { clusterIP: '10.96.50.51' })), 409);
      const other = await services.create(service('other', { clusterIP: '10.96.50.51' }));
      t.equal(other.spec.clusterIP, '10.96.50.51');
    });
  });
}
