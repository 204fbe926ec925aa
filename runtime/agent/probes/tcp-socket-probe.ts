// tcpSocket probes: a connection the pod accepts is a success (pkg/probe/tcp).

import type { TCPSocketAction } from '../../../controlplane/api/generated/index.js';
import { NetworkError } from '../../network/pod-network.js';
import { joinHostPort, refusedMessage } from './http-get-probe.js';
import { resolveProbePort } from './probe-port.js';
import type { ProbeResult, ProbeTarget } from './probe-target.js';
import { socketPair } from './socket-pair.js';

/**
 * Connects to the port in the pod's namespace and hangs up at once: success
 * when something listens, `dial tcp IP:PORT: connect: connection refused`
 * otherwise. Throws for a port it cannot resolve.
 */
export function tcpSocketProbe(action: TCPSocketAction, target: ProbeTarget): ProbeResult {
  const port = resolveProbePort(action.port, target.ports ?? []);
  const { client, server } = socketPair(target.podIP, port);
  try {
    target.network.deliver(port, server);
    return { success: true };
  } catch (error) {
    if (!(error instanceof NetworkError) || error.code !== 'ECONNREFUSED') throw error;
    return {
      success: false,
      message: refusedMessage(joinHostPort(action.host || target.podIP, port)),
    };
  } finally {
    // The listener sees a connection that closes without a byte, as after a kubelet dial.
    client.destroy();
  }
}
