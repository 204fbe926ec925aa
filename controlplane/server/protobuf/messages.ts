// What Skiff reads of Kubernetes' protobuf encoding: for each message, its
// field numbers with the JSON name and type of each (the numbers are the wire
// format of k8s.io/api and k8s.io/apimachinery). Covered: the objects kubectl's
// typed commands send (`kubectl create namespace|configmap|secret|service|
// deployment`), Pods and ReplicaSets as client-go's typed clients send them,
// DeleteOptions, the reviews of `kubectl auth can-i|whoami` and the
// autoscaling/v1 HPAs of `kubectl autoscale`, with the fields such clients
// commonly set.
// A field missing here is refused by the decoder when it holds a value, never
// dropped, so a gap shows as a clear 415 rather than as a lost field.

import { b, i32, i64, inline, list, map, msg, opt, s, type MessageSpec } from './field-specs.js';
import {
  AUTOSCALING_KINDS,
  AUTOSCALING_MESSAGES,
  type AutoscalingMessageName,
} from './autoscaling-messages.js';
import { REVIEW_KINDS, REVIEW_MESSAGES, type ReviewMessageName } from './review-messages.js';

export type { FieldSpec, MessageSpec, ScalarType } from './field-specs.js';

/** The messages the decoder knows. */
export type MessageName =
  | 'ObjectMeta'
  | 'OwnerReference'
  | 'LabelSelector'
  | 'LabelSelectorRequirement'
  | 'Namespace'
  | 'NamespaceSpec'
  | 'NamespaceStatus'
  | 'ConfigMap'
  | 'Secret'
  | 'Service'
  | 'ServiceSpec'
  | 'ServicePort'
  | 'ServiceStatus'
  | 'LoadBalancerStatus'
  | 'Deployment'
  | 'DeploymentSpec'
  | 'DeploymentStrategy'
  | 'RollingUpdateDeployment'
  | 'DeploymentStatus'
  | 'PodTemplateSpec'
  | 'PodSpec'
  | 'Container'
  | 'ContainerPort'
  | 'EnvVar'
  | 'ResourceRequirements'
  | 'DeleteOptions'
  | 'Preconditions'
  | 'Pod'
  | 'PodStatus'
  | 'ReplicaSet'
  | 'ReplicaSetSpec'
  | 'ReplicaSetStatus'
  | 'LocalObjectReference'
  | 'Volume'
  | 'VolumeSource'
  | 'HostPathVolumeSource'
  | 'EmptyDirVolumeSource'
  | 'SecretVolumeSource'
  | 'ConfigMapVolumeSource'
  | 'KeyToPath'
  | 'VolumeMount'
  | 'Probe'
  | 'ProbeHandler'
  | 'ExecAction'
  | 'HTTPGetAction'
  | 'HTTPHeader'
  | 'TCPSocketAction'
  | 'EnvVarSource'
  | 'ObjectFieldSelector'
  | 'ResourceFieldSelector'
  | 'ConfigMapKeySelector'
  | 'SecretKeySelector'
  | 'Toleration'
  | ReviewMessageName
  | AutoscalingMessageName;

const objectMeta: MessageSpec = {
  1: s('name'),
  2: s('generateName'),
  3: s('namespace'),
  4: s('selfLink'),
  5: s('uid'),
  6: s('resourceVersion'),
  7: i64('generation'),
  8: { json: 'creationTimestamp', type: 'time' },
  9: { json: 'deletionTimestamp', type: 'time' },
  10: opt(i64('deletionGracePeriodSeconds')),
  11: map('labels', 'string'),
  12: map('annotations', 'string'),
  13: list(msg('ownerReferences', 'OwnerReference')),
  14: list(s('finalizers')),
};

const container: MessageSpec = {
  1: s('name'),
  2: s('image'),
  3: list(s('command')),
  4: list(s('args')),
  5: s('workingDir'),
  6: list(msg('ports', 'ContainerPort')),
  7: list(msg('env', 'EnvVar')),
  8: msg('resources', 'ResourceRequirements'),
  9: list(msg('volumeMounts', 'VolumeMount')),
  10: msg('livenessProbe', 'Probe'),
  11: msg('readinessProbe', 'Probe'),
  13: s('terminationMessagePath'),
  14: s('imagePullPolicy'),
  16: b('stdin'),
  17: b('stdinOnce'),
  18: b('tty'),
  20: s('terminationMessagePolicy'),
  22: msg('startupProbe', 'Probe'),
};

const podSpec: MessageSpec = {
  1: list(msg('volumes', 'Volume')),
  2: list(msg('containers', 'Container')),
  3: s('restartPolicy'),
  4: opt(i64('terminationGracePeriodSeconds')),
  5: opt(i64('activeDeadlineSeconds')),
  6: s('dnsPolicy'),
  7: map('nodeSelector', 'string'),
  8: s('serviceAccountName'),
  9: s('serviceAccount'),
  10: s('nodeName'),
  11: b('hostNetwork'),
  12: b('hostPID'),
  13: b('hostIPC'),
  15: list(msg('imagePullSecrets', 'LocalObjectReference')),
  16: s('hostname'),
  17: s('subdomain'),
  19: s('schedulerName'),
  20: list(msg('initContainers', 'Container')),
  21: opt(b('automountServiceAccountToken')),
  22: list(msg('tolerations', 'Toleration')),
  24: s('priorityClassName'),
  25: opt(i32('priority')),
  29: opt(s('runtimeClassName')),
  30: opt(b('enableServiceLinks')),
  31: opt(s('preemptionPolicy')),
};

/** Every message the decoder knows, by name. */
export const MESSAGES: Readonly<Record<MessageName, MessageSpec>> = {
  ObjectMeta: objectMeta,
  OwnerReference: {
    1: s('kind'),
    3: s('name'),
    4: s('uid'),
    5: s('apiVersion'),
    6: opt(b('controller')),
    7: opt(b('blockOwnerDeletion')),
  },
  LabelSelector: {
    1: map('matchLabels', 'string'),
    2: list(msg('matchExpressions', 'LabelSelectorRequirement')),
  },
  LabelSelectorRequirement: { 1: s('key'), 2: s('operator'), 3: list(s('values')) },

  Namespace: {
    1: msg('metadata', 'ObjectMeta'),
    2: msg('spec', 'NamespaceSpec'),
    3: msg('status', 'NamespaceStatus'),
  },
  NamespaceSpec: { 1: list(s('finalizers')) },
  NamespaceStatus: { 1: s('phase') },

  ConfigMap: {
    1: msg('metadata', 'ObjectMeta'),
    2: map('data', 'string'),
    3: map('binaryData', 'bytes'),
    4: opt(b('immutable')),
  },
  Secret: {
    1: msg('metadata', 'ObjectMeta'),
    2: map('data', 'bytes'),
    3: s('type'),
    4: map('stringData', 'string'),
    5: opt(b('immutable')),
  },

  Service: {
    1: msg('metadata', 'ObjectMeta'),
    2: msg('spec', 'ServiceSpec'),
    3: msg('status', 'ServiceStatus'),
  },
  ServiceSpec: {
    1: list(msg('ports', 'ServicePort')),
    2: map('selector', 'string'),
    3: s('clusterIP'),
    4: s('type'),
    5: list(s('externalIPs')),
    7: s('sessionAffinity'),
    10: s('externalName'),
    11: s('externalTrafficPolicy'),
    12: i32('healthCheckNodePort'),
    13: b('publishNotReadyAddresses'),
    18: list(s('clusterIPs')),
  },
  ServicePort: {
    1: s('name'),
    2: s('protocol'),
    3: i32('port'),
    4: { json: 'targetPort', type: 'intOrString' },
    5: i32('nodePort'),
    6: opt(s('appProtocol')),
  },
  ServiceStatus: { 1: msg('loadBalancer', 'LoadBalancerStatus') },
  LoadBalancerStatus: {},

  Deployment: {
    1: msg('metadata', 'ObjectMeta'),
    2: msg('spec', 'DeploymentSpec'),
    3: msg('status', 'DeploymentStatus'),
  },
  DeploymentSpec: {
    1: opt(i32('replicas')),
    2: msg('selector', 'LabelSelector'),
    3: msg('template', 'PodTemplateSpec'),
    4: msg('strategy', 'DeploymentStrategy'),
    5: i32('minReadySeconds'),
    6: opt(i32('revisionHistoryLimit')),
    7: b('paused'),
    9: opt(i32('progressDeadlineSeconds')),
  },
  DeploymentStrategy: { 1: s('type'), 2: msg('rollingUpdate', 'RollingUpdateDeployment') },
  RollingUpdateDeployment: {
    1: { json: 'maxUnavailable', type: 'intOrString', optional: true },
    2: { json: 'maxSurge', type: 'intOrString', optional: true },
  },
  // Statuses are the server's (a create's is reset, and status updates go
  // through JSON), so only their zero values, which Go always writes, pass.
  DeploymentStatus: {},

  ReplicaSet: {
    1: msg('metadata', 'ObjectMeta'),
    2: msg('spec', 'ReplicaSetSpec'),
    3: msg('status', 'ReplicaSetStatus'),
  },
  ReplicaSetSpec: {
    1: opt(i32('replicas')),
    2: msg('selector', 'LabelSelector'),
    3: msg('template', 'PodTemplateSpec'),
    4: i32('minReadySeconds'),
  },
  ReplicaSetStatus: {},

  Pod: {
    1: msg('metadata', 'ObjectMeta'),
    2: msg('spec', 'PodSpec'),
    3: msg('status', 'PodStatus'),
  },
  PodStatus: {},
  PodTemplateSpec: { 1: msg('metadata', 'ObjectMeta'), 2: msg('spec', 'PodSpec') },
  PodSpec: podSpec,
  Container: container,
  ContainerPort: {
    1: s('name'),
    2: i32('hostPort'),
    3: i32('containerPort'),
    4: s('protocol'),
    5: s('hostIP'),
  },
  EnvVar: { 1: s('name'), 2: s('value'), 3: msg('valueFrom', 'EnvVarSource') },
  EnvVarSource: {
    1: msg('fieldRef', 'ObjectFieldSelector'),
    2: msg('resourceFieldRef', 'ResourceFieldSelector'),
    3: msg('configMapKeyRef', 'ConfigMapKeySelector'),
    4: msg('secretKeyRef', 'SecretKeySelector'),
  },
  ObjectFieldSelector: { 1: s('apiVersion'), 2: s('fieldPath') },
  ResourceFieldSelector: {
    1: s('containerName'),
    2: s('resource'),
    3: { json: 'divisor', type: 'quantity' },
  },
  ConfigMapKeySelector: { 1: inline('LocalObjectReference'), 2: s('key'), 3: opt(b('optional')) },
  SecretKeySelector: { 1: inline('LocalObjectReference'), 2: s('key'), 3: opt(b('optional')) },
  LocalObjectReference: { 1: s('name') },
  Volume: { 1: s('name'), 2: inline('VolumeSource') },
  VolumeSource: {
    1: msg('hostPath', 'HostPathVolumeSource'),
    2: msg('emptyDir', 'EmptyDirVolumeSource'),
    6: msg('secret', 'SecretVolumeSource'),
    19: msg('configMap', 'ConfigMapVolumeSource'),
  },
  HostPathVolumeSource: { 1: s('path'), 2: opt(s('type')) },
  EmptyDirVolumeSource: {
    1: s('medium'),
    2: { json: 'sizeLimit', type: 'quantity', optional: true },
  },
  SecretVolumeSource: {
    1: s('secretName'),
    2: list(msg('items', 'KeyToPath')),
    3: opt(i32('defaultMode')),
    4: opt(b('optional')),
  },
  ConfigMapVolumeSource: {
    1: inline('LocalObjectReference'),
    2: list(msg('items', 'KeyToPath')),
    3: opt(i32('defaultMode')),
    4: opt(b('optional')),
  },
  KeyToPath: { 1: s('key'), 2: s('path'), 3: opt(i32('mode')) },
  VolumeMount: {
    1: s('name'),
    2: b('readOnly'),
    3: s('mountPath'),
    4: s('subPath'),
    5: opt(s('mountPropagation')),
    6: s('subPathExpr'),
  },
  Probe: {
    1: inline('ProbeHandler'),
    2: i32('initialDelaySeconds'),
    3: i32('timeoutSeconds'),
    4: i32('periodSeconds'),
    5: i32('successThreshold'),
    6: i32('failureThreshold'),
    7: opt(i64('terminationGracePeriodSeconds')),
  },
  ProbeHandler: {
    1: msg('exec', 'ExecAction'),
    2: msg('httpGet', 'HTTPGetAction'),
    3: msg('tcpSocket', 'TCPSocketAction'),
  },
  ExecAction: { 1: list(s('command')) },
  HTTPGetAction: {
    1: s('path'),
    2: { json: 'port', type: 'intOrString' },
    3: s('host'),
    4: s('scheme'),
    5: list(msg('httpHeaders', 'HTTPHeader')),
  },
  HTTPHeader: { 1: s('name'), 2: s('value') },
  TCPSocketAction: { 1: { json: 'port', type: 'intOrString' }, 2: s('host') },
  Toleration: {
    1: s('key'),
    2: s('operator'),
    3: s('value'),
    4: s('effect'),
    5: opt(i64('tolerationSeconds')),
  },
  ResourceRequirements: { 1: map('limits', 'quantity'), 2: map('requests', 'quantity') },

  DeleteOptions: {
    1: opt(i64('gracePeriodSeconds')),
    2: msg('preconditions', 'Preconditions'),
    3: opt(b('orphanDependents')),
    4: opt(s('propagationPolicy')),
    5: list(s('dryRun')),
  },
  Preconditions: { 1: opt(s('uid')), 2: opt(s('resourceVersion')) },
  ...REVIEW_MESSAGES,
  ...AUTOSCALING_MESSAGES,
};

/** The top-level kinds a protobuf body may hold, by `apiVersion/kind`. */
export const TOP_LEVEL_KINDS: ReadonlyMap<string, MessageName> = new Map<string, MessageName>([
  ['v1/Namespace', 'Namespace'],
  ['v1/ConfigMap', 'ConfigMap'],
  ['v1/Secret', 'Secret'],
  ['v1/Service', 'Service'],
  ['v1/Pod', 'Pod'],
  ['apps/v1/Deployment', 'Deployment'],
  ['apps/v1/ReplicaSet', 'ReplicaSet'],
  ['v1/DeleteOptions', 'DeleteOptions'],
  ['meta.k8s.io/v1/DeleteOptions', 'DeleteOptions'],
  ...REVIEW_KINDS,
  ...AUTOSCALING_KINDS,
]);
