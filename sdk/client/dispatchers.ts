// The connections of one client, made by undici rather than Node's global
// fetch because only an undici Agent can be given a CA, a client certificate
// or insecure-skip-tls-verify. Two agents: plain requests keep undici's
// header and body timeouts (a server that stops answering is given up on),
// watches have no body timeout (they are quiet for minutes by design).

import { Agent } from 'undici';
import type { TlsConfig } from './config.js';

/** The undici dispatchers of one client. */
export interface Dispatchers {
  /** For requests whose answer comes at once (get, list, create, ...). */
  readonly requests: Agent;
  /** For watches: long-lived streamed bodies, no body timeout. */
  readonly streams: Agent;
  /** Closes idle connections and refuses new requests; resolves when both agents are closed. */
  close(): Promise<void>;
}

/** The `connect` options of an undici Agent (Node's tls.connect options) for `tls`. */
export function tlsConnectOptions(tls: TlsConfig = {}): {
  ca?: string;
  rejectUnauthorized: boolean;
  servername?: string;
  cert?: string;
  key?: string;
} {
  return {
    rejectUnauthorized: !tls.insecureSkipTlsVerify,
    ...(tls.certificateAuthority ? { ca: tls.certificateAuthority } : {}),
    ...(tls.serverName ? { servername: tls.serverName } : {}),
    ...(tls.clientCertificate && tls.clientKey
      ? { cert: tls.clientCertificate, key: tls.clientKey }
      : {}),
  };
}

/** Both agents for `tls` (which only https origins use; http works the same). */
export function createDispatchers(tls?: TlsConfig): Dispatchers {
  const connect = tlsConnectOptions(tls);
  const requests = new Agent({ connect });
  const streams = new Agent({ connect, bodyTimeout: 0 });
  return {
    requests,
    streams,
    async close() {
      await Promise.all([requests.close(), streams.close()]);
    },
  };
}
