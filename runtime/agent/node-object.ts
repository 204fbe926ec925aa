// The Node object a node agent registers and keeps up to date: capacity and
// allocatable, labels, addresses, the agent's endpoint, system info,
// conditions and the images present, with the kubelet's field values.

import { readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import type { Node, NodeCondition } from '../../controlplane/api/generated/index.js';
import { rfc3339 } from '../../controlplane/api/json-values.js';
import type { RuntimeName } from '../runtime.js';

/** The kubelet's hard eviction thresholds: memory.available<100Mi, nodefs.available<10%. */
const MEMORY_PRESSURE_BYTES = 100 * 1024 * 1024;
const DISK_PRESSURE_RATIO = 0.1;

/** What the agent reports about its machine. */
export interface NodeFacts {
  readonly name: string;
  /** The address pods' traffic and the API server reach the agent at. */
  readonly address: string;
  /** The agent's HTTPS port (logs, exec): `status.daemonEndpoints.kubeletEndpoint.Port`. */
  readonly port: number;
  readonly runtimes: readonly RuntimeName[];
  readonly maxPods: number;
  /** Where pods' data lives; its filesystem is the node's ephemeral storage. */
  readonly dataDir: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly version: string;
}

/** Kubernetes' architecture names (GOARCH). */
export function kubeArch(arch: string = process.arch): string {
  return arch === 'x64' ? 'amd64' : arch === 'ia32' ? '386' : arch;
}

function readOptional(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

function osImage(): string {
  const release = readOptional('/etc/os-release');
  return /^PRETTY_NAME="?(.*?)"?$/m.exec(release)?.[1] ?? `${os.type()} ${os.release()}`;
}

function diskBytes(dir: string): { total: number; free: number } {
  try {
    const stats = statfsSync(dir);
    return { total: stats.blocks * stats.bsize, free: stats.bavail * stats.bsize };
  } catch {
    return { total: 0, free: 0 };
  }
}

/** Capacity as the kubelet measures it (memory in Ki, cpu in cores). */
function capacity(facts: NodeFacts): Record<string, string> {
  return {
    cpu: String(os.cpus().length),
    memory: `${Math.floor(os.totalmem() / 1024)}Ki`,
    pods: String(facts.maxPods),
    'ephemeral-storage': `${Math.floor(diskBytes(facts.dataDir).total / 1024)}Ki`,
  };
}

/** The node's labels: the well-known ones, the runtimes it offers, and the operator's. */
export function nodeLabels(facts: NodeFacts): Record<string, string> {
  const labels: Record<string, string> = {
    'kubernetes.io/hostname': facts.name,
    'kubernetes.io/os': process.platform,
    'kubernetes.io/arch': kubeArch(),
    'beta.kubernetes.io/os': process.platform,
    'beta.kubernetes.io/arch': kubeArch(),
  };
  for (const runtime of facts.runtimes) labels[`runtime.skiff.dev/${runtime}`] = 'true';
  return { ...labels, ...facts.labels };
}

/** The node's conditions now, keeping transition times of unchanged ones. */
export function nodeConditions(
  facts: NodeFacts,
  previous: readonly NodeCondition[],
  now: Date,
): NodeCondition[] {
  const memoryLow = os.freemem() < MEMORY_PRESSURE_BYTES;
  const disk = diskBytes(facts.dataDir);
  const diskLow = disk.total > 0 && disk.free / disk.total < DISK_PRESSURE_RATIO;
  const make = (type: string, ok: boolean, reason: string, message: string): NodeCondition => {
    const status = ok ? 'True' : 'False';
    const before = previous.find((c) => c.type === type);
    return {
      type,
      status,
      lastHeartbeatTime: rfc3339(now),
      lastTransitionTime:
        before?.status === status && before.lastTransitionTime
          ? before.lastTransitionTime
          : rfc3339(now),
      reason,
      message,
    };
  };
  return [
    make(
      'MemoryPressure',
      memoryLow,
      memoryLow ? 'KubeletHasInsufficientMemory' : 'KubeletHasSufficientMemory',
      memoryLow
        ? 'kubelet has insufficient memory available'
        : 'kubelet has sufficient memory available',
    ),
    make(
      'DiskPressure',
      diskLow,
      diskLow ? 'KubeletHasDiskPressure' : 'KubeletHasNoDiskPressure',
      diskLow ? 'kubelet has disk pressure' : 'kubelet has no disk pressure',
    ),
    make('PIDPressure', false, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    make('Ready', true, 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

/** The Node's `status` now. */
export function nodeStatus(
  facts: NodeFacts,
  previous: readonly NodeCondition[],
  images: NonNullable<Node['status']>['images'],
  now: Date,
): NonNullable<Node['status']> {
  const resources = capacity(facts);
  return {
    capacity: resources,
    allocatable: resources,
    conditions: nodeConditions(facts, previous, now),
    addresses: [
      { type: 'InternalIP', address: facts.address },
      { type: 'Hostname', address: facts.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: facts.port } },
    nodeInfo: {
      machineID: readOptional('/etc/machine-id'),
      systemUUID: readOptional('/sys/class/dmi/id/product_uuid'),
      bootID: readOptional('/proc/sys/kernel/random/boot_id'),
      kernelVersion: os.release(),
      osImage: osImage(),
      containerRuntimeVersion: `skiff-wasm://${facts.version}`,
      kubeletVersion: `v1.32.0-skiff.${facts.version}`,
      kubeProxyVersion: '',
      operatingSystem: process.platform,
      architecture: kubeArch(),
    },
    images: images ?? [],
  };
}

/** A new Node object for registration. */
export function newNode(facts: NodeFacts, images: NonNullable<Node['status']>['images']): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: facts.name, labels: nodeLabels(facts) },
    spec: {},
    status: nodeStatus(facts, [], images, new Date()),
  };
}
