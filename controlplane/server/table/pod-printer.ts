// The pods table: NAME READY STATUS RESTARTS AGE (+ IP NODE NOMINATED NODE
// READINESS GATES with -o wide), with STATUS worked out from the container
// statuses the way kubectl shows it: the reason of the first waiting or
// terminated container (ContainerCreating, CrashLoopBackOff, ErrImagePull,
// OOMKilled, Completed, ...), `Init:` states while init containers run,
// Terminating once deletion started, else the phase.

import type { KubeObject } from '../../api/types.js';
import { age } from './age.js';
import type { Cell, Printer } from './columns.js';
import { AGE_COLUMN, NAME_COLUMN, ageOf, column, nameOf } from './columns.js';
import { NONE, numberOf, orNone, record, records, text } from './fields.js';

type Json = Readonly<Record<string, unknown>>;

/** What the READY, STATUS and RESTARTS cells show. */
export interface PodSummary {
  readonly ready: string;
  readonly status: string;
  readonly restarts: number;
  /** The latest time a container of the pod restarted (ms), 0 when none did. */
  readonly lastRestart: number;
}

interface Tally {
  reason: string;
  ready: number;
  restarts: number;
  lastRestart: number;
  /** Restarts of sidecars (restartable init containers), which stay relevant once the pod runs. */
  sidecarRestarts: number;
  sidecarLastRestart: number;
}

function noteRestarts(tally: Tally, container: Json): void {
  tally.restarts += numberOf(container.restartCount) ?? 0;
  const finished = Date.parse(text(record(record(container.lastState).terminated).finishedAt));
  if (!Number.isNaN(finished) && finished > tally.lastRestart) tally.lastRestart = finished;
}

function hasCondition(status: Json, type: string, value = 'True'): boolean {
  return records(status.conditions).some((c) => c.type === type && c.status === value);
}

/** Walks init containers; true while one of them is what the pod waits on. */
function tallyInitContainers(spec: Json, status: Json, tally: Tally): boolean {
  const inits = records(spec.initContainers);
  const sidecars = new Set(inits.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const statuses = records(status.initContainerStatuses);
  for (const [index, container] of statuses.entries()) {
    const before = { restarts: tally.restarts, lastRestart: tally.lastRestart };
    noteRestarts(tally, container);
    if (sidecars.has(container.name)) {
      tally.sidecarRestarts += tally.restarts - before.restarts;
      tally.sidecarLastRestart = Math.max(tally.sidecarLastRestart, tally.lastRestart);
    }
    const state = record(container.state);
    const terminated = record(state.terminated);
    const waiting = record(state.waiting);
    if ('terminated' in state && terminated.exitCode === 0) continue;
    if (sidecars.has(container.name) && container.started === true) {
      if (container.ready === true) tally.ready++;
      continue;
    }
    if ('terminated' in state) {
      const signal = numberOf(terminated.signal);
      tally.reason = text(terminated.reason)
        ? `Init:${text(terminated.reason)}`
        : signal
          ? `Init:Signal:${signal}`
          : `Init:ExitCode:${numberOf(terminated.exitCode) ?? 0}`;
    } else if (text(waiting.reason) && waiting.reason !== 'PodInitializing') {
      tally.reason = `Init:${text(waiting.reason)}`;
    } else {
      tally.reason = `Init:${index}/${inits.length}`;
    }
    return true;
  }
  return false;
}

/** Walks the app containers, last to first, so the first container's state wins. */
function tallyContainers(status: Json, tally: Tally): void {
  let running = false;
  const statuses = records(status.containerStatuses);
  for (let i = statuses.length - 1; i >= 0; i--) {
    const container = statuses[i] ?? {};
    noteRestarts(tally, container);
    const state = record(container.state);
    const waiting = record(state.waiting);
    const terminated = record(state.terminated);
    if (text(waiting.reason)) {
      tally.reason = text(waiting.reason);
    } else if (text(terminated.reason)) {
      tally.reason = text(terminated.reason);
    } else if ('terminated' in state) {
      const signal = numberOf(terminated.signal);
      tally.reason = signal ? `Signal:${signal}` : `ExitCode:${numberOf(terminated.exitCode) ?? 0}`;
    } else if (container.ready === true && 'running' in state) {
      running = true;
      tally.ready++;
    }
  }
  // One container finished, another still runs: the pod is up or not by its Ready condition.
  if (tally.reason === 'Completed' && running) {
    tally.reason = hasCondition(status, 'Ready') ? 'Running' : 'NotReady';
  }
}

/** READY, STATUS and RESTARTS of a pod, as kubectl computes them. */
export function summarizePod(pod: KubeObject): PodSummary {
  const spec = record(pod.spec);
  const status = record(pod.status);
  const sidecarCount = records(spec.initContainers).filter(
    (c) => c.restartPolicy === 'Always',
  ).length;
  const total = records(spec.containers).length + sidecarCount;
  const phase = text(status.phase);
  const tally: Tally = {
    reason: text(status.reason) || phase,
    ready: 0,
    restarts: 0,
    lastRestart: 0,
    sidecarRestarts: 0,
    sidecarLastRestart: 0,
  };
  if (
    records(status.conditions).some(
      (c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated',
    )
  ) {
    tally.reason = 'SchedulingGated';
  }

  const initializing = tallyInitContainers(spec, status, tally);
  if (!initializing || hasCondition(status, 'Initialized')) {
    // Restarts of init containers that finished are history; those of sidecars are not.
    tally.restarts = tally.sidecarRestarts;
    tally.lastRestart = tally.sidecarLastRestart;
    tallyContainers(status, tally);
  }

  if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') tally.reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') {
    tally.reason = 'Terminating';
  }
  return {
    ready: `${tally.ready}/${total}`,
    status: tally.reason,
    restarts: tally.restarts,
    lastRestart: tally.lastRestart,
  };
}

function podIP(status: Json): string {
  const ips = records(status.podIPs);
  return orNone(text(ips[0]?.ip) || text(status.podIP));
}

function readinessGates(spec: Json, status: Json): string {
  const gates = records(spec.readinessGates);
  if (gates.length === 0) return NONE;
  const met = gates.filter((g) => hasCondition(status, text(g.conditionType))).length;
  return `${met}/${gates.length}`;
}

/** The pods table. */
export const POD_PRINTER: Printer = {
  columns: [
    NAME_COLUMN,
    column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'The aggregate status of the containers in this pod.'),
    column(
      'Restarts',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE_COLUMN,
    column('IP', 'IP address allocated to the pod.', { wide: true }),
    column('Node', 'Name of the node the pod is assigned to.', { wide: true }),
    column('Nominated Node', 'Name of the node where the pod may be scheduled after preemption.', {
      wide: true,
    }),
    column('Readiness Gates', 'Readiness gates the pod declares, and how many of them are met.', {
      wide: true,
    }),
  ],
  cells(pod, now): Cell[] {
    const spec = record(pod.spec);
    const status = record(pod.status);
    const summary = summarizePod(pod);
    const restarts: Cell =
      summary.lastRestart > 0
        ? `${summary.restarts} (${age(new Date(summary.lastRestart).toISOString(), now)} ago)`
        : summary.restarts;
    return [
      nameOf(pod),
      summary.ready,
      summary.status,
      restarts,
      ageOf(pod, now),
      podIP(status),
      orNone(text(spec.nodeName)),
      orNone(text(status.nominatedNodeName)),
      readinessGates(spec, status),
    ];
  },
};
