// Container probes for the node agent: liveness, readiness and startup checks.
export { execProbe, MAX_EXEC_OUTPUT_BYTES } from './exec-probe.js';
export { httpGetProbe, MAX_PROBE_BODY_BYTES, PROBE_USER_AGENT } from './http-get-probe.js';
export { probeEvent } from './probe-event.js';
export type { ProbeEvent } from './probe-event.js';
export { probeOnce, probeWithin } from './probe-once.js';
export { resolveProbePort } from './probe-port.js';
export type { NamedPort, ProbeKind, ProbeResult, ProbeTarget } from './probe-target.js';
export { probeTiming } from './probe-timing.js';
export type { ProbeTiming } from './probe-timing.js';
export { ProbeWorker } from './probe-worker.js';
export type { ProbeState, ProbeWorkerOptions } from './probe-worker.js';
export { PipeSocket, socketPair } from './socket-pair.js';
export { tcpSocketProbe } from './tcp-socket-probe.js';
