// The API's validation layer (schemas + Kubernetes' rules): what a write is
// refused for, with Kubernetes' field paths, reasons and messages, as the
// server's 422 Invalid Status carries them.

import { existsSync, readFileSync } from 'node:fs';
import t from 'tap';
import { parseAllDocuments } from 'yaml';
import { applyDefaults, defaultNamespace } from '../../controlplane/api/defaults/index.js';
import { invalid, type FieldError } from '../../controlplane/api/errors.js';
import { RESOURCE_TYPES, type ResourceType } from '../../controlplane/api/resources.js';
import type { KubeObject } from '../../controlplane/api/types.js';
import { validateObject, type ObjectValidation } from '../../controlplane/api/validation/index.js';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
} from '../../controlplane/api/validation/names.js';

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const QUANTITY =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

function typeOf(kind: string): ResourceType {
  const type = RESOURCE_TYPES.find((r) => r.kind === kind);
  if (!type) throw new Error(`no resource type ${kind}`);
  return type;
}

/** What the server does with a create: namespace, defaults, validation. */
function create(object: object): ObjectValidation {
  const copy = structuredClone(object) as KubeObject;
  const type = typeOf(copy.kind);
  defaultNamespace(type, copy);
  return validateObject(type, applyDefaults(type, copy), { operation: 'create' });
}

/** An update of `old` (created and defaulted) to `next`. */
function update(old: object, next: object): ObjectValidation {
  const type = typeOf((old as KubeObject).kind);
  const before = applyDefaults(type, structuredClone(old) as KubeObject);
  defaultNamespace(type, before);
  const after = applyDefaults(type, structuredClone(next) as KubeObject);
  defaultNamespace(type, after);
  return validateObject(type, after, { operation: 'update', old: before });
}

const fields = (r: ObjectValidation): string[] => r.errors.map((e) => e.field);
const invalidError = (field: string, message: string): FieldError => ({
  field,
  reason: 'FieldValueInvalid',
  message,
});

const container = (extra: object = {}): object => ({
  name: 'c',
  image: 'registry.local/app:v1',
  ...extra,
});
const pod = (spec: object, metadata: object = { name: 'p' }): object => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata,
  spec,
});
const podWith = (extra: object): object => pod({ containers: [container(extra)] });
const template = { metadata: { labels: { app: 'a' } }, spec: { containers: [container()] } };
const deployment = (spec: object): object => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'd' },
  spec: { replicas: 1, selector: { matchLabels: { app: 'a' } }, template, ...spec },
});
const replicaSet = (spec: object): object => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'rs' },
  spec: { selector: { matchLabels: { app: 'a' } }, template, ...spec },
});
const service = (spec: object, name = 's'): object => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec,
});
const hpa = (spec: object): object => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'h' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' },
    maxReplicas: 3,
    ...spec,
  },
});

t.test('DNS names with Kubernetes messages', async (t) => {
  t.same(isDNS1123Subdomain('example.com'), []);
  t.same(isDNS1123Subdomain('UPPER_case'), [SUBDOMAIN]);
  t.same(isDNS1123Subdomain('-p'), [SUBDOMAIN]);
  t.same(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
  t.same(isDNS1123Label('my-name'), []);
  t.same(isDNS1123Label('a.b'), ['must not contain dots']);
  t.same(isDNS1123Label('Web_1'), [LABEL]);
  t.same(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  t.same(isDNS1035Label('abc-123'), []);
  t.same(isDNS1035Label('1abc'), [DNS1035]);
});

t.test('object names per kind', async (t) => {
  t.same(create(pod({ containers: [container()] }, { name: 'UPPER_case' })).errors, [
    invalidError('metadata.name', `Invalid value: "UPPER_case": ${SUBDOMAIN}`),
  ]);
  t.same(fields(create(pod({ containers: [container()] }, { name: 'a_b' }))), ['metadata.name']);
  t.same(create(pod({ containers: [container()] }, { name: 'a'.repeat(254) })).errors, [
    invalidError(
      'metadata.name',
      `Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`,
    ),
  ]);
  t.same(create(pod({ containers: [container()] }, {})).errors, [
    {
      field: 'metadata.name',
      reason: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
    },
  ]);
  t.same(create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a.b' } }).errors, [
    invalidError('metadata.name', 'Invalid value: "a.b": must not contain dots'),
  ]);
  t.same(create(service({ ports: [{ port: 80 }] }, '1abc')).errors, [
    invalidError('metadata.name', `Invalid value: "1abc": ${DNS1035}`),
  ]);
  t.same(
    create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1.example.com' } }).errors,
    [],
  );
  t.same(
    create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n', namespace: 'default' } })
      .errors,
    [],
  );
  // generateName is a prefix: its trailing dash is fine.
  t.same(
    create(pod({ containers: [container()] }, { name: 'web-x1', generateName: 'web-' })).errors,
    [],
  );
});

t.test('label keys and values, annotations', async (t) => {
  t.same(isQualifiedName('app.kubernetes.io/name'), []);
  t.same(isQualifiedName('bad key'), [NAME_PART]);
  t.same(isQualifiedName('/x'), ['prefix part must be non-empty']);
  t.same(isQualifiedName('Example.com/x'), [`prefix part ${SUBDOMAIN}`]);
  t.same(isValidLabelValue(''), []);
  t.same(isValidLabelValue('-x'), [LABEL_VALUE]);
  const labelled = (labels: object): object =>
    pod({ containers: [container()] }, { name: 'p', labels });
  t.same(create(labelled({ 'bad key': 'v' })).errors, [
    invalidError('metadata.labels', `Invalid value: "bad key": ${NAME_PART}`),
  ]);
  t.same(create(labelled({ app: 'v'.repeat(64) })).errors, [
    invalidError(
      'metadata.labels',
      `Invalid value: "${'v'.repeat(64)}": must be no more than 63 characters`,
    ),
  ]);
  t.same(create(labelled({ 'example.com/app': 'web', tier: '' })).errors, []);
  const annotated = (annotations: object): object =>
    pod({ containers: [container()] }, { name: 'p', annotations });
  t.same(
    create(annotated({ 'Example.COM/Note': 'x' })).errors,
    [],
    'annotation keys are checked in lower case',
  );
  t.same(create(annotated({ big: 'x'.repeat(256 * 1024) })).errors, [
    {
      field: 'metadata.annotations',
      reason: 'FieldValueTooLong',
      message: 'Too long: may not be more than 262144 bytes',
    },
  ]);
  t.same(
    create(annotated({ big: 'x'.repeat(256 * 1024 - 3) })).errors,
    [],
    'keys and values count: 3 + 262141 bytes fit',
  );
});

t.test('quantities in container resources', async (t) => {
  for (const cpu of ['100m', '1024m', '0.5', '1e3', '2', 1, 0.25]) {
    t.same(create(podWith({ resources: { requests: { cpu } } })).errors, [], `cpu ${cpu}`);
  }
  for (const memory of ['1Gi', '64Mi', '128974848', '129e6', '123Mi']) {
    t.same(create(podWith({ resources: { limits: { memory } } })).errors, [], `memory ${memory}`);
  }
  for (const cpu of ['two', '1.5.5', '12XB', '', '1 Gi']) {
    t.same(
      create(podWith({ resources: { requests: { cpu } } })).errors,
      [
        invalidError(
          'spec.containers[0].resources.requests[cpu]',
          `Invalid value: ${JSON.stringify(cpu)}: ${QUANTITY}`,
        ),
      ],
      `cpu ${JSON.stringify(cpu)}`,
    );
  }
  t.same(create(podWith({ resources: { requests: { cpu: '-1' } } })).errors, [
    invalidError(
      'spec.containers[0].resources.requests[cpu]',
      'Invalid value: "-1": must be greater than or equal to 0',
    ),
  ]);
  t.same(create(podWith({ resources: { requests: { memory: '-1Mi' } } })).errors, [
    invalidError(
      'spec.containers[0].resources.requests[memory]',
      'Invalid value: "-1Mi": must be greater than or equal to 0',
    ),
  ]);
  t.same(create(podWith({ resources: { requests: { gpu: '1' } } })).errors, [
    invalidError(
      'spec.containers[0].resources.requests[gpu]',
      'Invalid value: "gpu": must be a standard resource for containers',
    ),
  ]);
});

t.test('requests may not exceed limits', async (t) => {
  t.same(create(podWith({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } })).errors, [
    invalidError(
      'spec.containers[0].resources.requests',
      'Invalid value: "2": must be less than or equal to cpu limit of 1',
    ),
  ]);
  t.same(
    create(podWith({ resources: { requests: { cpu: '1024m' }, limits: { cpu: '1' } } })).errors,
    [
      invalidError(
        'spec.containers[0].resources.requests',
        'Invalid value: "1024m": must be less than or equal to cpu limit of 1',
      ),
    ],
  );
  t.same(
    create(
      podWith({
        resources: {
          requests: { cpu: '1000m', memory: '1Gi' },
          limits: { cpu: 1, memory: '1024Mi' },
        },
      }),
    ).errors,
    [],
  );
  t.same(
    create(podWith({ resources: { requests: { memory: '2Gi' }, limits: { memory: '1Gi' } } }))
      .errors,
    [
      invalidError(
        'spec.containers[0].resources.requests',
        'Invalid value: "2Gi": must be less than or equal to memory limit of 1Gi',
      ),
    ],
  );
});

t.test('container names are unique across containers and init containers', async (t) => {
  t.same(create(pod({ containers: [container(), container()] })).errors, [
    {
      field: 'spec.containers[1].name',
      reason: 'FieldValueDuplicate',
      message: 'Duplicate value: "c"',
    },
  ]);
  t.same(create(pod({ initContainers: [container()], containers: [container()] })).errors, [
    {
      field: 'spec.initContainers[0].name',
      reason: 'FieldValueDuplicate',
      message: 'Duplicate value: "c"',
    },
  ]);
  t.same(create(pod({ containers: [container({ name: 'Web_1' })] })).errors, [
    invalidError('spec.containers[0].name', `Invalid value: "Web_1": ${LABEL}`),
  ]);
  t.same(create(pod({ containers: [{ image: 'x:1' }] })).errors, [
    { field: 'spec.containers[0].name', reason: 'FieldValueRequired', message: 'Required value' },
  ]);
  t.same(create(pod({ containers: [{ name: 'c' }] })).errors, [
    { field: 'spec.containers[0].image', reason: 'FieldValueRequired', message: 'Required value' },
  ]);
  t.same(create(pod({ containers: [] })).errors, [
    { field: 'spec.containers', reason: 'FieldValueRequired', message: 'Required value' },
  ]);
  t.same(fields(create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } })), [
    'spec.containers',
  ]);
});

t.test('ports: names unique, numbers in range, host ports unique', async (t) => {
  const ports = (list: object[]): object => podWith({ ports: list });
  t.same(
    create(
      ports([
        { name: 'http', containerPort: 80 },
        { name: 'http', containerPort: 81 },
      ]),
    ).errors,
    [
      {
        field: 'spec.containers[0].ports[1].name',
        reason: 'FieldValueDuplicate',
        message: 'Duplicate value: "http"',
      },
    ],
  );
  t.same(create(ports([{ containerPort: 70000 }])).errors, [
    invalidError(
      'spec.containers[0].ports[0].containerPort',
      'Invalid value: 70000: must be between 1 and 65535, inclusive',
    ),
  ]);
  t.same(create(ports([{ containerPort: 0 }])).errors, [
    {
      field: 'spec.containers[0].ports[0].containerPort',
      reason: 'FieldValueRequired',
      message: 'Required value',
    },
  ]);
  t.same(create(ports([{ containerPort: 80, hostPort: 65536 }])).errors, [
    invalidError(
      'spec.containers[0].ports[0].hostPort',
      'Invalid value: 65536: must be between 1 and 65535, inclusive',
    ),
  ]);
  t.same(create(ports([{ containerPort: 80, name: 'HTTP' }])).errors, [
    invalidError(
      'spec.containers[0].ports[0].name',
      'Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    ),
    invalidError(
      'spec.containers[0].ports[0].name',
      'Invalid value: "HTTP": must contain at least one letter (a-z)',
    ),
  ]);
  t.same(create(ports([{ containerPort: 80, protocol: 'ICMP' }])).errors, [
    {
      field: 'spec.containers[0].ports[0].protocol',
      reason: 'FieldValueNotSupported',
      message: 'Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    },
  ]);
  const hostPorts = pod({
    containers: [
      container({ ports: [{ containerPort: 80, hostPort: 8080 }] }),
      container({
        name: 'd',
        ports: [
          { containerPort: 81, hostPort: 8080 },
          { containerPort: 82, hostPort: 8080, protocol: 'UDP' },
        ],
      }),
    ],
  });
  t.same(create(hostPorts).errors, [
    {
      field: 'spec.containers[1].ports[0].hostPort',
      reason: 'FieldValueDuplicate',
      message: 'Duplicate value: "TCP//8080"',
    },
  ]);
  // The same container port twice is allowed (Kubernetes only warns about it).
  t.same(create(ports([{ containerPort: 80 }, { containerPort: 80 }])).errors, []);
});

t.test('probes have exactly one handler', async (t) => {
  t.same(
    create(podWith({ livenessProbe: { httpGet: { port: 80 }, tcpSocket: { port: 80 } } })).errors,
    [
      {
        field: 'spec.containers[0].livenessProbe.tcpSocket',
        reason: 'FieldValueForbidden',
        message: 'Forbidden: may not specify more than 1 handler type',
      },
    ],
  );
  t.same(create(podWith({ readinessProbe: { periodSeconds: 5 } })).errors, [
    {
      field: 'spec.containers[0].readinessProbe',
      reason: 'FieldValueRequired',
      message: 'Required value: must specify a handler type',
    },
  ]);
  t.same(
    create(podWith({ livenessProbe: { exec: { command: ['true'] }, successThreshold: 2 } })).errors,
    [
      invalidError(
        'spec.containers[0].livenessProbe.successThreshold',
        'Invalid value: 2: must be 1',
      ),
    ],
  );
  t.same(
    create(podWith({ readinessProbe: { httpGet: { port: 'http' }, initialDelaySeconds: -1 } }))
      .errors,
    [
      invalidError(
        'spec.containers[0].readinessProbe.initialDelaySeconds',
        'Invalid value: -1: must be greater than or equal to 0',
      ),
    ],
  );
  t.same(fields(create(podWith({ startupProbe: { tcpSocket: { port: 0 } } }))), [
    'spec.containers[0].startupProbe.tcpSocket.port',
  ]);
  t.same(create(podWith({ startupProbe: { grpc: { port: 9090 } } })).errors, []);
});

t.test('volume mounts name volumes of the pod', async (t) => {
  t.same(create(podWith({ volumeMounts: [{ name: 'missing', mountPath: '/m' }] })).errors, [
    {
      field: 'spec.containers[0].volumeMounts[0].name',
      reason: 'FieldValueNotFound',
      message: 'Not found: "missing"',
    },
  ]);
  const volumes = [
    { name: 'scratch', emptyDir: {} },
    { name: 'host', hostPath: { path: '/var/log' } },
    { name: 'config', configMap: { name: 'app-config' } },
    { name: 'creds', secret: { secretName: 'app-secret' } },
  ];
  const mounts = volumes.map((v, i) => ({ name: v.name, mountPath: `/m${i}` }));
  t.same(create(pod({ volumes, containers: [container({ volumeMounts: mounts })] })).errors, []);
  t.same(
    create(
      pod({
        volumes: [
          { name: 'v', emptyDir: {} },
          { name: 'v', emptyDir: {} },
        ],
        containers: [container()],
      }),
    ).errors,
    [
      {
        field: 'spec.volumes[1].name',
        reason: 'FieldValueDuplicate',
        message: 'Duplicate value: "v"',
      },
    ],
  );
  t.same(
    create(
      pod({
        volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }],
        containers: [container()],
      }),
    ).errors,
    [
      {
        field: 'spec.volumes[0].hostPath',
        reason: 'FieldValueForbidden',
        message: 'Forbidden: may not specify more than 1 volume type',
      },
    ],
  );
});

t.test('restartPolicy and other enumerations', async (t) => {
  t.same(create(pod({ containers: [container()], restartPolicy: 'Sometimes' })).errors, [
    {
      field: 'spec.restartPolicy',
      reason: 'FieldValueNotSupported',
      message: 'Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    },
  ]);
  t.same(create(podWith({ imagePullPolicy: 'Sometimes' })).errors, [
    {
      field: 'spec.containers[0].imagePullPolicy',
      reason: 'FieldValueNotSupported',
      message:
        'Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
    },
  ]);
  t.same(create(pod({ containers: [container()], restartPolicy: 'Never' })).errors, []);
  t.same(fields(create(pod({ containers: [container()], terminationGracePeriodSeconds: -1 }))), [
    'spec.terminationGracePeriodSeconds',
  ]);
});

t.test('scheduling: node selector, tolerations, required node affinity', async (t) => {
  const scheduled = (extra: object): object => pod({ containers: [container()], ...extra });
  t.same(
    create(
      scheduled({ nodeSelector: { 'kubernetes.io/os': 'linux' }, runtimeClassName: 'wasmtime' }),
    ).errors,
    [],
  );
  t.same(fields(create(scheduled({ nodeSelector: { 'bad key': 'x' } }))), ['spec.nodeSelector']);
  t.same(create(scheduled({ tolerations: [{ operator: 'Equal', value: 'x' }] })).errors, [
    invalidError(
      'spec.tolerations[0].operator',
      'Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
    ),
  ]);
  const affinity = (terms: object[]): object =>
    scheduled({
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms },
        },
      },
    });
  t.same(
    create(affinity([{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }]))
      .errors,
    [],
  );
  t.same(create(affinity([])).errors, [
    {
      field:
        'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms',
      reason: 'FieldValueRequired',
      message: 'Required value: must have at least one node selector term',
    },
  ]);
  t.same(fields(create(affinity([{ matchExpressions: [{ key: 'zone', operator: 'In' }] }]))), [
    'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values',
  ]);
});

t.test('ReplicaSets and Deployments: the selector matches the template labels', async (t) => {
  const mismatch = {
    field: 'spec.template.metadata.labels',
    reason: 'FieldValueInvalid',
    message:
      'Invalid value: map[string]string{"app":"a"}: `selector` does not match template `labels`',
  };
  t.same(create(deployment({ selector: { matchLabels: { app: 'b' } } })).errors, [mismatch]);
  t.same(create(replicaSet({ selector: { matchLabels: { app: 'b' } } })).errors, [mismatch]);
  t.same(
    create(
      deployment({
        selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a', 'b'] }] },
      }),
    ).errors,
    [],
  );
  t.same(create(deployment({})).errors, []);
  t.same(create(replicaSet({})).errors, []);
  t.same(fields(create(deployment({ selector: {} }))), ['spec.selector']);
  t.same(fields(create(deployment({ selector: undefined }))), ['spec.selector']);
  t.same(fields(create(deployment({ template: undefined }))), ['spec.template']);
  t.same(fields(create(deployment({ replicas: -1 }))), ['spec.replicas']);
  t.same(
    fields(
      create(deployment({ strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } })),
    ),
    ['spec.strategy.rollingUpdate.maxUnavailable'],
  );
  t.same(create(deployment({ strategy: { rollingUpdate: { maxUnavailable: '101%' } } })).errors, [
    invalidError(
      'spec.strategy.rollingUpdate.maxUnavailable',
      'Invalid value: "101%": must not be greater than 100%',
    ),
  ]);
  t.same(
    create(
      deployment({ template: { ...template, spec: { ...template.spec, restartPolicy: 'Never' } } }),
    ).errors,
    [
      {
        field: 'spec.template.spec.restartPolicy',
        reason: 'FieldValueNotSupported',
        message: 'Unsupported value: "Never": supported values: "Always"',
      },
    ],
  );
  t.same(create(deployment({ progressDeadlineSeconds: 10, minReadySeconds: 10 })).errors, [
    invalidError(
      'spec.progressDeadlineSeconds',
      'Invalid value: 10: must be greater than minReadySeconds',
    ),
  ]);
});

t.test('Services: ports, names, node ports, selector', async (t) => {
  t.same(
    create(service({ selector: { app: 'a' }, ports: [{ port: 80, targetPort: 8080 }] })).errors,
    [],
  );
  t.same(create(service({ ports: [{ port: 0 }] })).errors, [
    invalidError('spec.ports[0].port', 'Invalid value: 0: must be between 1 and 65535, inclusive'),
    invalidError(
      'spec.ports[0].targetPort',
      'Invalid value: 0: must be between 1 and 65535, inclusive',
    ),
  ]);
  t.same(create(service({ ports: [{ targetPort: 80 }] })).errors, [
    invalidError('spec.ports[0].port', 'Invalid value: 0: must be between 1 and 65535, inclusive'),
  ]);
  t.same(create(service({ ports: [] })).errors, [
    { field: 'spec.ports', reason: 'FieldValueRequired', message: 'Required value' },
  ]);
  t.same(create(service({ clusterIP: 'None' })).errors, [], 'a headless service needs no ports');
  t.same(create(service({ ports: [{ port: 80 }, { port: 81 }] })).errors, [
    { field: 'spec.ports[0].name', reason: 'FieldValueRequired', message: 'Required value' },
    { field: 'spec.ports[1].name', reason: 'FieldValueRequired', message: 'Required value' },
  ]);
  t.same(
    fields(
      create(
        service({
          ports: [
            { name: 'a', port: 80 },
            { name: 'b', port: 80 },
          ],
        }),
      ),
    ),
    ['spec.ports[1]'],
  );
  t.same(
    fields(
      create(
        service({
          ports: [
            { name: 'a', port: 80 },
            { name: 'a', port: 81 },
          ],
        }),
      ),
    ),
    ['spec.ports[1].name'],
  );
  t.same(create(service({ ports: [{ port: 80, nodePort: 30080 }] })).errors, [
    {
      field: 'spec.ports[0].nodePort',
      reason: 'FieldValueForbidden',
      message: "Forbidden: may not be used when `type` is 'ClusterIP'",
    },
  ]);
  t.same(create(service({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })).errors, []);
  t.same(fields(create(service({ type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }))), [
    'spec.ports[0].nodePort',
  ]);
  t.same(fields(create(service({ ports: [{ port: 80 }], selector: { app: 'a b' } }))), [
    'spec.selector',
  ]);
  t.same(create(service({ type: 'ExternalName', externalName: 'db.example.com.' })).errors, []);
  t.same(fields(create(service({ type: 'ExternalName' }))), ['spec.externalName']);
});

t.test('HorizontalPodAutoscalers', async (t) => {
  t.same(create(hpa({ minReplicas: 2, maxReplicas: 5 })).errors, []);
  t.same(create(hpa({ minReplicas: 5, maxReplicas: 2 })).errors, [
    invalidError(
      'spec.maxReplicas',
      'Invalid value: 2: must be greater than or equal to `minReplicas`',
    ),
  ]);
  t.same(create(hpa({ minReplicas: 0 })).errors, [
    invalidError('spec.minReplicas', 'Invalid value: 0: must be greater than or equal to 1'),
  ]);
  t.same(fields(create(hpa({ maxReplicas: 0 }))), ['spec.maxReplicas', 'spec.maxReplicas']);
  t.same(fields(create(hpa({ scaleTargetRef: { kind: 'Deployment', name: '' } }))), [
    'spec.scaleTargetRef.name',
  ]);
  const metric = (target: object): object =>
    hpa({ metrics: [{ type: 'Resource', resource: { name: 'memory', target } }] });
  t.same(create(metric({ type: 'AverageValue', averageValue: '100Mi' })).errors, []);
  t.same(create(metric({ type: 'Utilization', averageUtilization: 0 })).errors, [
    invalidError(
      'spec.metrics[0].resource.target.averageUtilization',
      'Invalid value: 0: must be greater than 0',
    ),
  ]);
  t.same(fields(create(metric({ type: 'Utilization' }))), [
    'spec.metrics[0].resource.target.averageUtilization',
  ]);
  t.same(fields(create(hpa({ metrics: [{ type: 'Resource' }] }))), ['spec.metrics[0].resource']);
  t.same(
    fields(
      create(
        hpa({
          behavior: { scaleUp: { policies: [{ type: 'Pods', value: 0, periodSeconds: 15 }] } },
        }),
      ),
    ),
    ['spec.behavior.scaleUp.policies[0].value'],
  );
});

t.test('ConfigMaps, Secrets, Namespaces, Nodes, Events, Leases, Endpoints', async (t) => {
  const configMap = (extra: object): object => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm' },
    ...extra,
  });
  t.same(create(configMap({ data: { 'app.properties': 'a=1' } })).errors, []);
  t.same(create(configMap({ data: { 'a b': 'x' } })).errors[0]?.field, 'data[a b]');
  const secret = (extra: object): object => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 's' },
    ...extra,
  });
  t.same(create(secret({ data: { key: 'dmFsdWU=' }, stringData: { plain: 'text' } })).errors, []);
  t.same(create(secret({ data: { key: 'not base64!' } })).errors, [
    invalidError(
      'data[key]',
      'Invalid value: "<value omitted>": illegal base64 data at input byte 3',
    ),
  ]);
  t.same(create(secret({ type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } })).errors, [
    { field: 'data[tls.key]', reason: 'FieldValueRequired', message: 'Required value' },
  ]);
  t.same(create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } }).errors, []);
  const node = (spec: object): object => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1' },
    spec,
  });
  t.same(
    create(
      node({
        podCIDR: '10.244.1.0/24',
        podCIDRs: ['10.244.1.0/24'],
        taints: [{ key: 'k', effect: 'NoSchedule' }],
      }),
    ).errors,
    [],
  );
  t.same(
    fields(
      create(
        node({
          taints: [
            { key: 'k', effect: 'NoSchedule' },
            { key: 'k', effect: 'NoSchedule' },
          ],
        }),
      ),
    ),
    ['metadata.taints[1]'],
  );
  const event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.17a2', namespace: 'default' },
    involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' },
    reason: 'Scheduled',
    type: 'Normal',
  };
  t.same(create(event).errors, []);
  t.same(
    create({ ...event, involvedObject: { kind: 'Pod', name: 'web', namespace: 'other' } }).errors,
    [
      invalidError(
        'involvedObject.namespace',
        'Invalid value: "other": does not match event.namespace',
      ),
    ],
  );
  // The newer form (eventTime set): who reported it, what was done and why.
  const newer = {
    ...event,
    eventTime: '2026-11-27T10:00:00.000000Z',
    reportingComponent: 'skiff.dev/scheduler',
    reportingInstance: 'node-1',
    action: 'Binding',
  };
  t.same(create(newer).errors, []);
  t.same(
    create({
      ...newer,
      metadata: { name: 'node-1.17a2', namespace: 'kube-system' },
      involvedObject: { kind: 'Node', name: 'node-1' },
    }).errors,
    [],
    'about a cluster-scoped object, from kube-system',
  );
  t.same(
    fields(
      create({
        ...newer,
        metadata: { name: 'node-1.17a2', namespace: 'apps' },
        involvedObject: { kind: 'Node', name: 'node-1' },
      }),
    ),
    ['involvedObject.namespace'],
  );
  const bare = { ...event, eventTime: newer.eventTime, reason: undefined };
  t.same(
    create(bare).errors.map((e) => `${e.field}: ${e.reason}`),
    [
      'reportingComponent: FieldValueRequired',
      'reportingComponent: FieldValueInvalid',
      'reportingComponent: FieldValueInvalid',
      'reportingInstance: FieldValueRequired',
      'action: FieldValueRequired',
      'reason: FieldValueRequired',
    ],
    'each required field named, as Kubernetes does',
  );
  t.same(create({ ...newer, action: 'a'.repeat(129), message: 'm'.repeat(1025) }).errors, [
    invalidError('action', 'Invalid value: "": can have at most 128 characters'),
    invalidError('message', 'Invalid value: "": can have at most 1024 characters'),
  ]);
  const lease = (spec: object): object => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'n1' },
    spec,
  });
  t.same(
    create(
      lease({
        holderIdentity: 'n1',
        leaseDurationSeconds: 40,
        renewTime: '2024-05-01T12:00:00.000000Z',
      }),
    ).errors,
    [],
  );
  t.same(fields(create(lease({ leaseDurationSeconds: 0 }))), ['spec.leaseDurationSeconds']);
  const endpoints = (subsets: object[]): object => ({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 's' },
    subsets,
  });
  t.same(
    create(endpoints([{ addresses: [{ ip: '10.244.1.5' }], ports: [{ port: 8080 }] }])).errors,
    [],
  );
  t.same(
    fields(create(endpoints([{ addresses: [{ ip: '10.244.1.500' }], ports: [{ port: 8080 }] }]))),
    ['subsets[0].addresses[0].ip'],
  );
});

t.test('wrong JSON types and unknown fields', async (t) => {
  t.same(create(pod({ containers: [container()] }, { name: 42 })).errors, [
    {
      field: 'metadata.name',
      reason: 'FieldValueTypeInvalid',
      message: 'Invalid value: "integer": metadata.name in body must be of type string: "integer"',
    },
  ]);
  t.same(fields(create(pod({ containers: { c: container() } }))), ['spec.containers']);
  t.same(fields(create(deployment({ replicas: 'three' }))), ['spec.replicas']);
  t.same(fields(create(podWith({ env: [{ name: 'A', value: 1 }] }))), [
    'spec.containers[0].env[0].value',
  ]);
  t.same(fields(create(pod({ containers: [container()] }, { name: 'p', labels: { app: 1 } }))), [
    'metadata.labels[app]',
  ]);
  const unknown = create(pod({ containers: [container({ colour: 'red' })], extra: true }));
  t.same(unknown.errors, []);
  t.same([...unknown.unknownFields].sort(), ['spec.containers[0].colour', 'spec.extra']);
});

t.test('updates: what may not change', async (t) => {
  const web = podWith({});
  t.same(
    update(web, podWith({ image: 'registry.local/app:v2' })).errors,
    [],
    'an image may change',
  );
  t.same(fields(update(web, podWith({ command: ['run'] }))), ['spec']);
  t.same(fields(update(web, pod({ containers: [container(), container({ name: 'd' })] }))), [
    'spec.containers',
  ]);
  const moved = deployment({ selector: { matchLabels: { app: 'a', tier: 'web' } } }) as KubeObject;
  (
    moved['spec'] as { template: { metadata: { labels: Record<string, string> } } }
  ).template.metadata.labels = {
    app: 'a',
    tier: 'web',
  };
  t.same(fields(update(deployment({}), moved)), ['spec.selector']);
  t.same(
    fields(
      update(
        service({ ports: [{ port: 80 }], clusterIP: '10.96.0.10' }),
        service({ ports: [{ port: 80 }], clusterIP: '10.96.0.11' }),
      ),
    ),
    ['spec.clusterIP'],
  );
  const immutable = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cm' },
    data: { a: '1' },
    immutable: true,
  };
  t.same(fields(update(immutable, { ...immutable, data: { a: '2' } })), ['data']);
});

t.test(
  'missing required fields are judged as their zero values, as Kubernetes decodes them',
  async (t) => {
    const running = {
      ...(podWith({}) as object),
      status: {
        phase: 'Running',
        containerStatuses: [{ name: 'c', ready: true, restartCount: 0, image: 'x' }],
      },
    };
    t.same(create(running).errors, [], 'a container status without imageID is fine');
    t.same(create(podWith({ env: [{ value: 'x' }] })).errors, [
      {
        field: 'spec.containers[0].env[0].name',
        reason: 'FieldValueRequired',
        message: 'Required value',
      },
    ]);
    const owned = pod(
      { containers: [container()] },
      { name: 'p', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs' }] },
    );
    t.same(create(owned).errors, [
      invalidError('metadata.ownerReferences.uid', 'Invalid value: "": must not be empty'),
    ]);
    // An enumerated field has no usable zero value: the schema's `Required value` stays.
    const tainted = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1' },
      spec: { taints: [{ key: 'k' }] },
    };
    t.same(create(tainted).errors, [
      { field: 'spec.taints[0].effect', reason: 'FieldValueRequired', message: 'Required value' },
    ]);
    t.same(fields(create(deployment({ selector: { matchExpressions: [{ key: 'app' }] } }))), [
      'spec.selector.matchExpressions[0].operator',
      'spec.selector',
    ]);
    // Where a rule reports a field, its (Kubernetes') wording replaces the schema's.
    const affinity = pod({
      containers: [container()],
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: 'zone', operator: 'Near', values: ['a'] }] },
            ],
          },
        },
      },
    });
    t.same(create(affinity).errors, [
      invalidError(
        'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator',
        'Invalid value: "Near": not a valid selector operator',
      ),
    ]);
  },
);

t.test('the 422 Status Kubernetes would send', async (t) => {
  const result = create(
    pod(
      { containers: [container({ resources: { requests: { cpu: 'two' } } })] },
      { name: 'UPPER_case' },
    ),
  );
  const status = invalid('Pod', 'UPPER_case', result.errors).status;
  t.equal(status.code, 422);
  t.equal(status.reason, 'Invalid');
  t.equal(
    status.message,
    `Pod "UPPER_case" is invalid: [metadata.name: Invalid value: "UPPER_case": ${SUBDOMAIN}, spec.containers[0].resources.requests[cpu]: Invalid value: "two": ${QUANTITY}]`,
  );
  t.same(
    status.details?.causes?.map((c) => c.field),
    ['metadata.name', 'spec.containers[0].resources.requests[cpu]'],
  );
});

// The documents of ../shared/conformance/invalid-examples.yaml, each refused naming the field.
const INVALID_EXAMPLES = `apiVersion: v1
kind: Pod
metadata: {name: UPPER_case}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: no-containers}
spec: {containers: []}
---
apiVersion: v1
kind: Pod
metadata: {name: bad-port}
spec: {containers: [{name: c, image: x, ports: [{containerPort: 70000}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: bad-cpu}
spec: {containers: [{name: c, image: x, resources: {requests: {cpu: "two"}}}]}
`;
const INVALID_FIELDS = [
  ['metadata.name'],
  ['spec.containers'],
  ['spec.containers[0].ports[0].containerPort'],
  ['spec.containers[0].resources.requests[cpu]'],
];

function documents(text: string): object[] {
  return parseAllDocuments(text).map((d) => d.toJS() as object);
}

t.test('the invalid conformance examples are each refused, naming the field', async (t) => {
  documents(INVALID_EXAMPLES).forEach((doc, i) => {
    t.same(fields(create(doc)), INVALID_FIELDS[i], `document ${i + 1}`);
  });
  const shared = new URL('../../../../shared/conformance/invalid-examples.yaml', import.meta.url);
  if (!existsSync(shared)) {
    t.comment('shared/conformance is not beside the repository: only the copy here was checked');
    return;
  }
  t.same(
    documents(readFileSync(shared, 'utf8')),
    documents(INVALID_EXAMPLES),
    'the copy here is the shared file',
  );
});

t.test('the bad-input corpus cases that reach validation name their field', async (t) => {
  const validDeployment = { replicas: 1, selector: { matchLabels: { app: 'a' } }, template };
  const cases: [string, object, RegExp][] = [
    ['name is a number', pod({ containers: [container()] }, { name: 42 }), /metadata\.name/],
    ['containers is an object', pod({ containers: { c: container() } }), /spec\.containers/],
    [
      'containerPort is a string',
      podWith({ ports: [{ containerPort: '80' }] }),
      /spec\.containers\[0\]\.ports\[0\]\.containerPort/,
    ],
    [
      'replicas is a string',
      deployment({ ...validDeployment, replicas: 'three' }),
      /spec\.replicas/,
    ],
    [
      'a label value is a number',
      pod({ containers: [container()] }, { name: 'p', labels: { app: 1 } }),
      /metadata\.labels/,
    ],
    [
      'restartPolicy is a number',
      pod({ containers: [container()], restartPolicy: 5 }),
      /spec\.restartPolicy/,
    ],
    [
      'env value is a number',
      podWith({ env: [{ name: 'A', value: 1 }] }),
      /spec\.containers\[0\]\.env\[0\]\.value/,
    ],
    ['command is a string', podWith({ command: 'run' }), /spec\.containers\[0\]\.command/],
    ['pod without spec', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }, /spec/],
    [
      'deployment without selector',
      deployment({ selector: undefined, replicas: undefined }),
      /spec\.selector/,
    ],
    [
      'deployment without template',
      deployment({ template: undefined, replicas: undefined }),
      /spec\.template/,
    ],
    [
      'service port without port',
      service({ ports: [{ targetPort: 80 }] }),
      /spec\.ports\[0\]\.port/,
    ],
    [
      'name starting with a dash',
      pod({ containers: [container()] }, { name: '-p' }),
      /metadata\.name/,
    ],
    ['memory "12XB"', podWith({ resources: { limits: { memory: '12XB' } } }), /resources\.limits/],
    ['service port 0', service({ ports: [{ port: 0 }] }), /spec\.ports\[0\]\.port/],
    [
      'negative grace period',
      pod({ containers: [container()], terminationGracePeriodSeconds: -1 }),
      /terminationGracePeriodSeconds/,
    ],
    ['HPA with min above max', hpa({ minReplicas: 5, maxReplicas: 2 }), /minReplicas|maxReplicas/],
  ];
  for (const [name, object, field] of cases) {
    const result = create(object);
    t.ok(result.errors.length > 0, `${name}: refused`);
    t.match(fields(result).join(' '), field, `${name}: names the field`);
  }
});
