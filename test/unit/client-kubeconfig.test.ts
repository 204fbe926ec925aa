import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import {
  defaultKubeconfigPath,
  kubeconfigFiles,
  KubeconfigError,
  parseKubeconfig,
  resolveClientConfig,
} from '../../sdk/client/index.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
const CA2 = '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----';
const b64 = (text: string) => Buffer.from(text).toString('base64');

async function tempDir(t: Test): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-kubeconfig-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A one-cluster kubeconfig; `cluster` and `user` add fields to the entries. */
function kubeconfig(
  name: string,
  server: string,
  options: {
    cluster?: Record<string, unknown>;
    user?: Record<string, unknown>;
    namespace?: string;
    current?: boolean;
  } = {},
): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, ...options.cluster } }],
    users: [{ name: `${name}-admin`, user: { token: `${name}-token`, ...options.user } }],
    contexts: [
      {
        name,
        context: {
          cluster: name,
          user: `${name}-admin`,
          ...(options.namespace ? { namespace: options.namespace } : {}),
        },
      },
    ],
    ...(options.current === false ? {} : { 'current-context': name }),
  });
}

t.test('the default kubeconfig is $SKIFF_HOME/config, else ~/.skiff/config', async (t) => {
  t.equal(defaultKubeconfigPath({ SKIFF_HOME: '/srv/skiff' }), '/srv/skiff/config');
  t.equal(defaultKubeconfigPath({}), path.join(os.homedir(), '.skiff', 'config'));
  t.not(path.basename(defaultKubeconfigPath({})), 'config.json', 'not the registry credentials');
});

t.test('precedence: --kubeconfig, then $KUBECONFIG, then the default', async (t) => {
  const dir = await tempDir(t);
  const home = path.join(dir, 'home');
  await mkdir(home);
  const explicit = path.join(dir, 'explicit.yaml');
  const fromEnv = path.join(dir, 'env.yaml');
  await writeFile(explicit, kubeconfig('explicit', 'https://10.0.0.1:6443'));
  await writeFile(fromEnv, kubeconfig('env', 'https://10.0.0.2:6443'));
  await writeFile(path.join(home, 'config'), kubeconfig('home', 'https://10.0.0.3:6443'));
  const env = { SKIFF_HOME: home, KUBECONFIG: fromEnv };

  const a = await resolveClientConfig({ kubeconfig: explicit }, env);
  t.equal(a.config.server, 'https://10.0.0.1:6443');
  t.same(a.files, [explicit]);
  const b = await resolveClientConfig({}, env);
  t.equal(b.config.server, 'https://10.0.0.2:6443');
  t.equal(b.config.token, 'env-token');
  t.equal(b.context, 'env');
  const c = await resolveClientConfig({}, { SKIFF_HOME: home });
  t.equal(c.config.server, 'https://10.0.0.3:6443');
  t.equal(c.config.namespace, 'default');

  t.same(kubeconfigFiles(undefined, { SKIFF_HOME: path.join(dir, 'none') }), []);
  await t.rejects(
    resolveClientConfig({}, { SKIFF_HOME: path.join(dir, 'none') }),
    /no server to talk to: .*--server.*none\/config/,
  );
  await t.rejects(
    resolveClientConfig({ kubeconfig: path.join(dir, 'missing.yaml') }, env),
    { name: 'KubeconfigError', message: /error loading config file ".*missing\.yaml"/ },
    'an explicit --kubeconfig must exist',
  );
});

t.test(
  '$KUBECONFIG files merge as kubectl merges them: the first to set a value wins',
  async (t) => {
    const dir = await tempDir(t);
    const first = path.join(dir, 'first.yaml');
    const second = path.join(dir, 'second.yaml');
    // Both define "shared"; only the second has a current-context and "extra".
    await writeFile(
      first,
      JSON.stringify({
        clusters: [{ name: 'shared', cluster: { server: 'https://first:6443' } }],
        users: [{ name: 'u', user: { token: 'first-token' } }],
        contexts: [{ name: 'shared', context: { cluster: 'shared', user: 'u', namespace: 'one' } }],
      }),
    );
    await writeFile(
      second,
      JSON.stringify({
        clusters: [
          { name: 'shared', cluster: { server: 'https://second:6443' } },
          { name: 'extra', cluster: { server: 'https://extra:6443' } },
        ],
        users: [{ name: 'u', user: { token: 'second-token' } }],
        contexts: [
          { name: 'shared', context: { cluster: 'shared', user: 'u' } },
          { name: 'extra', context: { cluster: 'extra', user: 'u', namespace: 'two' } },
        ],
        'current-context': 'extra',
      }),
    );
    const missing = path.join(dir, 'missing.yaml');
    const env = { KUBECONFIG: [missing, first, second, '', first].join(path.delimiter) };
    t.same(
      kubeconfigFiles(undefined, env),
      [first, second],
      'missing files skipped, duplicates once',
    );

    const current = await resolveClientConfig({}, env);
    t.equal(current.context, 'extra', 'the only current-context set is used');
    t.equal(current.config.server, 'https://extra:6443');
    t.equal(current.config.token, 'first-token', 'user "u" comes from the first file');
    t.equal(current.config.namespace, 'two');

    const shared = await resolveClientConfig({ context: 'shared' }, env);
    t.equal(
      shared.config.server,
      'https://first:6443',
      'cluster "shared" comes from the first file',
    );
    t.equal(shared.config.namespace, 'one');
    const overridden = await resolveClientConfig(
      { context: 'shared', namespace: 'three', server: 'https://other:1', token: 'flag' },
      env,
    );
    t.equal(overridden.config.namespace, 'three');
    t.equal(overridden.config.server, 'https://other:1');
    t.equal(overridden.config.token, 'flag');

    await t.rejects(resolveClientConfig({ context: 'nope' }, env), {
      name: 'KubeconfigError',
      message: `context "nope" does not exist in ${first}, ${second}`,
    });
    await t.rejects(resolveClientConfig({ user: 'nobody' }, env), /user "nobody" does not exist/);
    await t.rejects(resolveClientConfig({ cluster: 'gone' }, env), /cluster "gone" does not exist/);
  },
);

t.test('relative certificate, key and token files resolve against the kubeconfig', async (t) => {
  const dir = await tempDir(t);
  await mkdir(path.join(dir, 'pki'));
  await writeFile(path.join(dir, 'pki', 'ca.crt'), CA + '\n');
  await writeFile(path.join(dir, 'pki', 'client.crt'), 'CLIENT CERT\n');
  await writeFile(path.join(dir, 'pki', 'client.key'), 'CLIENT KEY\n');
  await writeFile(path.join(dir, 'token'), 'file-token\n');
  const file = path.join(dir, 'config');
  await writeFile(
    file,
    kubeconfig('c', 'https://127.0.0.1:6443', {
      cluster: { 'certificate-authority': 'pki/ca.crt', 'tls-server-name': 'kubernetes' },
      user: {
        token: undefined,
        tokenFile: 'token',
        'client-certificate': 'pki/client.crt',
        'client-key': './pki/client.key',
      },
    }),
  );
  const cwd = process.cwd();
  process.chdir(os.tmpdir()); // the files must not be found relative to the working directory
  t.teardown(() => process.chdir(cwd));
  const { config } = await resolveClientConfig({ kubeconfig: file }, {});
  t.equal(config.token, 'file-token');
  t.same(config.tls, {
    certificateAuthority: CA,
    serverName: 'kubernetes',
    clientCertificate: 'CLIENT CERT',
    clientKey: 'CLIENT KEY',
  });

  const parsed = parseKubeconfig(
    kubeconfig('c', 'https://x', { cluster: { 'certificate-authority': 'ca.pem' } }),
    '/etc/skiff/config',
  );
  t.equal(parsed.clusters.get('c')?.certificateAuthorityFile, '/etc/skiff/ca.pem');
});

t.test('certificate-authority-data wins over the file; data fields are base64', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, 'config');
  await writeFile(
    file,
    kubeconfig('c', 'https://127.0.0.1:6443', {
      cluster: { 'certificate-authority-data': b64(CA), 'certificate-authority': 'missing.crt' },
      user: { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') },
    }),
  );
  const { config } = await resolveClientConfig({ kubeconfig: file }, {});
  t.same(config.tls, { certificateAuthority: CA, clientCertificate: 'CERT', clientKey: 'KEY' });

  t.throws(
    () =>
      parseKubeconfig(
        kubeconfig('c', 'https://x', { cluster: { 'certificate-authority-data': CA } }),
        '/k/config',
      ),
    { message: /"\/k\/config": certificate-authority-data of "c" is not base64/ },
  );
});

t.test(
  "TLS overrides follow client-go: a CA or insecure flag replaces the kubeconfig's",
  async (t) => {
    const dir = await tempDir(t);
    const file = path.join(dir, 'config');
    const flagCa = path.join(dir, 'flag-ca.pem');
    await writeFile(flagCa, CA2);
    await writeFile(
      file,
      kubeconfig('c', 'https://127.0.0.1:6443', {
        cluster: { 'certificate-authority-data': b64(CA), 'tls-server-name': 'kubernetes' },
      }),
    );
    const insecure = await resolveClientConfig(
      { kubeconfig: file, insecureSkipTlsVerify: true },
      {},
    );
    t.same(insecure.config.tls, { insecureSkipTlsVerify: true, serverName: 'kubernetes' });
    const withCa = await resolveClientConfig(
      { kubeconfig: file, certificateAuthority: flagCa },
      {},
    );
    t.equal(withCa.config.tls?.certificateAuthority, CA2);
    const otherServer = await resolveClientConfig(
      { kubeconfig: file, server: 'https://10.1.1.1' },
      {},
    );
    t.equal(otherServer.config.tls?.serverName, undefined, '--server drops tls-server-name');
    const named = await resolveClientConfig({ kubeconfig: file, tlsServerName: 'api.local' }, {});
    t.equal(named.config.tls?.serverName, 'api.local');

    await writeFile(
      file,
      kubeconfig('c', 'https://127.0.0.1:6443', {
        cluster: { 'certificate-authority-data': b64(CA), 'insecure-skip-tls-verify': true },
      }),
    );
    await t.rejects(resolveClientConfig({ kubeconfig: file }, {}), {
      message: 'specifying a root certificates file with the insecure flag is not allowed',
    });
    await t.rejects(
      resolveClientConfig(
        { kubeconfig: file, certificateAuthority: path.join(dir, 'nope.pem') },
        {},
      ),
      /unable to read --certificate-authority: ENOENT/,
    );
  },
);

t.test('certificate problems name the cluster or user and the file', async (t) => {
  const dir = await tempDir(t);
  const file = path.join(dir, 'config');
  await writeFile(
    file,
    kubeconfig('prod', 'https://127.0.0.1:6443', {
      cluster: { 'certificate-authority': 'nowhere/ca.crt' },
    }),
  );
  await t.rejects(resolveClientConfig({ kubeconfig: file }, {}), {
    name: 'KubeconfigError',
    message: new RegExp(
      `unable to read certificate-authority of cluster "prod" \\(${file}\\): ENOENT.*nowhere/ca\\.crt`,
    ),
  });
  await writeFile(
    file,
    kubeconfig('prod', 'https://x', { user: { 'client-certificate-data': b64('C') } }),
  );
  await t.rejects(resolveClientConfig({ kubeconfig: file }, {}), {
    message: new RegExp(
      `client-key-data or client-key must be specified for user "prod-admin" \\(${file}\\)`,
    ),
  });
  await writeFile(path.join(dir, 'not-pem'), 'hello');
  await writeFile(
    file,
    kubeconfig('prod', 'https://x', { cluster: { 'certificate-authority': 'not-pem' } }),
  );
  await t.rejects(resolveClientConfig({ kubeconfig: file }, {}), /no PEM certificate in it/);
  await writeFile(file, 'clusters: {}\n');
  await t.rejects(resolveClientConfig({ kubeconfig: file }, {}), {
    message: `error loading config file "${file}": clusters must be a list`,
  });
  await writeFile(file, 'clusters: [\n');
  await t.rejects(resolveClientConfig({ kubeconfig: file }, {}), KubeconfigError);
});

t.test('a server without a scheme is https when TLS is configured, as in kubectl', async (t) => {
  const plain = await resolveClientConfig(
    { server: '127.0.0.1:6443' },
    { SKIFF_HOME: '/nonexistent' },
  );
  t.equal(plain.config.server, 'http://127.0.0.1:6443');
  t.equal(plain.config.token, undefined);
  t.same(plain.files, []);
  const secure = await resolveClientConfig(
    { server: '127.0.0.1:6443', insecureSkipTlsVerify: true, timeoutMs: 5000 },
    { SKIFF_HOME: '/nonexistent' },
  );
  t.equal(secure.config.server, 'https://127.0.0.1:6443');
  t.equal(secure.config.timeoutMs, 5000);
});
