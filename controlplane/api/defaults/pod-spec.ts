// Kubernetes' defaults for a PodSpec and its containers (core/v1
// SetDefaults_PodSpec, _Container, _ContainerPort, _Probe, _HTTPGetAction,
// _Volume, ...), as `kubectl get -o yaml` shows them. Pods get two more than
// pod templates, as in Kubernetes: requests copied from limits, and
// `enableServiceLinks: true`.

import type { PodSpec } from '../generated/index.js';
import { existingRecord, isRecord, recordAt, recordsAt, setDefault } from './values.js';

/** `/dev/termination-log` */
export const DEFAULT_TERMINATION_MESSAGE_PATH = '/dev/termination-log';
/** Seconds a pod gets to stop before it is killed. */
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
/** The scheduler that places pods that do not name another. */
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
/** 0644, the mode of configMap and secret volume files. */
export const DEFAULT_VOLUME_FILE_MODE = 0o644;

/** Whether the spec belongs to a Pod or to a pod template (a ReplicaSet's, a Deployment's). */
export type PodSpecOwner = 'pod' | 'template';

/**
 * `Always` for `:latest` or an untagged image, else `IfNotPresent`; an image
 * pinned by digest only is `IfNotPresent` (what Kubernetes' ParseImageName gives).
 */
export function defaultPullPolicy(image: unknown): 'Always' | 'IfNotPresent' {
  if (typeof image !== 'string' || image === '') return 'IfNotPresent';
  const [name = '', digest] = image.split('@');
  const lastComponent = name.slice(name.lastIndexOf('/') + 1);
  const colon = lastComponent.indexOf(':');
  const tag = colon >= 0 ? lastComponent.slice(colon + 1) : '';
  if (tag === '' && digest !== undefined) return 'IfNotPresent';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultHTTPGet(handler: Record<string, unknown>): void {
  const http = existingRecord(handler, 'httpGet');
  if (!http) return;
  setDefault(http, 'path', '/');
  setDefault(http, 'scheme', 'HTTP');
}

function defaultProbe(probe: Record<string, unknown> | undefined): void {
  if (!probe) return;
  setDefault(probe, 'timeoutSeconds', 1);
  setDefault(probe, 'periodSeconds', 10);
  setDefault(probe, 'successThreshold', 1);
  setDefault(probe, 'failureThreshold', 3);
  defaultHTTPGet(probe);
}

function defaultResources(container: Record<string, unknown>, owner: PodSpecOwner): void {
  const resources = recordAt(container, 'resources');
  if (!resources || owner !== 'pod') return;
  // A Pod's container with limits but no requests gets requests = limits.
  const limits = existingRecord(resources, 'limits');
  if (!limits) return;
  const requests = recordAt(resources, 'requests');
  if (!requests) return;
  for (const [name, value] of Object.entries(limits)) setDefault(requests, name, value);
}

function defaultContainer(container: Record<string, unknown>, owner: PodSpecOwner): void {
  setDefault(container, 'imagePullPolicy', defaultPullPolicy(container['image']));
  setDefault(container, 'terminationMessagePath', DEFAULT_TERMINATION_MESSAGE_PATH);
  setDefault(container, 'terminationMessagePolicy', 'File');
  for (const port of recordsAt(container, 'ports')) setDefault(port, 'protocol', 'TCP');
  for (const variable of recordsAt(container, 'env')) {
    const fieldRef = existingRecord(existingRecord(variable, 'valueFrom') ?? {}, 'fieldRef');
    if (fieldRef) setDefault(fieldRef, 'apiVersion', 'v1');
  }
  defaultResources(container, owner);
  for (const name of ['livenessProbe', 'readinessProbe', 'startupProbe'])
    defaultProbe(existingRecord(container, name));
  const lifecycle = existingRecord(container, 'lifecycle');
  for (const hook of ['postStart', 'preStop']) {
    const handler = lifecycle ? existingRecord(lifecycle, hook) : undefined;
    if (handler) defaultHTTPGet(handler);
  }
}

function defaultVolume(volume: Record<string, unknown>): void {
  // A volume that names no source at all is an emptyDir.
  if (Object.keys(volume).every((k) => k === 'name')) volume['emptyDir'] = {};
  const hostPath = existingRecord(volume, 'hostPath');
  if (hostPath) setDefault(hostPath, 'type', '');
  for (const name of ['configMap', 'secret']) {
    const source = existingRecord(volume, name);
    if (source) setDefault(source, 'defaultMode', DEFAULT_VOLUME_FILE_MODE);
  }
}

/** Fills a PodSpec's defaults in place (any shape: what is not as expected is left alone). */
export function defaultPodSpec(spec: unknown, owner: PodSpecOwner): void {
  if (!isRecord(spec)) return;
  for (const volume of recordsAt(spec, 'volumes')) defaultVolume(volume);
  for (const list of ['containers', 'initContainers']) {
    for (const container of recordsAt(spec, list)) defaultContainer(container, owner);
  }
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'schedulerName', DEFAULT_SCHEDULER_NAME);
  if (owner === 'pod') {
    setDefault(spec, 'enableServiceLinks', true);
    if (spec['hostNetwork'] === true) defaultHostNetworkPorts(spec);
  }
}

/** A pod on the host's network listens on the host's ports: each hostPort defaults to its containerPort. */
function defaultHostNetworkPorts(spec: Record<string, unknown>): void {
  for (const list of ['containers', 'initContainers']) {
    for (const container of recordsAt(spec, list)) {
      for (const port of recordsAt(container, 'ports')) {
        if (port['hostPort'] === undefined || port['hostPort'] === 0)
          port['hostPort'] = port['containerPort'];
      }
    }
  }
}

/** A pod template's defaults (`spec`; metadata has none). */
export function defaultPodTemplate(template: unknown): void {
  if (isRecord(template)) defaultPodSpec(template['spec'], 'template');
}

/** `defaultPodSpec` for a typed spec: fills it in place and returns it. */
export function applyPodSpecDefaults(spec: PodSpec, owner: PodSpecOwner): PodSpec {
  defaultPodSpec(spec, owner);
  return spec;
}
