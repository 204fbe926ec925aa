// Authentication against real peers on 127.0.0.1: docker-registry 2.8 with
// htpasswd (Basic), and Docker's token flow (Bearer) through a token server
// and a proxy in front of a plain docker-registry.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import t from 'tap';
import {
  credentialsFile,
  loadCredentials,
  login,
  logout,
} from '../../runtime/images/credentials/index.js';
import {
  digestOf,
  RegistryError,
  registryClient,
} from '../../runtime/images/distribution/index.js';
import { MediaTypes } from '../../runtime/images/oci/media-types.js';
import { registryUnavailable, testRegistry } from '../helpers/registry.js';
import { startTokenProxy } from './registry-client-servers.js';

const unavailable = registryUnavailable();
const layer = randomBytes(2048);
const layerDescriptor = {
  mediaType: MediaTypes.ociLayerTarGzip,
  digest: digestOf(layer),
  size: layer.length,
};
const config = Buffer.from(
  '{"architecture":"wasm","os":"wasip1","rootfs":{"type":"layers","diff_ids":[]}}',
);
const manifest = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: { mediaType: MediaTypes.ociConfig, digest: digestOf(config), size: config.length },
    layers: [layerDescriptor],
  }),
);

/** Pushes the test image to `repository` and pulls its manifest back. */
async function pushAndPull(
  client: ReturnType<typeof registryClient>,
  repository: string,
): Promise<string> {
  await client.pushBlob(repository, layerDescriptor, () => Readable.from([layer]));
  await client.pushBlob(repository, { digest: digestOf(config), size: config.length }, () =>
    Readable.from([config]),
  );
  const { digest } = await client.putManifest(repository, 'v1', MediaTypes.ociManifest, manifest);
  const pulled = await client.getManifest(repository, 'v1');
  if (pulled.digest !== digest) throw new Error('pulled another manifest');
  return digest;
}

t.test('Basic auth (htpasswd)', { skip: unavailable ?? false }, async (t) => {
  const registry = await testRegistry({ auth: true });
  t.teardown(() => registry.stop());
  const credentials = registry.credentials ?? { username: 'skiff', password: 'skiff-secret' };
  const at = registry.address;
  const repo = `team/kubia-${randomBytes(3).toString('hex')}`;

  t.test('the right credentials push and pull', async (t) => {
    const client = registryClient(at, { credentials });
    await client.ping();
    t.equal(await pushAndPull(client, repo), digestOf(manifest));
    t.same(await client.listTags(repo), ['v1']);
  });

  t.test('wrong credentials: 401 with advice to check them', async (t) => {
    const client = registryClient(at, { credentials: { ...credentials, password: 'wrong' } });
    const error = await client.getManifest(repo, 'v1').catch((e: unknown) => e);
    t.type(error, RegistryError);
    t.match(error, { status: 401, failure: 'http', codes: ['UNAUTHORIZED'] });
    t.equal(
      (error as Error).message,
      `${at}/${repo}: pull manifest v1: 401 unauthorized: authentication required (check your credentials: skiff login ${at})`,
    );
  });

  t.test('no credentials: 401 telling to log in', async (t) => {
    await t.rejects(registryClient(at).getManifest(repo, 'v1'), {
      name: 'RegistryError',
      status: 401,
      message: `${at}/${repo}: pull manifest v1: 401 unauthorized: authentication required (log in first: skiff login ${at})`,
    });
    await t.rejects(registryClient(at).hasBlob(repo, layerDescriptor.digest), {
      name: 'RegistryError',
      message: `${at}/${repo}: check blob ${layerDescriptor.digest}: 401 unauthorized (log in first: skiff login ${at})`,
    });
  });

  t.test('login checks the credentials before storing them', async (t) => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'skiff-login-'));
    t.teardown(() => rm(home, { recursive: true, force: true }));
    const file = credentialsFile(home);
    await t.rejects(login(at, { ...credentials, password: 'nope' }, { file }), {
      name: 'RegistryError',
      status: 401,
      message: `${at}: check access: 401 unauthorized: authentication required (check your credentials: skiff login ${at})`,
    });
    await t.rejects(stat(file), { code: 'ENOENT' }, 'nothing stored');
    await login(at, credentials, { file });
    t.equal((await stat(file)).mode & 0o777, 0o600);
    const stored = (await loadCredentials(file)).get(at);
    t.same(stored, credentials);
    const client = registryClient(at, { credentials: stored });
    t.equal((await client.getManifest(repo, 'v1')).digest, digestOf(manifest));
    t.equal(await logout(at, file), true);
    t.equal((await loadCredentials(file)).has(at), false);
  });
});

t.test('Bearer tokens (Docker token auth)', { skip: unavailable ?? false }, async (t) => {
  const registry = await testRegistry();
  t.teardown(() => registry.stop());
  const credentials = { username: 'skiff', password: 'token-secret' };
  const auth = await startTokenProxy(registry.address, credentials);
  t.teardown(() => auth.close());
  const at = auth.registry.address;
  const repo = `team/app-${randomBytes(3).toString('hex')}`;

  t.test('challenge → token with service, scope and Basic credentials → Bearer', async (t) => {
    const client = registryClient(at, { credentials });
    t.equal(await pushAndPull(client, repo), digestOf(manifest));
    const requests = auth.tokens.requests.map((r) => new URL(r.url, 'http://token'));
    t.ok(requests.length > 0);
    for (const [i, url] of requests.entries()) {
      t.equal(url.searchParams.get('service'), auth.service);
      t.equal(url.searchParams.get('account'), 'skiff');
      t.equal(
        auth.tokens.requests[i]?.headers.authorization,
        `Basic ${Buffer.from('skiff:token-secret').toString('base64')}`,
      );
    }
    const scopes = requests.map((url) => url.searchParams.getAll('scope').join(' '));
    t.same(
      [...new Set(scopes)].sort(),
      [`repository:${repo}:pull`, `repository:${repo}:pull,push`],
      'one token per scope: pull, and pull+push (quoted commas survived)',
    );
    t.equal(scopes.length, 2, 'tokens are cached and reused');
    const authorized = auth.registry.requests.filter((r) =>
      r.headers.authorization?.startsWith('Bearer '),
    );
    t.ok(authorized.length >= 6, 'requests carried the token');
    t.equal(
      auth.registry.requests.filter((r) => !r.headers.authorization).length,
      1,
      'only the first went anonymous',
    );
  });

  t.test('access_token (OAuth2 field) and expiry: a new token once it lapses', async (t) => {
    const short = await startTokenProxy(registry.address, {
      ...credentials,
      expiresIn: 1,
      accessTokenField: true,
    });
    t.teardown(() => short.close());
    const client = registryClient(short.registry.address, { credentials });
    await client.getManifest(repo, 'v1');
    await client.getManifest(repo, 'v1');
    t.equal(short.tokens.requests.length, 1, 'reused within its lifetime');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await client.getManifest(repo, 'v1');
    t.equal(short.tokens.requests.length, 2, 'renewed after expires_in');
  });

  t.test('concurrent requests share one token fetch', async (t) => {
    const client = registryClient(at, { credentials });
    const before = auth.tokens.requests.length;
    const pulls = await Promise.all(
      Array.from({ length: 5 }, () => client.getManifest(repo, 'v1')),
    );
    t.equal(new Set(pulls.map((p) => p.digest)).size, 1);
    t.equal(auth.tokens.requests.length - before, 1);
  });

  t.test('a cross-repository mount asks for pull on the source too', async (t) => {
    const client = registryClient(at, { credentials });
    const target = `${repo}-mounted`;
    const before = auth.tokens.requests.length;
    t.equal(
      await client.pushBlob(target, layerDescriptor, () => Readable.from([]), { mountFrom: repo }),
      'mounted',
    );
    const scopes = auth.tokens.requests
      .slice(before)
      .map((r) => new URL(r.url, 'http://token').searchParams.getAll('scope').sort().join(' '));
    t.ok(
      scopes.includes(
        [`repository:${repo}:pull`, `repository:${target}:pull,push`].sort().join(' '),
      ),
      scopes.join(' | '),
    );
  });

  t.test('a wrong password: the token server says 401', async (t) => {
    const client = registryClient(at, { credentials: { ...credentials, password: 'wrong' } });
    await t.rejects(client.getManifest(repo, 'v1'), {
      name: 'RegistryError',
      status: 401,
      message: `${at}/${repo}: pull manifest v1: token server ${auth.tokens.address}: 401 unauthorized: invalid username or password (check your credentials: skiff login ${at})`,
    });
  });

  t.test('no credentials: an anonymous token is not enough', async (t) => {
    const client = registryClient(at);
    await t.rejects(client.getManifest(repo, 'v1'), {
      name: 'RegistryError',
      status: 401,
      message: `${at}/${repo}: pull manifest v1: 401 unauthorized: authentication required (log in first: skiff login ${at})`,
    });
    const anonymous = auth.tokens.requests.at(-1);
    t.equal(anonymous?.headers.authorization, undefined, 'asked anonymously');
  });

  t.test('login through the token flow', async (t) => {
    const home = await mkdtemp(path.join(os.tmpdir(), 'skiff-login-'));
    t.teardown(() => rm(home, { recursive: true, force: true }));
    const file = credentialsFile(home);
    await t.rejects(login(at, { ...credentials, password: 'wrong' }, { file }), {
      name: 'RegistryError',
      status: 401,
    });
    await login(at, credentials, { file });
    t.same((await loadCredentials(file)).get(at), credentials);
  });
});
