// `skiff describe pod`, and the containers and volumes that pod templates
// (Deployments, ReplicaSets) describe the same way, in kubectl's layout.

import type {
  Container,
  ContainerState,
  ContainerStatus,
  Pod,
  PodSpec,
  PodTemplateSpec,
  Probe,
  Volume,
} from '../../../controlplane/api/generated/index.js';
import { parseQuantity, quantityMilliValue } from '../../../controlplane/api/quantity.js';
import { describeController } from './describe-common.js';
import { formatTime, type DescribeWriter } from './describe-writer.js';

/** The head and body of a pod's description (events are added by the caller). */
export function describePod(w: DescribeWriter, pod: Pod): void {
  const spec: PodSpec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  w.field(0, 'Name', pod.metadata.name ?? '');
  w.field(0, 'Namespace', pod.metadata.namespace ?? '');
  w.field(0, 'Priority', spec.priority ?? 0);
  w.field(0, 'Service Account', spec.serviceAccountName ?? spec.serviceAccount ?? 'default');
  w.field(
    0,
    'Node',
    spec.nodeName ? `${spec.nodeName}${status.hostIP ? `/${status.hostIP}` : ''}` : '<none>',
  );
  if (status.startTime) w.field(0, 'Start Time', formatTime(status.startTime));
  w.labels(0, 'Labels', pod.metadata.labels);
  w.annotations(0, 'Annotations', pod.metadata.annotations);
  const deletion = pod.metadata.deletionTimestamp;
  if (deletion) {
    w.field(0, 'Status', `Terminating (lasts ${pod.metadata.deletionGracePeriodSeconds ?? 0}s)`);
    w.field(0, 'Termination Grace Period', `${pod.metadata.deletionGracePeriodSeconds ?? 0}s`);
  } else w.field(0, 'Status', status.phase ?? 'Pending');
  if (status.reason) w.field(0, 'Reason', status.reason);
  if (status.message) w.field(0, 'Message', status.message);
  w.field(0, 'IP', status.podIP ?? '');
  const ips = status.podIPs ?? [];
  if (ips.length === 0) w.field(0, 'IPs', '<none>');
  else {
    w.field(0, 'IPs');
    for (const ip of ips) w.field(1, 'IP', ip.ip ?? '');
  }
  describeController(w, pod);
  if (spec.initContainers?.length)
    describeContainers(
      w,
      0,
      'Init Containers',
      spec.initContainers,
      status.initContainerStatuses ?? [],
    );
  describeContainers(w, 0, 'Containers', spec.containers, status.containerStatuses ?? []);
  if (status.conditions?.length) {
    w.line(0, 'Conditions:');
    w.line(1, 'Type\tStatus');
    for (const condition of status.conditions)
      w.line(1, `${condition.type} \t${condition.status} `);
  }
  describeVolumes(w, 0, spec.volumes);
  w.field(0, 'QoS Class', status.qosClass ?? qosClass(spec));
  describeScheduling(w, 0, spec);
}

/** `Pod Template:` of a Deployment or ReplicaSet. */
export function describePodTemplate(
  w: DescribeWriter,
  template: PodTemplateSpec | undefined,
): void {
  w.line(0, 'Pod Template:');
  w.labels(1, 'Labels', template?.metadata?.labels);
  if (template?.metadata?.annotations && Object.keys(template.metadata.annotations).length > 0)
    w.annotations(1, 'Annotations', template.metadata.annotations);
  const spec = template?.spec;
  if (!spec) return;
  if (spec.serviceAccountName) w.field(1, 'Service Account', spec.serviceAccountName);
  if (spec.initContainers?.length)
    describeContainers(w, 1, 'Init Containers', spec.initContainers, []);
  describeContainers(w, 1, 'Containers', spec.containers, []);
  describeVolumes(w, 1, spec.volumes);
  describeScheduling(w, 1, spec);
}

function describeScheduling(w: DescribeWriter, level: number, spec: PodSpec): void {
  w.labels(level, 'Node-Selectors', spec.nodeSelector);
  const tolerations = (spec.tolerations ?? []).map((t) => {
    const key = t.key ?? '';
    const value = t.value ? `=${t.value}` : '';
    const effect = t.effect ? `:${t.effect}` : '';
    const op = t.operator === 'Exists' ? ' op=Exists' : '';
    const seconds = t.tolerationSeconds !== undefined ? ` for ${t.tolerationSeconds}s` : '';
    return `${key}${value}${effect}${op}${seconds}`;
  });
  w.multiline(level, 'Tolerations', tolerations);
}

/** kubectl's container blocks; `statuses` empty for templates (no state, no restarts). */
export function describeContainers(
  w: DescribeWriter,
  level: number,
  title: string,
  containers: readonly Container[],
  statuses: readonly ContainerStatus[],
): void {
  w.line(level, `${title}:`);
  for (const container of containers) {
    const status = statuses.find((s) => s.name === container.name);
    const l = level + 1;
    w.line(l, `${container.name}:`);
    if (status?.containerID) w.field(l + 1, 'Container ID', status.containerID);
    w.field(l + 1, 'Image', container.image ?? '');
    if (status) w.field(l + 1, 'Image ID', status.imageID ?? '');
    const ports = container.ports ?? [];
    const portList = (pick: (p: (typeof ports)[number]) => number) =>
      ports.map((p) => `${pick(p)}/${p.protocol ?? 'TCP'}`).join(', ');
    w.field(
      l + 1,
      ports.length > 1 ? 'Ports' : 'Port',
      ports.length ? portList((p) => p.containerPort) : '<none>',
    );
    w.field(
      l + 1,
      ports.length > 1 ? 'Host Ports' : 'Host Port',
      ports.length ? portList((p) => p.hostPort ?? 0) : '<none>',
    );
    describeList(w, l + 1, 'Command', container.command);
    describeList(w, l + 1, 'Args', container.args);
    if (status) {
      describeState(w, l + 1, 'State', status.state);
      if (status.lastState && Object.keys(status.lastState).length > 0)
        describeState(w, l + 1, 'Last State', status.lastState);
      w.field(l + 1, 'Ready', status.ready ? 'True' : 'False');
      w.field(l + 1, 'Restart Count', status.restartCount ?? 0);
    }
    describeResources(w, l + 1, 'Limits', container.resources?.limits);
    describeResources(w, l + 1, 'Requests', container.resources?.requests);
    if (container.livenessProbe) w.field(l + 1, 'Liveness', formatProbe(container.livenessProbe));
    if (container.readinessProbe)
      w.field(l + 1, 'Readiness', formatProbe(container.readinessProbe));
    if (container.startupProbe) w.field(l + 1, 'Startup', formatProbe(container.startupProbe));
    describeEnvironment(w, l + 1, container);
    const mounts = (container.volumeMounts ?? []).map(
      (m) =>
        `${m.mountPath} from ${m.name} (${m.readOnly ? 'ro' : 'rw'})${m.subPath ? `,path="${m.subPath}"` : ''}`,
    );
    if (mounts.length === 0) w.field(l + 1, 'Mounts', '<none>');
    else {
      w.field(l + 1, 'Mounts');
      for (const mount of mounts) w.line(l + 2, mount);
    }
  }
}

function describeList(
  w: DescribeWriter,
  level: number,
  title: string,
  values: readonly string[] | undefined,
): void {
  if (!values?.length) return;
  w.field(level, title);
  for (const value of values) w.line(level + 1, value);
}

function describeState(
  w: DescribeWriter,
  level: number,
  title: string,
  state: ContainerState | undefined,
): void {
  if (state?.running) {
    w.field(level, title, 'Running');
    w.field(level + 1, 'Started', formatTime(state.running.startedAt));
  } else if (state?.terminated) {
    const t = state.terminated;
    w.field(level, title, 'Terminated');
    if (t.reason) w.field(level + 1, 'Reason', t.reason);
    if (t.message) w.field(level + 1, 'Message', t.message);
    w.field(level + 1, 'Exit Code', t.exitCode);
    if (t.signal) w.field(level + 1, 'Signal', t.signal);
    w.field(level + 1, 'Started', formatTime(t.startedAt));
    w.field(level + 1, 'Finished', formatTime(t.finishedAt));
  } else {
    w.field(level, title, 'Waiting');
    if (state?.waiting?.reason) w.field(level + 1, 'Reason', state.waiting.reason);
    if (state?.waiting?.message) w.field(level + 1, 'Message', state.waiting.message);
  }
}

function describeResources(
  w: DescribeWriter,
  level: number,
  title: string,
  list: Readonly<Record<string, unknown>> | undefined,
): void {
  const entries = Object.entries(list ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length === 0) return;
  w.field(level, title);
  for (const [name, value] of entries) w.field(level + 1, name, String(value));
}

function describeEnvironment(w: DescribeWriter, level: number, container: Container): void {
  const env = container.env ?? [];
  const from = container.envFrom ?? [];
  for (const source of from) {
    const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
    const name = source.configMapRef?.name ?? source.secretRef?.name ?? '';
    w.field(level, 'Environment Variables from');
    w.line(
      level + 1,
      `${name}\t${kind}\tOptional: ${(source.configMapRef ?? source.secretRef)?.optional ?? false}`,
    );
  }
  if (env.length === 0) return w.field(level, 'Environment', '<none>');
  w.field(level, 'Environment');
  for (const variable of env) {
    const source = variable.valueFrom;
    let value = variable.value ?? '';
    if (source?.fieldRef)
      value = `(${source.fieldRef.apiVersion ?? 'v1'}:${source.fieldRef.fieldPath})`;
    else if (source?.resourceFieldRef)
      value = `${source.resourceFieldRef.resource} (limits/requests)`;
    else if (source?.configMapKeyRef)
      value = `<set to the key '${source.configMapKeyRef.key}' of config map '${source.configMapKeyRef.name ?? ''}'>\tOptional: ${source.configMapKeyRef.optional ?? false}`;
    else if (source?.secretKeyRef)
      value = `<set to the key '${source.secretKeyRef.key}' in secret '${source.secretKeyRef.name ?? ''}'>\tOptional: ${source.secretKeyRef.optional ?? false}`;
    w.field(level + 1, variable.name, value);
  }
}

/** `http-get http://:8080/ delay=0s timeout=1s period=10s #success=1 #failure=3` */
export function formatProbe(probe: Probe): string {
  const attrs = `delay=${probe.initialDelaySeconds ?? 0}s timeout=${probe.timeoutSeconds ?? 1}s period=${probe.periodSeconds ?? 10}s #success=${probe.successThreshold ?? 1} #failure=${probe.failureThreshold ?? 3}`;
  if (probe.httpGet) {
    const scheme = (probe.httpGet.scheme ?? 'HTTP').toLowerCase();
    return `http-get ${scheme}://${probe.httpGet.host ?? ''}:${probe.httpGet.port}${probe.httpGet.path ?? '/'} ${attrs}`;
  }
  if (probe.tcpSocket)
    return `tcp-socket ${probe.tcpSocket.host ?? ''}:${probe.tcpSocket.port} ${attrs}`;
  if (probe.exec) return `exec [${(probe.exec.command ?? []).join(' ')}] ${attrs}`;
  if (probe.grpc) return `grpc <pod>:${probe.grpc.port} ${probe.grpc.service ?? ''} ${attrs}`;
  return `unknown ${attrs}`;
}

function describeVolumes(
  w: DescribeWriter,
  level: number,
  volumes: readonly Volume[] | undefined,
): void {
  if (!volumes?.length) return w.field(level, 'Volumes', '<none>');
  w.line(level, 'Volumes:');
  for (const volume of volumes) {
    w.line(level + 1, `${volume.name}:`);
    const l = level + 2;
    if (volume.emptyDir) {
      w.field(l, 'Type', "EmptyDir (a temporary directory that shares a pod's lifetime)");
      w.field(l, 'Medium', volume.emptyDir.medium ?? '');
      w.field(
        l,
        'SizeLimit',
        volume.emptyDir.sizeLimit === undefined ? '<unset>' : String(volume.emptyDir.sizeLimit),
      );
    } else if (volume.hostPath) {
      w.field(l, 'Type', 'HostPath (bare host directory volume)');
      w.field(l, 'Path', volume.hostPath.path);
      w.field(l, 'HostPathType', volume.hostPath.type ?? '');
    } else if (volume.configMap) {
      w.field(l, 'Type', 'ConfigMap (a volume populated by a ConfigMap)');
      w.field(l, 'Name', volume.configMap.name ?? '');
      w.field(l, 'Optional', volume.configMap.optional ?? false);
    } else if (volume.secret) {
      w.field(l, 'Type', 'Secret (a volume populated by a Secret)');
      w.field(l, 'SecretName', volume.secret.secretName ?? '');
      w.field(l, 'Optional', volume.secret.optional ?? false);
    } else w.field(l, 'Type', '<unknown>');
  }
}

/** Kubernetes' QoS class from requests and limits (when the status does not say). */
export function qosClass(spec: PodSpec): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...spec.containers, ...(spec.initContainers ?? [])];
  const milli = (value: unknown) => {
    try {
      return quantityMilliValue(parseQuantity(String(value)));
    } catch {
      return undefined;
    }
  };
  let any = false;
  let guaranteed = true;
  for (const container of containers) {
    const limits: Record<string, unknown> = { ...container.resources?.limits };
    const requests: Record<string, unknown> = { ...limits, ...container.resources?.requests };
    if (Object.keys(limits).length > 0 || Object.keys(requests).length > 0) any = true;
    for (const resource of ['cpu', 'memory']) {
      const limit = limits[resource];
      if (limit === undefined || milli(limit) !== milli(requests[resource])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
