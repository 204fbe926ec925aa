// sdk/client over HTTPS against a Node https server on 127.0.0.1 with a
// self-signed certificate made here with openssl: trusted through the
// kubeconfig's certificate-authority-data, refused without it, accepted with
// insecure-skip-tls-verify, checked against tls-server-name; the bearer token
// and a client certificate are sent; a watch streams over TLS; plain http
// still works.

import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import t from 'tap';
import { resourceTypeByName } from '../../controlplane/api/resources.js';
import type { KubeObject, WatchEvent } from '../../controlplane/api/types.js';
import {
  ConnectionError,
  createClient,
  resolveClientConfig,
  type ClientConfig,
  type HttpClusterApi,
} from '../../sdk/client/index.js';

const pods = resourceTypeByName('pods');
if (!pods) throw new Error('no pods type');

/** What the server saw of one request. */
interface Seen {
  readonly url: string;
  readonly authorization?: string;
  readonly clientCertificate?: string;
}

const pod = (name: string, resourceVersion: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default', resourceVersion },
});

/** A self-signed certificate for 127.0.0.1 and skiff.test, and its key (PEM). */
function selfSigned(dir: string, name: string, subject: string, altNames: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      subject,
      '-addext',
      `subjectAltName=${altNames}`,
      '-days',
      '1',
      '-keyout',
      path.join(dir, `${name}.key`),
      '-out',
      path.join(dir, `${name}.crt`),
    ],
    { stdio: 'ignore' },
  );
}

/** Answers like an API server: one pod by name, and a watch that sends two events, then a third. */
function handler(seen: Seen[]): http.RequestListener {
  return (request, response) => {
    const socket = request.socket as Partial<TLSSocket>;
    const peer = socket.getPeerCertificate?.();
    seen.push({
      url: request.url ?? '',
      authorization: request.headers.authorization,
      clientCertificate: peer?.subject ? String(peer.subject.CN) : undefined,
    });
    const url = new URL(request.url ?? '/', 'https://x');
    if (url.pathname === '/api/v1/namespaces/default/pods/x') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(pod('x', '5')));
    } else if (
      url.pathname === '/api/v1/namespaces/default/pods' &&
      url.searchParams.get('watch')
    ) {
      response.writeHead(200, {
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
      });
      const line = (event: WatchEvent) => JSON.stringify(event) + '\n';
      // The first event split mid-line, as TLS records may split it.
      const first = line({ type: 'ADDED', object: pod('a', '6') });
      response.write(first.slice(0, 10));
      setTimeout(
        () => response.write(first.slice(10) + line({ type: 'MODIFIED', object: pod('a', '7') })),
        50,
      );
      setTimeout(() => response.write(line({ type: 'DELETED', object: pod('a', '8') })), 300);
      // The watch then stays open until the client goes away.
    } else {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'NotFound',
          code: 404,
          message: `pods "${url.pathname.split('/').pop()}" not found`,
        }),
      );
    }
  };
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

t.test('the client over TLS', async (t) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-client-tls-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  selfSigned(dir, 'server', '/CN=127.0.0.1', 'IP:127.0.0.1,DNS:skiff.test');
  selfSigned(dir, 'client', '/CN=skiff-admin', 'DNS:skiff-admin');
  const [serverCert, serverKey, clientCert, clientKey] = await Promise.all(
    ['server.crt', 'server.key', 'client.crt', 'client.key'].map((file) =>
      readFile(path.join(dir, file), 'utf8'),
    ),
  );
  const seen: Seen[] = [];
  // Client certificates are asked for, not required: requests without one still pass.
  const server = https.createServer(
    {
      cert: serverCert,
      key: serverKey,
      ca: clientCert,
      requestCert: true,
      rejectUnauthorized: false,
    },
    handler(seen),
  );
  const port = await listen(server);
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const url = `https://127.0.0.1:${port}`;
  const clients: HttpClusterApi[] = [];
  const client = (config: ClientConfig) => {
    const api = createClient(config);
    clients.push(api);
    return api;
  };
  t.teardown(() => Promise.all(clients.map((api) => api.close())));

  const kubeconfig = path.join(dir, 'config');
  await writeFile(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'skiff',
          cluster: {
            server: url,
            'certificate-authority-data': Buffer.from(serverCert ?? '').toString('base64'),
          },
        },
      ],
      users: [{ name: 'admin', user: { token: 'sekret-token' } }],
      contexts: [{ name: 'skiff', context: { cluster: 'skiff', user: 'admin' } }],
      'current-context': 'skiff',
    }),
  );
  const resolved = await resolveClientConfig({ kubeconfig }, {});

  await t.test('the kubeconfig CA is trusted and the bearer token sent', async (t) => {
    const got = await client(resolved.config).resource(pods).get('x');
    t.same(got, pod('x', '5'));
    t.equal(seen.at(-1)?.authorization, 'Bearer sekret-token');
    t.equal(seen.at(-1)?.clientCertificate, undefined, 'no client certificate unless configured');
    await t.rejects(client(resolved.config).resource(pods).get('y'), {
      name: 'ApiError',
      code: 404,
      message: 'pods "y" not found',
    });
  });

  await t.test('without the CA the certificate is refused, saying what to do', async (t) => {
    const before = seen.length;
    const error = await client({ server: url, token: 'sekret-token' })
      .resource(pods)
      .get('x')
      .catch((e: unknown) => e);
    t.ok(error instanceof ConnectionError, 'a ConnectionError, not an answer');
    t.match(
      (error as Error).message,
      /^Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority .*certificate-authority-data/,
    );
    t.equal(seen.length, before, 'nothing, the token least of all, reached the server');
  });

  await t.test('insecure-skip-tls-verify accepts the certificate', async (t) => {
    const api = client({ server: url, token: 't2', tls: { insecureSkipTlsVerify: true } });
    t.equal((await api.resource(pods).get('x')).metadata.name, 'x');
    t.equal(seen.at(-1)?.authorization, 'Bearer t2');
    const flags = await resolveClientConfig({ kubeconfig, insecureSkipTlsVerify: true }, {});
    t.same(
      flags.config.tls,
      { insecureSkipTlsVerify: true },
      'the flag replaces the kubeconfig CA',
    );
    t.equal((await client(flags.config).resource(pods).get('x')).metadata.name, 'x');
  });

  await t.test('tls-server-name is the name checked', async (t) => {
    const ca = resolved.config.tls?.certificateAuthority;
    const named = client({
      server: url,
      tls: { certificateAuthority: ca, serverName: 'skiff.test' },
    });
    t.equal((await named.resource(pods).get('x')).metadata.name, 'x');
    const wrong = client({
      server: url,
      tls: { certificateAuthority: ca, serverName: 'other.test' },
    });
    await t.rejects(wrong.resource(pods).get('x'), {
      name: 'ConnectionError',
      message: /x509: .*other\.test.*tls-server-name/,
    });
    const byHost = client({
      server: `https://localhost:${port}`,
      tls: { certificateAuthority: ca },
    });
    await t.rejects(byHost.resource(pods).get('x'), /localhost/);
  });

  await t.test('a client certificate from the kubeconfig is presented', async (t) => {
    const withCert = path.join(dir, 'with-cert');
    await writeFile(path.join(dir, 'client.pem'), clientCert ?? '');
    await writeFile(path.join(dir, 'client-key.pem'), clientKey ?? '');
    await writeFile(
      withCert,
      (await readFile(kubeconfig, 'utf8')).replace(
        '"user":{"token":"sekret-token"}',
        '"user":{"client-certificate":"client.pem","client-key":"client-key.pem"}',
      ),
    );
    const config = (await resolveClientConfig({ kubeconfig: withCert }, {})).config;
    t.ok(config.tls?.clientCertificate);
    t.equal(config.token, undefined);
    await client(config).resource(pods).get('x');
    t.equal(seen.at(-1)?.clientCertificate, 'skiff-admin');
    t.equal(seen.at(-1)?.authorization, undefined);
  });

  await t.test('a watch streams over TLS until the caller stops it', async (t) => {
    const api = client(resolved.config);
    const controller = new AbortController();
    const events: string[] = [];
    for await (const event of api
      .resource(pods)
      .watch({ namespace: 'default', resourceVersion: '5' }, controller.signal)) {
      events.push(`${event.type} ${(event.object as KubeObject).metadata.resourceVersion}`);
      if (events.length === 3) controller.abort();
    }
    t.same(events, ['ADDED 6', 'MODIFIED 7', 'DELETED 8']);
    const watched = new URL(seen.at(-1)?.url ?? '', 'https://x');
    t.equal(watched.pathname, '/api/v1/namespaces/default/pods');
    t.equal(watched.searchParams.get('watch'), '1');
    t.equal(watched.searchParams.get('resourceVersion'), '5');
    t.equal(seen.at(-1)?.authorization, 'Bearer sekret-token');

    // A consumer that stops iterating closes the stream as well.
    const again = api.resource(pods).watch({ namespace: 'default' }, new AbortController().signal);
    for await (const event of again) {
      t.equal(event.type, 'ADDED');
      break;
    }
  });
});

t.test('plain http still works', async (t) => {
  const seen: Seen[] = [];
  const server = http.createServer(handler(seen));
  const port = await listen(server);
  t.teardown(() => {
    server.closeAllConnections();
    server.close();
  });
  const config = (await resolveClientConfig({ server: `127.0.0.1:${port}`, token: 'plain' }, {}))
    .config;
  t.equal(config.server, `http://127.0.0.1:${port}`);
  const api = createClient(config);
  t.teardown(() => api.close());
  t.equal((await api.resource(pods).get('x')).metadata.name, 'x');
  t.equal(seen.at(-1)?.authorization, 'Bearer plain');
  const tlsToPlain = createClient({
    server: `https://127.0.0.1:${port}`,
    tls: { insecureSkipTlsVerify: true },
  });
  t.teardown(() => tlsToPlain.close());
  await t.rejects(tlsToPlain.resource(pods).get('x'), {
    name: 'ConnectionError',
    message: 'Unable to connect to the server: http: server gave HTTP response to HTTPS client',
  });
});
