// A node agent's log side for tests: a real ContainerLogStore in a temp dir
// behind a real node server on 127.0.0.1 (HTTPS with a certificate of a test
// CA), the pods it "runs", and the Node object that points the API server at it.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Test } from 'tap';
import { Agent } from 'undici';
import type { Node } from '../../controlplane/api/generated/node.js';
import {
  createCaCertificate,
  createServerCertificate,
} from '../../controlplane/server/pki/certificate.js';
import type { FileContainerLogStore } from '../../runtime/agent/logs/index.js';
import { createContainerLogStore } from '../../runtime/agent/logs/index.js';
import type { NodePodInfo, NodeServerListener } from '../../runtime/agent/node-server/index.js';
import { createNodeServer } from '../../runtime/agent/node-server/index.js';

/** A node server under test, and what it serves. */
export interface TestNodeAgent {
  readonly store: FileContainerLogStore;
  readonly listener: NodeServerListener;
  /** The pods the node runs, by `namespace/name`. */
  readonly pods: Map<string, NodePodInfo>;
  /** PEM of the CA that signed the node's certificate. */
  readonly caCertificate: string;
  /** An undici dispatcher that trusts the node's certificate. */
  readonly dispatcher: Agent;
  /** A Node manifest named `name` whose addresses and kubelet port lead to this server. */
  node(name: string): Node;
  /** Stops the server (also done at teardown). */
  close(): Promise<void>;
}

/** A certificate for 127.0.0.1 and localhost, signed by a fresh CA. */
export async function testNodeCertificate(): Promise<{ ca: string; cert: string; key: string }> {
  const validity = {
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
  };
  const ca = await createCaCertificate({ commonName: 'test-node-ca', ...validity });
  const server = await createServerCertificate(ca, { commonName: 'test-node', ...validity }, [
    '127.0.0.1',
    'localhost',
  ]);
  return { ca: ca.certificate, cert: server.certificate, key: server.key };
}

/** Starts a node server with `token` for the life of `t` (HTTPS unless `tls: false`). */
export async function startTestNodeAgent(
  t: Test,
  options: { token: string; tls?: boolean; containerLogMaxSize?: number },
): Promise<TestNodeAgent> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'skiff-node-logs-'));
  const store = createContainerLogStore({
    root,
    ...(options.containerLogMaxSize ? { containerLogMaxSize: options.containerLogMaxSize } : {}),
  });
  const pods = new Map<string, NodePodInfo>();
  const certificate = options.tls === false ? undefined : await testNodeCertificate();
  const server = createNodeServer({
    logs: store,
    token: options.token,
    resolvePod: (namespace, name) => pods.get(`${namespace}/${name}`),
    graceMs: 500,
    ...(certificate ? { tls: { cert: certificate.cert, key: certificate.key } } : {}),
  });
  const listener = await server.listen({ host: '127.0.0.1', port: 0 });
  const dispatcher = new Agent({ connect: certificate ? { ca: certificate.ca } : {} });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      await listener.close();
      await dispatcher.close();
      await rm(root, { recursive: true, force: true });
    })();
    return closing;
  };
  t.teardown(close);
  return {
    store,
    listener,
    pods,
    caCertificate: certificate?.ca ?? '',
    dispatcher,
    node: (name) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name },
      status: {
        addresses: [
          { type: 'Hostname', address: name },
          { type: 'InternalIP', address: '127.0.0.1' },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: listener.port } },
      },
    }),
    close,
  };
}
