// `skiff describe service|endpoints|node|namespace|configmap|secret`, in kubectl's layout.

import type {
  ConfigMap,
  Endpoints,
  Namespace,
  Node,
  Pod,
  Secret,
  Service,
} from '../../../controlplane/api/generated/index.js';
import { resourceTypeByName } from '../../../controlplane/api/resources.js';
import type { HttpClusterApi } from '../../client/index.js';
import { ageOf } from './age.js';
import { describeMetadataHead, formatMapSelector } from './describe-common.js';
import { formatTime, type DescribeWriter } from './describe-writer.js';

/** kubectl's Service description, with the endpoints of each port. */
export async function describeService(
  w: DescribeWriter,
  api: HttpClusterApi,
  service: Service,
): Promise<void> {
  const spec = service.spec ?? {};
  describeMetadataHead(w, service);
  w.field(0, 'Selector', formatMapSelector(spec.selector));
  w.field(0, 'Type', spec.type ?? 'ClusterIP');
  if (spec.ipFamilyPolicy) w.field(0, 'IP Family Policy', spec.ipFamilyPolicy);
  if (spec.ipFamilies?.length) w.field(0, 'IP Families', spec.ipFamilies.join(','));
  w.field(0, 'IP', spec.clusterIP ?? '');
  w.field(0, 'IPs', spec.clusterIPs?.join(',') || spec.clusterIP || '<none>');
  if (spec.externalName) w.field(0, 'External Name', spec.externalName);
  let endpoints: Endpoints | undefined;
  const endpointsType = resourceTypeByName('endpoints');
  if (endpointsType && service.metadata.name) {
    endpoints = await api
      .resource<Endpoints>(endpointsType)
      .get(service.metadata.name, { namespace: service.metadata.namespace })
      .catch(() => undefined);
  }
  for (const port of spec.ports ?? []) {
    const name = port.name || '<unset>';
    const protocol = port.protocol ?? 'TCP';
    w.field(0, 'Port', `${name}\t${port.port}/${protocol}`);
    const target = port.targetPort ?? port.port;
    w.field(
      0,
      'TargetPort',
      typeof target === 'number' ? `${target}/${protocol}` : `${target}/${protocol}`,
    );
    if (port.nodePort) w.field(0, 'NodePort', `${name}\t${port.nodePort}/${protocol}`);
    const addresses = (endpoints?.subsets ?? []).flatMap((subset) => {
      const match =
        (subset.ports ?? []).find((p) => (p.name ?? '') === (port.name ?? '')) ?? subset.ports?.[0];
      return match ? (subset.addresses ?? []).map((a) => `${a.ip}:${match.port}`) : [];
    });
    w.field(0, 'Endpoints', addresses.join(','));
  }
  w.field(0, 'Session Affinity', spec.sessionAffinity ?? 'None');
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer')
    w.field(0, 'External Traffic Policy', spec.externalTrafficPolicy ?? 'Cluster');
  if (spec.internalTrafficPolicy) w.field(0, 'Internal Traffic Policy', spec.internalTrafficPolicy);
}

/** kubectl's Endpoints description: each subset's addresses and ports, then a blank line. */
export function describeEndpoints(w: DescribeWriter, endpoints: Endpoints): void {
  describeMetadataHead(w, endpoints);
  w.field(0, 'Subsets');
  for (const subset of endpoints.subsets ?? []) {
    const ips = (addresses: readonly { ip: string }[] | undefined) =>
      (addresses ?? []).map((address) => address.ip).join(',') || '<none>';
    w.field(1, 'Addresses', ips(subset.addresses));
    w.field(1, 'NotReadyAddresses', ips(subset.notReadyAddresses));
    if (subset.ports?.length) {
      w.field(1, 'Ports');
      w.line(2, 'Name\tPort\tProtocol');
      w.line(2, '----\t----\t--------');
      for (const port of subset.ports)
        w.line(2, `${port.name || '<unset>'}\t${port.port}\t${port.protocol ?? 'TCP'}`);
    }
    w.blank();
  }
}

/** kubectl's Node description, with the non-terminated pods on it. */
export async function describeNode(
  w: DescribeWriter,
  api: HttpClusterApi,
  node: Node,
  now = Date.now(),
): Promise<void> {
  const labels = node.metadata.labels ?? {};
  const roles = Object.keys(labels)
    .filter((key) => key.startsWith('node-role.kubernetes.io/'))
    .map((key) => key.slice('node-role.kubernetes.io/'.length));
  w.field(0, 'Name', node.metadata.name ?? '');
  w.field(0, 'Roles', roles.length ? roles.join(',') : '<none>');
  w.labels(0, 'Labels', labels);
  w.annotations(0, 'Annotations', node.metadata.annotations);
  w.field(0, 'CreationTimestamp', formatTime(node.metadata.creationTimestamp));
  w.multiline(
    0,
    'Taints',
    (node.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`),
  );
  w.field(0, 'Unschedulable', node.spec?.unschedulable ?? false);
  const status = node.status ?? {};
  if (status.conditions?.length) {
    w.line(0, 'Conditions:');
    w.line(1, 'Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage');
    w.line(1, '----\t------\t-----------------\t------------------\t------\t-------');
    for (const c of status.conditions) {
      w.line(
        1,
        `${c.type} \t${c.status} \t${formatTime(c.lastHeartbeatTime)} \t${formatTime(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}`,
      );
    }
  }
  w.line(0, 'Addresses:');
  for (const address of status.addresses ?? []) w.field(1, address.type, address.address);
  for (const [title, list] of [
    ['Capacity', status.capacity],
    ['Allocatable', status.allocatable],
  ] as const) {
    if (!list) continue;
    w.line(0, `${title}:`);
    for (const [name, value] of Object.entries(list)) w.field(1, name, String(value));
  }
  if (status.nodeInfo) {
    w.line(0, 'System Info:');
    const info = status.nodeInfo;
    const rows: [string, string | undefined][] = [
      ['Machine ID', info.machineID],
      ['System UUID', info.systemUUID],
      ['Boot ID', info.bootID],
      ['Kernel Version', info.kernelVersion],
      ['OS Image', info.osImage],
      ['Operating System', info.operatingSystem],
      ['Architecture', info.architecture],
      ['Container Runtime Version', info.containerRuntimeVersion],
      ['Kubelet Version', info.kubeletVersion],
    ];
    for (const [label, value] of rows) w.field(1, label, value ?? '');
  }
  if (node.spec?.podCIDR) w.field(0, 'PodCIDR', node.spec.podCIDR);
  const podType = resourceTypeByName('pods');
  const pods = podType
    ? await api
        .resource<Pod>(podType)
        .list({ fieldSelector: `spec.nodeName=${node.metadata.name ?? ''}` })
        .then((list) =>
          list.items.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed'),
        )
        .catch(() => [])
    : [];
  w.field(0, 'Non-terminated Pods', `(${pods.length} in total)`);
  if (pods.length > 0) {
    w.line(1, 'Namespace\tName\tAge');
    w.line(1, '---------\t----\t---');
    for (const pod of pods)
      w.line(
        1,
        `${pod.metadata.namespace ?? ''}\t${pod.metadata.name ?? ''}\t${ageOf(pod.metadata.creationTimestamp, now)}`,
      );
  }
}

/** kubectl's Namespace description (Skiff has no quotas or limit ranges to list). */
export function describeNamespace(w: DescribeWriter, namespace: Namespace): void {
  w.field(0, 'Name', namespace.metadata.name ?? '');
  w.labels(0, 'Labels', namespace.metadata.labels);
  w.annotations(0, 'Annotations', namespace.metadata.annotations);
  w.field(0, 'Status', namespace.status?.phase ?? 'Active');
  w.blank();
  w.line(0, 'No resource quota.');
  w.blank();
  w.line(0, 'No LimitRange resource.');
}

/** kubectl's ConfigMap description: each data entry in full, binary ones by size. */
export function describeConfigMap(w: DescribeWriter, configMap: ConfigMap): void {
  describeMetadataHead(w, configMap);
  w.blank();
  w.line(0, 'Data');
  w.line(0, '====');
  for (const [key, value] of Object.entries(configMap.data ?? {})) {
    w.line(0, `${key}:`);
    w.line(0, '----');
    w.line(0, value);
    w.blank();
  }
  w.blank();
  w.line(0, 'BinaryData');
  w.line(0, '====');
  for (const [key, value] of Object.entries(configMap.binaryData ?? {}))
    w.line(0, `${key}: ${Buffer.from(value, 'base64').length} bytes`);
  w.blank();
}

/** kubectl's Secret description: sizes only, never the values. */
export function describeSecret(w: DescribeWriter, secret: Secret): void {
  describeMetadataHead(w, secret);
  w.blank();
  w.field(0, 'Type', secret.type ?? 'Opaque');
  w.blank();
  w.line(0, 'Data');
  w.line(0, '====');
  for (const [key, value] of Object.entries(secret.data ?? {}))
    w.field(0, key, `${Buffer.from(value, 'base64').length} bytes`);
}
