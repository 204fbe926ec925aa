// The events the kubelet records for probe attempts (pkg/kubelet/prober/prober.go).

import type { ProbeKind, ProbeResult } from './probe-target.js';

/** An event to record on the pod for one probe attempt. */
export interface ProbeEvent {
  readonly type: 'Warning';
  readonly reason: 'Unhealthy' | 'ProbeWarning';
  readonly message: string;
}

const KIND_NAMES: Record<ProbeKind, string> = {
  liveness: 'Liveness',
  readiness: 'Readiness',
  startup: 'Startup',
};

/**
 * The kubelet's event for an attempt: `Unhealthy` "Liveness probe failed: …"
 * for a failure, `ProbeWarning` "… probe warning: …" for a success with a
 * warning (a redirect), none for a plain success.
 */
export function probeEvent(kind: ProbeKind, result: ProbeResult): ProbeEvent | undefined {
  const name = KIND_NAMES[kind];
  const detail = result.message ?? '';
  if (!result.success) {
    return { type: 'Warning', reason: 'Unhealthy', message: `${name} probe failed: ${detail}` };
  }
  if (result.warning) {
    return { type: 'Warning', reason: 'ProbeWarning', message: `${name} probe warning: ${detail}` };
  }
  return undefined;
}
