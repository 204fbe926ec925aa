// Tables of services and endpoints, with kubectl's columns.

import type { KubeObject } from '../../api/types.js';
import type { Printer } from './columns.js';
import { AGE_COLUMN, NAME_COLUMN, ageOf, column, nameOf } from './columns.js';
import { NONE, numberOf, orNone, record, records, stringMap, text } from './fields.js';

type Json = Readonly<Record<string, unknown>>;

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** EXTERNAL-IP: load balancer ingress and external IPs; `<pending>` for a load balancer without one. */
function externalIP(spec: Json, status: Json): string {
  const external = strings(spec.externalIPs);
  switch (text(spec.type) || 'ClusterIP') {
    case 'ExternalName':
      return text(spec.externalName);
    case 'LoadBalancer': {
      const ingress = records(record(status.loadBalancer).ingress)
        .map((i) => text(i.ip) || text(i.hostname))
        .filter((s) => s !== '');
      const all = [...ingress, ...external];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    default:
      return external.length > 0 ? external.join(',') : NONE;
  }
}

/** PORT(S): `80/TCP`, `80:30080/TCP` with a node port, comma-separated. */
function ports(spec: Json): string {
  const list = records(spec.ports).map((p) => {
    const protocol = text(p.protocol) || 'TCP';
    const nodePort = numberOf(p.nodePort);
    const port = numberOf(p.port) ?? 0;
    return nodePort ? `${port}:${nodePort}/${protocol}` : `${port}/${protocol}`;
  });
  return orNone(list.join(','));
}

/** A selector map as `a=b,c=d` (sorted), `<none>` when empty. */
function formatLabels(labels: Readonly<Record<string, string>>): string {
  return orNone(
    Object.keys(labels)
      .sort()
      .map((k) => `${k}=${labels[k] ?? ''}`)
      .join(','),
  );
}

export const SERVICE_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Type', 'Determines how the Service is exposed.'),
    column('Cluster-IP', 'The IP address of the service, assigned by the cluster.'),
    column(
      'External-IP',
      'The IPs (or names) through which the service is reached from outside the cluster.',
    ),
    column('Port(s)', 'The ports that are exposed by this service.'),
    AGE_COLUMN,
    column(
      'Selector',
      'Route service traffic to pods with label keys and values matching this selector.',
      { wide: true },
    ),
  ],
  cells(service: KubeObject, now) {
    const spec = record(service.spec);
    const status = record(service.status);
    return [
      nameOf(service),
      text(spec.type) || 'ClusterIP',
      orNone(text(spec.clusterIP)),
      externalIP(spec, status),
      ports(spec),
      ageOf(service, now),
      formatLabels(stringMap(spec.selector)),
    ];
  },
};

/** How many endpoints the ENDPOINTS cell lists before `+ N more...`. */
const ENDPOINTS_SHOWN = 3;

/** ENDPOINTS: `ip:port` for each address and port (ips only when a subset has no ports). */
export function formatEndpoints(endpoints: KubeObject): string {
  const list: string[] = [];
  let total = 0;
  for (const subset of records(endpoints.subsets)) {
    const addresses = records(subset.addresses).map((a) => text(a.ip));
    const subsetPorts = records(subset.ports);
    const pairs =
      subsetPorts.length === 0
        ? addresses
        : subsetPorts.flatMap((p) =>
            addresses.map((ip) => {
              const port = numberOf(p.port) ?? 0;
              return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
            }),
          );
    total += pairs.length;
    for (const pair of pairs) if (list.length < ENDPOINTS_SHOWN) list.push(pair);
  }
  if (total > list.length) return `${list.join(',')} + ${total - list.length} more...`;
  return orNone(list.join(','));
}

export const ENDPOINTS_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Endpoints', 'Endpoints of the service: the ready addresses and their ports.'),
    AGE_COLUMN,
  ],
  cells: (endpoints, now) => [nameOf(endpoints), formatEndpoints(endpoints), ageOf(endpoints, now)],
};
