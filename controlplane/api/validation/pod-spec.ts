// A PodSpec, for Pods and for the templates of ReplicaSets and Deployments
// (core validation's ValidatePodSpec and ValidatePodTemplateSpec). Fields the
// defaults fill (restartPolicy, dnsPolicy, protocol, ...) are checked when
// present only, so the result does not depend on whether defaults ran first.

import type { FieldError } from '../errors.js';
import type { PodDNSConfig, PodSpec, PodTemplateSpec } from '../generated/index.js';
import { child, index, invalidEach, invalidValue, nonNegative, required } from './field-errors.js';
import { validateContainer, validateHostPorts, type ContainerContext } from './containers.js';
import { validateLabels, validateQualifiedName, validateTemplateMeta } from './metadata.js';
import { inclusiveRangeError, isDNS1123Label, isValidIP, nameIsDNSSubdomain } from './names.js';
import { validateResourceQuantities } from './resources.js';
import { validateAffinity, validateTolerations } from './scheduling.js';
import { validateVolumes } from './volumes.js';

const MAX_INT32 = 2147483647;
const MAX_DNS_NAMESERVERS = 3;
const MAX_DNS_SEARCH_PATHS = 32;

function validateDNS(spec: PodSpec, field: string): FieldError[] {
  const config: PodDNSConfig | undefined = spec.dnsConfig;
  const errors: FieldError[] = [];
  if (spec.dnsPolicy === 'None' && (config?.nameservers ?? []).length === 0) {
    errors.push(
      config
        ? required(
            child(field, 'dnsConfig', 'nameservers'),
            'must provide at least one DNS nameserver when `dnsPolicy` is None',
          )
        : required(child(field, 'dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'),
    );
  }
  if (!config) return errors;
  const nameservers = config.nameservers ?? [];
  if (nameservers.length > MAX_DNS_NAMESERVERS) {
    errors.push(
      invalidValue(
        child(field, 'dnsConfig', 'nameservers'),
        nameservers,
        `must not have more than ${MAX_DNS_NAMESERVERS} nameservers`,
      ),
    );
  }
  nameservers.forEach((ns, i) => {
    if (isValidIP(ns).length > 0) {
      errors.push(
        invalidValue(
          index(child(field, 'dnsConfig', 'nameservers'), i),
          ns,
          'must be valid IP address',
        ),
      );
    }
  });
  const searches = config.searches ?? [];
  if (searches.length > MAX_DNS_SEARCH_PATHS) {
    errors.push(
      invalidValue(
        child(field, 'dnsConfig', 'searches'),
        searches,
        `must not have more than ${MAX_DNS_SEARCH_PATHS} search paths`,
      ),
    );
  }
  (config.options ?? []).forEach((option, i) => {
    if (!option.name)
      errors.push(
        required(
          child(index(child(field, 'dnsConfig', 'options'), i), 'name'),
          'Option.Name must not be empty',
        ),
      );
  });
  return errors;
}

function validateNames(spec: PodSpec, field: string): FieldError[] {
  const errors: FieldError[] = [];
  const subdomains = [
    ['serviceAccountName', spec.serviceAccountName],
    ['nodeName', spec.nodeName],
    ['runtimeClassName', spec.runtimeClassName],
    ['priorityClassName', spec.priorityClassName],
  ] as const;
  for (const [name, value] of subdomains) {
    if (value)
      errors.push(...invalidEach(child(field, name), value, nameIsDNSSubdomain(value, false)));
  }
  for (const name of ['hostname', 'subdomain'] as const) {
    const value = spec[name];
    if (value) errors.push(...invalidEach(child(field, name), value, isDNS1123Label(value)));
  }
  (spec.imagePullSecrets ?? []).forEach((secret, i) => {
    if (!secret.name)
      errors.push(required(child(index(child(field, 'imagePullSecrets'), i), 'name')));
  });
  (spec.hostAliases ?? []).forEach((alias, i) => {
    const path = index(child(field, 'hostAliases'), i);
    if (isValidIP(alias.ip).length > 0)
      errors.push(invalidValue(child(path, 'ip'), alias.ip, 'must be valid IP address'));
    (alias.hostnames ?? []).forEach((host, j) => {
      errors.push(
        ...invalidEach(index(child(path, 'hostnames'), j), host, nameIsDNSSubdomain(host, false)),
      );
    });
  });
  (spec.readinessGates ?? []).forEach((gate, i) => {
    errors.push(
      ...validateQualifiedName(
        gate.conditionType,
        child(index(child(field, 'readinessGates'), i), 'conditionType'),
      ),
    );
  });
  return errors;
}

/** Every rule of a PodSpec at `field` (`spec`, or `spec.template.spec`). */
export function validatePodSpec(spec: PodSpec, field: string): FieldError[] {
  const volumes = validateVolumes(spec.volumes, child(field, 'volumes'));
  const errors = [...volumes.errors];
  const pod: ContainerContext = {
    volumes: volumes.names,
    names: new Set(),
    hostNetwork: spec.hostNetwork === true,
  };
  const containersPath = child(field, 'containers');
  if (spec.containers.length === 0) errors.push(required(containersPath));
  spec.containers.forEach((c, i) =>
    errors.push(...validateContainer(c, index(containersPath, i), pod, false)),
  );
  (spec.initContainers ?? []).forEach((c, i) => {
    errors.push(...validateContainer(c, index(child(field, 'initContainers'), i), pod, true));
    errors.push(...validateHostPorts([c], child(field, 'initContainers'), i));
  });
  errors.push(...validateHostPorts(spec.containers, containersPath));
  errors.push(...validateLabels(spec.nodeSelector, child(field, 'nodeSelector')));
  errors.push(...validateTolerations(spec.tolerations, child(field, 'tolerations')));
  errors.push(...validateAffinity(spec.affinity, child(field, 'affinity')));
  errors.push(...validateDNS(spec, field));
  errors.push(...validateNames(spec, field));
  errors.push(...validateResourceQuantities(spec.overhead, child(field, 'overhead')));
  // Kubernetes still accepts a negative grace period (and treats it as 1); its
  // documentation requires a non-negative one, which Skiff enforces.
  errors.push(
    ...nonNegative(
      child(field, 'terminationGracePeriodSeconds'),
      spec.terminationGracePeriodSeconds,
    ),
  );
  const deadline = spec.activeDeadlineSeconds;
  if (deadline !== undefined && (deadline < 1 || deadline > MAX_INT32)) {
    errors.push(
      invalidValue(
        child(field, 'activeDeadlineSeconds'),
        deadline,
        inclusiveRangeError(1, MAX_INT32),
      ),
    );
  }
  return errors;
}

/** A pod template (`ValidatePodTemplateSpec`): labels, annotations and the spec. */
export function validatePodTemplate(
  template: PodTemplateSpec | undefined,
  field: string,
): FieldError[] {
  if (!template) return [required(field)];
  const errors = validateTemplateMeta(template.metadata, child(field, 'metadata'));
  if (!template.spec) errors.push(required(child(field, 'spec', 'containers')));
  else errors.push(...validatePodSpec(template.spec, child(field, 'spec')));
  return errors;
}
