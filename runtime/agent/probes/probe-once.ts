// One probe attempt: the probe's handler, within its timeout.

import type { Probe } from '../../../controlplane/api/generated/index.js';
import { execProbe } from './exec-probe.js';
import { httpGetProbe } from './http-get-probe.js';
import type { ProbeResult, ProbeTarget } from './probe-target.js';
import { probeTiming } from './probe-timing.js';
import { tcpSocketProbe } from './tcp-socket-probe.js';

/**
 * Runs one attempt of `probe` against `target` (httpGet, tcpSocket or exec; a
 * grpc probe fails as not supported), within `timeoutSeconds` (default 1).
 * Every problem is a failed result with the kubelet's message, including an
 * unresolvable port; the promise rejects only with `signal.reason` when
 * `signal` aborts (the caller has stopped caring).
 */
export function probeOnce(
  probe: Probe,
  target: ProbeTarget,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  return probeWithin(probe, target, probeTiming(probe).timeoutSeconds * 1000, signal);
}

/** probeOnce with the deadline given in milliseconds (the worker scales it in tests). */
export async function probeWithin(
  probe: Probe,
  target: ProbeTarget,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeResult> {
  signal?.throwIfAborted();
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error('probe deadline exceeded')), timeoutMs);
  const onCancel = (): void => deadline.abort(signal?.reason);
  signal?.addEventListener('abort', onCancel, { once: true });
  try {
    const result = await runHandler(probe, target, timeoutMs, deadline.signal);
    signal?.throwIfAborted();
    return result;
  } catch (error) {
    signal?.throwIfAborted();
    return { success: false, message: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onCancel);
  }
}

async function runHandler(
  probe: Probe,
  target: ProbeTarget,
  timeoutMs: number,
  deadline: AbortSignal,
): Promise<ProbeResult> {
  // The kubelet's order when several are set (validation allows only one).
  if (probe.exec) return execProbe(probe.exec, target, timeoutMs, deadline);
  if (probe.httpGet) return httpGetProbe(probe.httpGet, target, deadline);
  if (probe.tcpSocket) return tcpSocketProbe(probe.tcpSocket, target);
  if (probe.grpc) return { success: false, message: 'grpc probes are not supported by Skiff' };
  return { success: false, message: 'missing probe handler' };
}
