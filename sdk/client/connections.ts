// The connections of one client: keep-alive agents of Node's own http and
// https modules, the https one given the client's CA, client certificate and
// server name. (Node's http client is part of its runtime; an HTTP library
// would be ~10 MiB more of a node agent's idle memory.)

import http from 'node:http';
import https from 'node:https';
import type { TlsConfig } from './config.js';

/** The agents of one client, one per scheme. */
export interface Connections {
  /** The agent for a `http:` or `https:` URL. */
  agentFor(url: URL): http.Agent;
  /** Closes every connection, idle or not. */
  close(): void;
}

/** Node's tls.connect options for `tls`. */
export function tlsConnectOptions(tls: TlsConfig = {}): https.AgentOptions {
  return {
    rejectUnauthorized: !tls.insecureSkipTlsVerify,
    ...(tls.certificateAuthority ? { ca: tls.certificateAuthority } : {}),
    ...(tls.serverName ? { servername: tls.serverName } : {}),
    ...(tls.clientCertificate && tls.clientKey
      ? { cert: tls.clientCertificate, key: tls.clientKey }
      : {}),
  };
}

/** Keep-alive agents for `tls` (which only https URLs use). */
export function createConnections(tls?: TlsConfig): Connections {
  const plain = new http.Agent({ keepAlive: true });
  const secure = new https.Agent({ keepAlive: true, ...tlsConnectOptions(tls) });
  return {
    agentFor: (url) => (url.protocol === 'https:' ? secure : plain),
    close() {
      plain.destroy();
      secure.destroy();
    },
  };
}
