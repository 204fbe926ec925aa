// Containers and init containers: unique DNS-label names, an image, ports,
// environment, mounts, resources, probes and hooks, with core validation's
// rules and messages.

import type { FieldError } from '../errors.js';
import type {
  Container,
  ContainerPort,
  EnvFromSource,
  EnvVar,
  EnvVarSource,
  ObjectFieldSelector,
} from '../generated/index.js';
import {
  child,
  duplicate,
  forbidden,
  index,
  invalidEach,
  invalidValue,
  notSupported,
  required,
} from './field-errors.js';
import {
  isConfigMapKey,
  isDNS1123Label,
  isEnvVarName,
  isValidPortName,
  isValidPortNum,
  nameIsDNSSubdomain,
} from './names.js';
import { validateLifecycle, validateProbe } from './probes.js';
import { validateResourceRequirements } from './resources.js';
import { validateVolumeMounts } from './volumes.js';

/** The pod fields an environment variable may read (`fieldRef.fieldPath`), sorted as Kubernetes lists them. */
const ENV_FIELD_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];

/** The container resources an environment variable may read (`resourceFieldRef.resource`). */
const ENV_RESOURCES = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];

/** What the checks of one container need to know about the pod. */
export interface ContainerContext {
  readonly volumes: ReadonlySet<string>;
  /** Names taken so far (containers, then init containers): names are unique across both. */
  readonly names: Set<string>;
  readonly hostNetwork: boolean;
}

function validatePorts(
  ports: readonly ContainerPort[] | undefined,
  field: string,
  hostNetwork: boolean,
): FieldError[] {
  const errors: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const path = index(field, i);
    if (port.name) {
      const messages = isValidPortName(port.name);
      if (messages.length > 0)
        errors.push(...invalidEach(child(path, 'name'), port.name, messages));
      else if (names.has(port.name)) errors.push(duplicate(child(path, 'name'), port.name));
      names.add(port.name);
    }
    if (port.containerPort === 0) errors.push(required(child(path, 'containerPort')));
    else
      errors.push(
        ...invalidEach(
          child(path, 'containerPort'),
          port.containerPort,
          isValidPortNum(port.containerPort),
        ),
      );
    if (port.hostPort !== undefined && port.hostPort !== 0) {
      errors.push(
        ...invalidEach(child(path, 'hostPort'), port.hostPort, isValidPortNum(port.hostPort)),
      );
      if (hostNetwork && port.hostPort !== port.containerPort) {
        errors.push(
          invalidValue(
            child(path, 'hostPort'),
            port.hostPort,
            'must match `containerPort` when `hostNetwork` is true',
          ),
        );
      }
    }
  });
  return errors;
}

function validateFieldRef(ref: ObjectFieldSelector, field: string): FieldError[] {
  const version = ref.apiVersion ?? 'v1';
  if (version !== 'v1') {
    return [
      invalidValue(
        child(field, 'fieldPath'),
        ref.fieldPath,
        `error converting fieldPath: unsupported pod version: ${version}`,
      ),
    ];
  }
  if (ref.fieldPath === '') return [required(child(field, 'fieldPath'))];
  if (/^metadata\.(labels|annotations)\['[^']+'\]$/.test(ref.fieldPath)) return [];
  return ENV_FIELD_PATHS.includes(ref.fieldPath)
    ? []
    : [notSupported(child(field, 'fieldPath'), ref.fieldPath, ENV_FIELD_PATHS)];
}

function validateKeySelector(
  selector: { name?: string; key: string },
  field: string,
): FieldError[] {
  const name = selector.name ?? '';
  const errors = invalidEach(child(field, 'name'), name, nameIsDNSSubdomain(name, false));
  if (selector.key === '') errors.push(required(child(field, 'key')));
  else errors.push(...invalidEach(child(field, 'key'), selector.key, isConfigMapKey(selector.key)));
  return errors;
}

function validateValueFrom(variable: EnvVar, source: EnvVarSource, field: string): FieldError[] {
  const errors: FieldError[] = [];
  let sources = 0;
  if (source.fieldRef) {
    sources++;
    errors.push(...validateFieldRef(source.fieldRef, child(field, 'fieldRef')));
  }
  if (source.resourceFieldRef) {
    sources++;
    const resource = source.resourceFieldRef.resource;
    if (!ENV_RESOURCES.includes(resource) && !/^(limits|requests)\.hugepages-/.test(resource)) {
      errors.push(
        notSupported(child(field, 'resourceFieldRef', 'resource'), resource, ENV_RESOURCES),
      );
    }
  }
  if (source.configMapKeyRef) {
    sources++;
    errors.push(...validateKeySelector(source.configMapKeyRef, child(field, 'configMapKeyRef')));
  }
  if (source.secretKeyRef) {
    sources++;
    errors.push(...validateKeySelector(source.secretKeyRef, child(field, 'secretKeyRef')));
  }
  if (sources === 0) {
    errors.push(
      invalidValue(
        field,
        '',
        'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
      ),
    );
  } else if (variable.value) {
    errors.push(invalidValue(field, '', 'may not be specified when `value` is not empty'));
  } else if (sources > 1) {
    errors.push(invalidValue(field, '', 'may not have more than one field specified at a time'));
  }
  return errors;
}

/** `env`: valid names; each `valueFrom` has exactly one source and no `value` beside it. */
export function validateEnv(env: readonly EnvVar[] | undefined, field: string): FieldError[] {
  return (env ?? []).flatMap((variable, i) => {
    const path = index(field, i);
    const errors =
      variable.name === ''
        ? [required(child(path, 'name'))]
        : invalidEach(child(path, 'name'), variable.name, isEnvVarName(variable.name));
    if (variable.valueFrom)
      errors.push(...validateValueFrom(variable, variable.valueFrom, child(path, 'valueFrom')));
    return errors;
  });
}

function validateEnvFrom(
  sources: readonly EnvFromSource[] | undefined,
  field: string,
): FieldError[] {
  return (sources ?? []).flatMap((source, i) => {
    const path = index(field, i);
    const errors = source.prefix
      ? invalidEach(child(path, 'prefix'), source.prefix, isEnvVarName(source.prefix))
      : [];
    const refs = [
      ['configMapRef', source.configMapRef],
      ['secretRef', source.secretRef],
    ] as const;
    const present = refs.filter(([, ref]) => ref !== undefined);
    if (present.length === 0) {
      errors.push(invalidValue(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    } else if (present.length > 1) {
      errors.push(invalidValue(path, '', 'may not have more than one field specified at a time'));
    }
    for (const [name, ref] of present) {
      const value = ref?.name ?? '';
      errors.push(
        ...invalidEach(child(path, name, 'name'), value, nameIsDNSSubdomain(value, false)),
      );
    }
    return errors;
  });
}

/**
 * One container. `init` marks init containers: only they may set
 * `restartPolicy` (sidecars), and without it they may have no probes or
 * hooks, since they run to completion.
 */
export function validateContainer(
  container: Container,
  field: string,
  pod: ContainerContext,
  init: boolean,
): FieldError[] {
  const errors: FieldError[] = [];
  const namePath = child(field, 'name');
  if (container.name === '') errors.push(required(namePath));
  else errors.push(...invalidEach(namePath, container.name, isDNS1123Label(container.name)));
  if (pod.names.has(container.name)) errors.push(duplicate(namePath, container.name));
  // An unnamed init container is reported as such, not as a duplicate of the next one.
  else if (!init || container.name !== '') pod.names.add(container.name);

  const image = container.image ?? '';
  if (image === '') errors.push(required(child(field, 'image')));
  else if (image.trim() !== image) {
    errors.push(
      invalidValue(child(field, 'image'), image, 'must not have leading or trailing whitespace'),
    );
  }
  errors.push(...validatePorts(container.ports, child(field, 'ports'), pod.hostNetwork));
  errors.push(...validateEnv(container.env, child(field, 'env')));
  errors.push(...validateEnvFrom(container.envFrom, child(field, 'envFrom')));
  errors.push(
    ...validateVolumeMounts(container.volumeMounts, pod.volumes, child(field, 'volumeMounts')),
  );
  errors.push(...validateResourceRequirements(container.resources, child(field, 'resources')));

  const sidecar = init && container.restartPolicy === 'Always';
  if (!init && container.restartPolicy !== undefined) {
    errors.push(forbidden(child(field, 'restartPolicy'), 'may not be set for non-init containers'));
  }
  if (init && !sidecar) {
    for (const name of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      if (container[name] !== undefined) {
        errors.push(
          forbidden(
            child(field, name),
            'may not be set for init containers without restartPolicy=Always',
          ),
        );
      }
    }
  } else {
    errors.push(
      ...validateProbe(container.livenessProbe, child(field, 'livenessProbe'), 'liveness'),
    );
    errors.push(
      ...validateProbe(container.readinessProbe, child(field, 'readinessProbe'), 'readiness'),
    );
    errors.push(...validateProbe(container.startupProbe, child(field, 'startupProbe'), 'startup'));
    errors.push(...validateLifecycle(container.lifecycle, child(field, 'lifecycle')));
  }
  const security = container.securityContext;
  if (security?.privileged === true && security.allowPrivilegeEscalation === false) {
    errors.push(
      invalidValue(
        child(field, 'securityContext'),
        security,
        'cannot set `allowPrivilegeEscalation` to false and `privileged` to true',
      ),
    );
  }
  return errors;
}

/**
 * Host ports, unique per protocol and host IP (`AccumulateUniqueHostPorts`,
 * whose `TCP//8080` form the message shows). `offset` is the index of the
 * first container in `field`: init containers run one at a time, so each is
 * checked on its own.
 */
export function validateHostPorts(
  containers: readonly Container[],
  field: string,
  offset = 0,
): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  containers.forEach((container, i) => {
    (container.ports ?? []).forEach((port, j) => {
      if (!port.hostPort) return;
      const id = `${port.protocol ?? 'TCP'}/${port.hostIP ?? ''}/${port.hostPort}`;
      if (seen.has(id))
        errors.push(
          duplicate(child(index(child(index(field, i + offset), 'ports'), j), 'hostPort'), id),
        );
      seen.add(id);
    });
  });
  return errors;
}
