// Kubernetes' defaults for each served kind (the SetDefaults_* functions of
// core/v1, apps/v1 and autoscaling/v2), applied to the top-level object.

import { defaultPodSpec, defaultPodTemplate } from './pod-spec.js';
import { existingRecord, recordAt, recordsAt, setDefault } from './values.js';

/** Deployment: how many old ReplicaSets are kept for rollbacks. */
export const DEFAULT_REVISION_HISTORY_LIMIT = 10;
/** Deployment: seconds without progress before it is reported failed. */
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
/** Service: seconds a client sticks to one pod under ClientIP affinity. */
export const DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;
/** HPA: the CPU utilization target when no metric is given. */
export const DEFAULT_CPU_UTILIZATION = 80;
/** The label every Namespace carries with its own name. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

type Defaulter = (object: Record<string, unknown>) => void;

function pod(object: Record<string, unknown>): void {
  defaultPodSpec(object['spec'], 'pod');
}

function replicaSet(object: Record<string, unknown>): void {
  const spec = existingRecord(object, 'spec');
  if (!spec) return;
  setDefault(spec, 'replicas', 1);
  defaultPodTemplate(spec['template']);
}

function deployment(object: Record<string, unknown>): void {
  const spec = existingRecord(object, 'spec');
  if (!spec) return;
  setDefault(spec, 'replicas', 1);
  const strategy = recordAt(spec, 'strategy');
  if (strategy) {
    setDefault(strategy, 'type', 'RollingUpdate');
    if (strategy['type'] === 'RollingUpdate') {
      const rolling = recordAt(strategy, 'rollingUpdate');
      if (rolling) {
        setDefault(rolling, 'maxUnavailable', '25%');
        setDefault(rolling, 'maxSurge', '25%');
      }
    }
  }
  setDefault(spec, 'revisionHistoryLimit', DEFAULT_REVISION_HISTORY_LIMIT);
  setDefault(spec, 'progressDeadlineSeconds', DEFAULT_PROGRESS_DEADLINE_SECONDS);
  defaultPodTemplate(spec['template']);
}

/** ClientIP affinity: how long a client sticks to one pod (3 hours). */
function defaultClientIPConfig(spec: Record<string, unknown>): void {
  const config = existingRecord(spec, 'sessionAffinityConfig');
  const clientIP = config ? existingRecord(config, 'clientIP') : undefined;
  // Kubernetes replaces an incomplete config as a whole.
  if (clientIP?.['timeoutSeconds'] === undefined) {
    spec['sessionAffinityConfig'] = {
      clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_TIMEOUT_SECONDS },
    };
  }
}

/** LoadBalancer addresses that are IPs are reached as VIPs unless the status says otherwise. */
function defaultIngressIPMode(object: Record<string, unknown>): void {
  const status = existingRecord(object, 'status');
  const loadBalancer = status ? existingRecord(status, 'loadBalancer') : undefined;
  for (const ingress of loadBalancer ? recordsAt(loadBalancer, 'ingress') : []) {
    if (typeof ingress['ip'] === 'string' && ingress['ip'] !== '')
      setDefault(ingress, 'ipMode', 'VIP');
  }
}

function service(object: Record<string, unknown>): void {
  const spec = existingRecord(object, 'spec');
  if (!spec) return;
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec['sessionAffinity'] === 'None') delete spec['sessionAffinityConfig'];
  if (spec['sessionAffinity'] === 'ClientIP') defaultClientIPConfig(spec);
  setDefault(spec, 'type', 'ClusterIP');
  for (const port of recordsAt(spec, 'ports')) {
    setDefault(port, 'protocol', 'TCP');
    const unset =
      port['targetPort'] === undefined || port['targetPort'] === 0 || port['targetPort'] === '';
    if (unset && port['port'] !== undefined) port['targetPort'] = port['port'];
  }
  const type = spec['type'];
  const external = type === 'NodePort' || type === 'LoadBalancer';
  if (external) setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (external || type === 'ClusterIP') {
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
    // Skiff's pod network is IPv4 only: what Kubernetes shows for a single-stack cluster.
    if (spec['clusterIP'] !== 'None') {
      setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
      setDefault(spec, 'ipFamilies', ['IPv4']);
    }
  }
  if (type === 'LoadBalancer') {
    setDefault(spec, 'allocateLoadBalancerNodePorts', true);
    defaultIngressIPMode(object);
  }
}

function endpoints(object: Record<string, unknown>): void {
  for (const subset of recordsAt(object, 'subsets')) {
    for (const port of recordsAt(subset, 'ports')) setDefault(port, 'protocol', 'TCP');
  }
}

/**
 * Secret: type Opaque; `stringData` is merged into `data` (base64) and
 * dropped, as Kubernetes' conversion does: it is write-only.
 */
function secret(object: Record<string, unknown>): void {
  setDefault(object, 'type', 'Opaque');
  const stringData = existingRecord(object, 'stringData');
  if (!stringData || !Object.values(stringData).every((v) => typeof v === 'string')) return;
  const data = recordAt(object, 'data');
  if (!data) return;
  for (const [key, value] of Object.entries(stringData))
    data[key] = Buffer.from(String(value), 'utf8').toString('base64');
  delete object['stringData'];
}

function namespace(object: Record<string, unknown>): void {
  const metadata = existingRecord(object, 'metadata');
  const name = metadata?.['name'];
  if (metadata && typeof name === 'string' && name !== '') {
    const labels = recordAt(metadata, 'labels');
    if (labels) labels[NAMESPACE_NAME_LABEL] = name;
  }
  const status = recordAt(object, 'status');
  if (status) setDefault(status, 'phase', 'Active');
}

function node(object: Record<string, unknown>): void {
  const status = existingRecord(object, 'status');
  const capacity = status ? existingRecord(status, 'capacity') : undefined;
  if (status && capacity && status['allocatable'] === undefined)
    status['allocatable'] = { ...capacity };
}

function scalingRules(behavior: Record<string, unknown>, direction: 'scaleUp' | 'scaleDown'): void {
  const rules = recordAt(behavior, direction);
  if (!rules) return;
  // Scale-down's window is left unset: the controller's flag (300 s by default) decides it.
  if (direction === 'scaleUp') setDefault(rules, 'stabilizationWindowSeconds', 0);
  setDefault(rules, 'selectPolicy', 'Max');
  setDefault(
    rules,
    'policies',
    direction === 'scaleUp'
      ? [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ]
      : [{ type: 'Percent', value: 100, periodSeconds: 15 }],
  );
}

function horizontalPodAutoscaler(object: Record<string, unknown>): void {
  const spec = existingRecord(object, 'spec');
  if (!spec) return;
  setDefault(spec, 'minReplicas', 1);
  const metrics = spec['metrics'];
  if (metrics === undefined || (Array.isArray(metrics) && metrics.length === 0)) {
    spec['metrics'] = [
      {
        type: 'Resource',
        resource: {
          name: 'cpu',
          target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION },
        },
      },
    ];
  }
  // Behavior is defaulted only when given, rule set by rule set.
  const behavior = existingRecord(spec, 'behavior');
  if (behavior) {
    scalingRules(behavior, 'scaleUp');
    scalingRules(behavior, 'scaleDown');
  }
}

/** The defaulting function of each kind that has defaults. */
export const KIND_DEFAULTERS: Readonly<Record<string, Defaulter>> = {
  Pod: pod,
  ReplicaSet: replicaSet,
  Deployment: deployment,
  Service: service,
  Endpoints: endpoints,
  Secret: secret,
  Namespace: namespace,
  Node: node,
  HorizontalPodAutoscaler: horizontalPodAutoscaler,
};
