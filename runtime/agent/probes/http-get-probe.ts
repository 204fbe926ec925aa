// httpGet probes: one GET over an in-memory connection into the pod's network,
// as the kubelet sends it (pkg/probe/http): no keep-alive, no compression,
// redirects not followed, at most 10 KiB of the body read.

import http from 'node:http';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { isIP } from 'node:net';
import type { HTTPGetAction } from '../../../controlplane/api/generated/index.js';
import { NetworkError } from '../../network/pod-network.js';
import { resolveProbePort } from './probe-port.js';
import type { ProbeResult, ProbeTarget } from './probe-target.js';
import { socketPair } from './socket-pair.js';

/** The kubelet's own, for servers that tell probes apart from users (`kube-probe/<major>.<minor>`). */
export const PROBE_USER_AGENT = 'kube-probe/1.32';
/** The kubelet reads at most this much of a probe's response body (maxRespBodyLength). */
export const MAX_PROBE_BODY_BYTES = 10 * 1024;

/** `host:port`, bracketing an IPv6 address as Go's net.JoinHostPort does. */
export function joinHostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Sends the probe's GET to the pod and reports it the kubelet's way: success
 * for 200-399 (3xx as a warning, not followed), `HTTP probe failed with
 * statuscode: N` otherwise, Go's client error text when there was no answer.
 * Gives up when `signal` aborts (the probe's deadline). Throws for a port it
 * cannot resolve.
 */
export async function httpGetProbe(
  action: HTTPGetAction,
  target: ProbeTarget,
  signal: AbortSignal,
): Promise<ProbeResult> {
  const port = resolveProbePort(action.port, target.ports ?? []);
  const scheme = action.scheme === 'HTTPS' ? 'https' : 'http';
  const hostPort = joinHostPort(action.host || target.podIP, port);
  const location = new URL(requestPath(action.path), `${scheme}://${hostPort}`);
  const url = `${scheme}://${hostPort}${location.pathname}${location.search}`;
  const headers = probeHeaders(action, hostPort);

  const { client, server } = socketPair(target.podIP, port);
  try {
    // Skiff probes reach the pod's own namespace only, whatever `host` says.
    target.network.deliver(port, server);
  } catch (error) {
    if (!(error instanceof NetworkError) || error.code !== 'ECONNREFUSED') throw error;
    client.destroy();
    return { success: false, message: `Get "${url}": ${refusedMessage(hostPort)}` };
  }
  const socket: Duplex = scheme === 'https' ? secure(client, headers['host']?.[0]) : client;
  try {
    return await exchange(socket, url, location, headers, signal);
  } finally {
    socket.destroy();
    client.destroy();
  }
}

/** Go's `dial tcp` error for a port nobody listens on. */
export function refusedMessage(hostPort: string): string {
  return `dial tcp ${hostPort}: connect: connection refused`;
}

function requestPath(path: string | undefined): string {
  if (!path) return '/';
  return path.startsWith('/') ? path : `/${path}`;
}

/**
 * The request's headers: the probe's own (names case-insensitive, repeated
 * names kept), then the kubelet's User-Agent and `Accept: *\/*` unless given
 * (an empty Accept removes it), and Host: the probe's Host header or host:port.
 */
function probeHeaders(action: HTTPGetAction, hostPort: string): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const { name, value } of action.httpHeaders ?? []) {
    (headers[name.toLowerCase()] ??= []).push(value);
  }
  headers['user-agent'] ??= [PROBE_USER_AGENT];
  const accept = headers['accept'];
  if (!accept) headers['accept'] = ['*/*'];
  else if (accept[0] === '') delete headers['accept'];
  // Go sends one Host: the first one given (req.Host), or the URL's host:port.
  headers['host'] = [headers['host']?.[0] ?? hostPort];
  return headers;
}

/** TLS over the in-memory connection, unverified as the kubelet's (a pod's certificate names its service, not its IP). */
function secure(client: Duplex, host: string | undefined): Duplex {
  // A failure on the plain end shows as the TLS socket's own error or close.
  client.on('error', () => undefined);
  return tls.connect({
    socket: client,
    rejectUnauthorized: false,
    checkServerIdentity: () => undefined,
    servername: sniName(host ?? ''),
  });
}

/** The name to send as SNI: a DNS name of the Host header, never an IP (RFC 6066). */
function sniName(host: string): string | undefined {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return isIP(name) ? undefined : name;
}

function exchange(
  socket: Duplex,
  url: string,
  location: URL,
  headers: Record<string, string[]>,
  signal: AbortSignal,
): Promise<ProbeResult> {
  return new Promise<ProbeResult>((resolve) => {
    let answered = false;
    const request = http.request({
      method: 'GET',
      path: `${location.pathname}${location.search}`,
      headers,
      setHost: false,
      createConnection: () => socket,
    });
    const onAbort = (): void => {
      resolve({
        success: false,
        message: answered
          ? 'context deadline exceeded (Client.Timeout or context cancellation while reading body)'
          : `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
      });
      request.destroy();
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (result: ProbeResult): void => {
      signal.removeEventListener('abort', onAbort);
      resolve(result);
    };
    request.on('error', (error: NodeJS.ErrnoException) =>
      settle({ success: false, message: `Get "${url}": ${clientErrorText(error)}` }),
    );
    request.on('response', (response) => {
      answered = true;
      let read = 0;
      const judge = (): void => settle(judgeStatus(response.statusCode ?? 0));
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        // The rest is not read: the kubelet stops at the cap and judges what it has.
        if (read >= MAX_PROBE_BODY_BYTES) judge();
      });
      response.on('end', judge);
      response.on('error', (error: NodeJS.ErrnoException) =>
        settle({ success: false, message: clientErrorText(error) }),
      );
    });
    request.end();
  });
}

/** pkg/probe/http DoHTTPProbe's verdict on a status code. */
function judgeStatus(status: number): ProbeResult {
  if (status >= 200 && status < 300) return { success: true };
  if (status >= 300 && status < 400) {
    return {
      success: true,
      warning: true,
      message: `Probe terminated redirects, Response status code: ${status}`,
    };
  }
  return { success: false, message: `HTTP probe failed with statuscode: ${status}` };
}

/** Node's client errors in the words of Go's, which users know from kubelet events. */
function clientErrorText(error: NodeJS.ErrnoException & { reason?: unknown }): string {
  if (error.code === 'ECONNRESET' || error.message === 'socket hang up') return 'EOF';
  if (error.code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
    return 'http: server gave HTTP response to HTTPS client';
  }
  // OpenSSL's message is a line of internals; its reason is the readable part.
  if (typeof error.reason === 'string') return `tls: ${error.reason}`;
  return error.message;
}
