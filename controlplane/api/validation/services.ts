// Services (ports, types, node ports, selector) and the Endpoints behind
// them, with core validation's rules and messages.

import type { FieldError } from '../errors.js';
import type {
  EndpointAddress,
  EndpointPort,
  Endpoints,
  Service,
  ServicePort,
} from '../generated/index.js';
import {
  child,
  duplicate,
  forbidden,
  index,
  invalidEach,
  invalidValue,
  required,
} from './field-errors.js';
import { FIELD_IMMUTABLE, validateLabels } from './metadata.js';
import { isDNS1123Label, isValidIP, isValidPortNum, nameIsDNSSubdomain } from './names.js';
import { validatePortNumOrName } from './probes.js';

/** The node port range Skiff allocates from, as Kubernetes' default `--service-node-port-range`. */
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

function validateServicePort(
  port: ServicePort,
  requireName: boolean,
  names: Set<string>,
  field: string,
): FieldError[] {
  const errors: FieldError[] = [];
  const namePath = child(field, 'name');
  if (requireName && !port.name) errors.push(required(namePath));
  else if (port.name) {
    errors.push(...invalidEach(namePath, port.name, isDNS1123Label(port.name)));
    if (names.has(port.name)) errors.push(duplicate(namePath, port.name));
    names.add(port.name);
  }
  errors.push(...invalidEach(child(field, 'port'), port.port, isValidPortNum(port.port)));
  if (port.targetPort !== undefined)
    errors.push(...validatePortNumOrName(port.targetPort, child(field, 'targetPort')));
  if (port.nodePort !== undefined && port.nodePort !== 0) {
    const { min, max } = NODE_PORT_RANGE;
    if (port.nodePort < min || port.nodePort > max) {
      errors.push(
        invalidValue(
          child(field, 'nodePort'),
          port.nodePort,
          `provided port is not in the valid range. The range of valid ports is ${min}-${max}`,
        ),
      );
    }
  }
  return errors;
}

function validateClusterIPs(service: Service): FieldError[] {
  const spec = service.spec ?? {};
  const errors: FieldError[] = [];
  const clusterIP = spec.clusterIP;
  if (clusterIP && clusterIP !== 'None' && isValidIP(clusterIP).length > 0) {
    errors.push(
      invalidValue('spec.clusterIP', clusterIP, 'must be empty, `None`, or a valid IP address'),
    );
  }
  const clusterIPs = spec.clusterIPs ?? [];
  if (clusterIP && clusterIPs.length > 0 && clusterIPs[0] !== clusterIP) {
    errors.push(invalidValue('spec.clusterIPs', clusterIPs, 'first value must match `clusterIP`'));
  }
  (spec.externalIPs ?? []).forEach((ip, i) => {
    if (isValidIP(ip).length > 0)
      errors.push(invalidValue(index('spec.externalIPs', i), ip, 'must be a valid IP address'));
  });
  return errors;
}

/** A Service's spec (`ValidateService`). */
export function validateService(service: Service): FieldError[] {
  const spec = service.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  const ports = spec.ports ?? [];
  const errors: FieldError[] = [];
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && !headless && type !== 'ExternalName')
    errors.push(required('spec.ports'));
  if (type === 'ExternalName') {
    if (!spec.externalName) errors.push(required('spec.externalName'));
    else
      errors.push(
        ...invalidEach(
          'spec.externalName',
          spec.externalName,
          nameIsDNSSubdomain(spec.externalName.replace(/\.$/, ''), false),
        ),
      );
  }
  const names = new Set<string>();
  ports.forEach((port, i) =>
    errors.push(...validateServicePort(port, ports.length > 1, names, index('spec.ports', i))),
  );
  errors.push(...validateLabels(spec.selector, 'spec.selector'));
  errors.push(...validateClusterIPs(service));
  const seenPorts = new Set<string>();
  const seenNodePorts = new Set<string>();
  ports.forEach((port, i) => {
    const path = index('spec.ports', i);
    const protocol = port.protocol ?? 'TCP';
    if (type === 'ClusterIP' && port.nodePort) {
      errors.push(forbidden(child(path, 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
    }
    if (port.nodePort) {
      const id = `${protocol}/${port.nodePort}`;
      if (seenNodePorts.has(id)) errors.push(duplicate(child(path, 'nodePort'), port.nodePort));
      seenNodePorts.add(id);
    }
    const id = `${protocol}/${port.port}`;
    if (seenPorts.has(id)) errors.push(duplicate(path, { port: port.port, protocol }));
    seenPorts.add(id);
  });
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (timeout !== undefined && (timeout <= 0 || timeout > 86400)) {
    errors.push(
      invalidValue(
        'spec.sessionAffinityConfig.clientIP.timeoutSeconds',
        timeout,
        'must be greater than 0 and less than 86400',
      ),
    );
  }
  return errors;
}

/** A Service update: a cluster IP, once set, stays. */
export function validateServiceUpdate(service: Service, old: Service): FieldError[] {
  const before = old.spec?.clusterIP;
  const after = service.spec?.clusterIP;
  return before && after && before !== after
    ? [invalidValue('spec.clusterIP', after, FIELD_IMMUTABLE)]
    : [];
}

function validateAddress(address: EndpointAddress, field: string): FieldError[] {
  const errors = invalidEach(child(field, 'ip'), address.ip, isValidIP(address.ip));
  if (address.hostname)
    errors.push(
      ...invalidEach(child(field, 'hostname'), address.hostname, isDNS1123Label(address.hostname)),
    );
  if (address.nodeName) {
    errors.push(
      ...invalidEach(
        child(field, 'nodeName'),
        address.nodeName,
        nameIsDNSSubdomain(address.nodeName, false),
      ),
    );
  }
  return errors;
}

function validateEndpointPort(
  port: EndpointPort,
  requireName: boolean,
  field: string,
): FieldError[] {
  const errors: FieldError[] = [];
  if (requireName && !port.name) errors.push(required(child(field, 'name')));
  else if (port.name)
    errors.push(...invalidEach(child(field, 'name'), port.name, isDNS1123Label(port.name)));
  errors.push(...invalidEach(child(field, 'port'), port.port, isValidPortNum(port.port)));
  return errors;
}

/** Endpoints: each subset has addresses, valid IPs, and named ports when several. */
export function validateEndpoints(endpoints: Endpoints): FieldError[] {
  return (endpoints.subsets ?? []).flatMap((subset, i) => {
    const path = index('subsets', i);
    const errors: FieldError[] = [];
    const addresses = subset.addresses ?? [];
    const notReady = subset.notReadyAddresses ?? [];
    if (addresses.length === 0 && notReady.length === 0) {
      errors.push(required(path, 'must specify `addresses` or `notReadyAddresses`'));
    }
    addresses.forEach((a, j) =>
      errors.push(...validateAddress(a, index(child(path, 'addresses'), j))),
    );
    notReady.forEach((a, j) =>
      errors.push(...validateAddress(a, index(child(path, 'notReadyAddresses'), j))),
    );
    const ports = subset.ports ?? [];
    ports.forEach((p, j) =>
      errors.push(...validateEndpointPort(p, ports.length > 1, index(child(path, 'ports'), j))),
    );
    return errors;
  });
}
