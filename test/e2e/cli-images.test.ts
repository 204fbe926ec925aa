// Images end to end, through the skiff CLI, against real peers: Debian's
// docker-registry (plain and with basic auth), skopeo, and `skiff registry`.

import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { imageIndex, rootfsImage, tarOf, wasmArtifact } from '../fixtures/images/image-builder.js';
import { finished, skiff, startSkiff, stderrMatching } from '../helpers/cli.js';
import { freePort } from '../helpers/free-port.js';
import { layoutBlobs, skopeo, skopeoUnavailable, writeLayout } from '../helpers/oci-layout.js';
import { busyboxWasm } from '../helpers/paths.js';
import { registryUnavailable, testRegistry } from '../helpers/registry.js';

/** Starts `skiff registry` on a free port for the test; returns the port. */
async function skiffRegistry(t: Test, dataDir: string): Promise<number> {
  const port = await freePort();
  const server = startSkiff(['registry', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`]);
  const stopped = finished(server);
  t.teardown(async () => {
    server.kill('SIGTERM');
    await stopped;
  });
  await stderrMatching(server, /serving/);
  return port;
}

const skip = registryUnavailable() ?? skopeoUnavailable();
if (skip) {
  t.plan(0, skip);
} else {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'skiff-images-'));
  t.teardown(() => rm(scratch, { recursive: true, force: true }));
  const registry = await testRegistry();
  t.teardown(() => registry.stop());
  const reg = registry.address;
  const busybox = await readFile(busyboxWasm);
  let homes = 0;
  /** A fresh SKIFF_HOME (its own image store and credentials). */
  const home = async () => {
    const dir = path.join(scratch, `home-${homes++}`);
    return { SKIFF_HOME: dir };
  };
  const push = (layout: string, tag: string, target: string) =>
    skopeo('copy', '--dest-tls-verify=false', `oci:${layout}:${tag}`, `docker://${target}`);

  const busyboxLayer = await tarOf([{ name: 'bin/busybox.wasm', content: busybox }]);
  const motdLayer = await tarOf([
    { name: 'etc/motd', content: Buffer.from('hello from a layer\n') },
  ]);
  const rootfs = rootfsImage({
    layers: [busyboxLayer, motdLayer],
    entrypoint: ['/bin/busybox.wasm'],
    cmd: ['echo', 'from a wasi/wasm image'],
    env: ['GREETING=layered'],
  });
  const artifact = wasmArtifact(busybox);
  const linux = rootfsImage({
    layers: [await tarOf([{ name: 'bin/sh', content: Buffer.from('#!') }])],
    os: 'linux',
    architecture: 'amd64',
  });
  const layout = path.join(scratch, 'layout');
  await writeLayout(layout, [
    { tag: 'rootfs', image: rootfs },
    { tag: 'artifact', image: artifact },
    {
      tag: 'multi',
      index: imageIndex([
        { blobs: linux, os: 'linux', architecture: 'amd64' },
        { blobs: rootfs, os: 'wasi', architecture: 'wasm' },
      ]),
      images: [linux, rootfs],
    },
    {
      tag: 'linux-only',
      index: imageIndex([{ blobs: linux, os: 'linux', architecture: 'amd64' }]),
      images: [linux],
    },
  ]);
  await push(layout, 'rootfs', `${reg}/e2e/busybox:rootfs`);
  await push(layout, 'artifact', `${reg}/e2e/busybox:artifact`);
  await skopeo(
    'copy',
    '--all',
    '--dest-tls-verify=false',
    `oci:${layout}:multi`,
    `docker://${reg}/e2e/busybox:multi`,
  );
  await skopeo(
    'copy',
    '--all',
    '--dest-tls-verify=false',
    `oci:${layout}:linux-only`,
    `docker://${reg}/e2e/linux:v1`,
  );

  t.test(
    'skopeo pushes an artifact and a wasi/wasm image; skiff pulls and runs them',
    async (t) => {
      const env = await home();
      const pulled = await skiff(['pull', `${reg}/e2e/busybox:artifact`], { env });
      t.equal(pulled.code, 0, pulled.stderr);
      t.match(pulled.stderr, /Pull complete/);
      t.equal(
        (await skiff(['run', `${reg}/e2e/busybox:artifact`, 'echo', 'artifact ran'], { env }))
          .stdout,
        'artifact ran\n',
      );
      // Not pulled yet: run pulls it, then runs its Entrypoint + Cmd with the image's env.
      const ran = await skiff(['run', `${reg}/e2e/busybox:rootfs`], { env });
      t.equal(ran.code, 0, ran.stderr);
      t.equal(ran.stdout, 'from a wasi/wasm image\n');
      t.match(ran.stderr, /Pulling from/);
      const env2 = await skiff(['run', `${reg}/e2e/busybox:rootfs`, 'env'], { env });
      t.match(env2.stdout, /GREETING=layered/);
      t.equal(
        (await skiff(['run', `${reg}/e2e/busybox:rootfs`, 'cat', '/etc/motd'], { env })).stdout,
        'hello from a layer\n',
      );
      t.match(
        (await skiff(['images'], { env })).stdout,
        /^REPOSITORY\s+TAG\s+DIGEST\s+SIZE\s+CREATED\n/,
      );
      const list = await skiff(['images', '-o', 'wide'], { env });
      t.match(list.stdout, /^REPOSITORY\s+TAG\s+DIGEST\s+SIZE\s+CREATED\s+PLATFORM\s+KIND\n/);
      t.match(
        list.stdout,
        new RegExp(`${reg}/e2e/busybox\\s+rootfs\\s+[0-9a-f]{12}\\s.*wasi/wasm\\s+wasm-rootfs`),
      );
      t.match(
        list.stdout,
        new RegExp(
          `${reg}/e2e/busybox\\s+artifact\\s+[0-9a-f]{12}\\s.*wasip1/wasm\\s+wasm-artifact`,
        ),
      );
    },
  );

  t.test('re-pulling transfers nothing; a second image fetches only its new layer', async (t) => {
    const env = await home();
    await skiff(['pull', `${reg}/e2e/busybox:rootfs`], { env });
    const again = await skiff(['pull', `${reg}/e2e/busybox:rootfs`], { env });
    t.notMatch(again.stderr, /Pulling layer/);
    t.match(again.stderr, /Already exists/);
    const more = rootfsImage({
      layers: [
        busyboxLayer,
        motdLayer,
        await tarOf([{ name: 'etc/extra', content: Buffer.from('one more\n') }]),
      ],
      entrypoint: ['/bin/busybox.wasm'],
    });
    const layout2 = path.join(scratch, 'layout2');
    await writeLayout(layout2, [{ tag: 'v2', image: more }]);
    await push(layout2, 'v2', `${reg}/e2e/busybox:v2`);
    const second = await skiff(['pull', `${reg}/e2e/busybox:v2`], { env });
    t.equal(
      (second.stderr.match(/Pulling layer/g) ?? []).length,
      1,
      'only the new layer is downloaded',
    );
    t.equal((second.stderr.match(/Already exists/g) ?? []).length, 2);
  });

  t.test(
    'an index: the wasi/wasm image is picked; a linux-only one is kept for Docker, and says so',
    async (t) => {
      const env = await home();
      const multi = await skiff(['run', `${reg}/e2e/busybox:multi`], { env });
      t.equal(multi.stdout, 'from a wasi/wasm image\n');
      const pulled = await skiff(['pull', `${reg}/e2e/linux:v1`], { env });
      t.equal(pulled.code, 0);
      t.match(
        pulled.stderr,
        /has no wasi\/wasm image .*keeping linux\/amd64 for the Docker runtime/,
      );
      const ran = await skiff(['run', `${reg}/e2e/linux:v1`], { env });
      t.equal(ran.code, 125);
      t.match(ran.stderr, /linux\/amd64 image: it needs the Docker runtime/);
    },
  );

  t.test('skiff builds and pushes; skopeo copies it back byte for byte', async (t) => {
    const env = await home();
    const context = await mkdtemp(path.join(scratch, 'context-'));
    await writeFile(path.join(context, 'busybox.wasm'), busybox);
    await writeFile(
      path.join(context, 'Dockerfile'),
      'FROM scratch\nCOPY busybox.wasm /bin/\nENTRYPOINT ["/bin/busybox.wasm"]\nCMD ["echo", "built here"]\n',
    );
    const built = await skiff(['build', '-t', `${reg}/e2e/built:v1`, context], { env });
    t.equal(built.code, 0, built.stderr);
    t.equal((await skiff(['run', `${reg}/e2e/built:v1`], { env })).stdout, 'built here\n');
    const pushed = await skiff(['push', `${reg}/e2e/built:v1`], { env });
    t.equal(pushed.code, 0, pushed.stderr);
    const saved = path.join(scratch, 'saved');
    t.equal((await skiff(['save', '-o', saved, `${reg}/e2e/built:v1`], { env })).code, 0);
    const copied = path.join(scratch, 'copied');
    await skopeo(
      'copy',
      '--src-tls-verify=false',
      '--preserve-digests',
      `docker://${reg}/e2e/built:v1`,
      `oci:${copied}:v1`,
    );
    const ours = await layoutBlobs(saved);
    const theirs = await layoutBlobs(copied);
    t.same([...theirs.keys()].sort(), [...ours.keys()].sort(), 'same blobs');
    for (const [digest, bytes] of theirs) t.same(bytes, ours.get(digest), `${digest} identical`);
  });

  t.test('skopeo pushes into skiff registry and pulls back out', async (t) => {
    const data = path.join(scratch, 'skiff-registry');
    const port = await skiffRegistry(t, data);
    await push(layout, 'rootfs', `127.0.0.1:${port}/team/app:v1`);
    const out = path.join(scratch, 'out');
    await skopeo(
      'copy',
      '--src-tls-verify=false',
      `docker://127.0.0.1:${port}/team/app:v1`,
      `oci:${out}:v1`,
    );
    const original = await layoutBlobs(layout);
    for (const [digest, bytes] of await layoutBlobs(out))
      t.same(bytes, original.get(digest), `${digest} round trip`);
    const env = await home();
    t.equal(
      (await skiff(['run', `127.0.0.1:${port}/team/app:v1`], { env })).stdout,
      'from a wasi/wasm image\n',
    );
  });

  t.test('credentials: 401 is reported clearly; skiff login makes it work', async (t) => {
    const secured = await testRegistry({ auth: true });
    t.teardown(() => secured.stop());
    const env = await home();
    const anonymous = await skiff(['pull', `${secured.address}/e2e/busybox:artifact`], { env });
    t.equal(anonymous.code, 1);
    t.match(anonymous.stderr, /401.*skiff login/);
    t.equal(
      anonymous.stderr.trim().split('\n').at(-1)?.startsWith('skiff: '),
      true,
      'one clear error line',
    );
    const wrong = await skiff(['login', secured.address, '-u', 'skiff', '--password-stdin'], {
      env,
      input: 'wrong\n',
    });
    t.equal(wrong.code, 1);
    t.match(wrong.stderr, /401.*check your credentials/);
    const { username = '', password = '' } = secured.credentials ?? {};
    const right = await skiff(['login', secured.address, '-u', username, '--password-stdin'], {
      env,
      input: `${password}\n`,
    });
    t.equal(right.code, 0, right.stderr);
    t.match(right.stdout, /Login Succeeded/);
    await skopeo(
      'copy',
      '--dest-tls-verify=false',
      `--dest-creds=${username}:${password}`,
      `oci:${layout}:artifact`,
      `docker://${secured.address}/e2e/busybox:artifact`,
    );
    const pulled = await skiff(['pull', `${secured.address}/e2e/busybox:artifact`], { env });
    t.equal(pulled.code, 0, pulled.stderr);
    t.equal((await skiff(['logout', secured.address], { env })).code, 0);
  });

  t.test('a corrupted blob: a digest error, and nothing stored', async (t) => {
    const data = path.join(scratch, 'corrupt-registry');
    const port = await skiffRegistry(t, data);
    await push(layout, 'rootfs', `127.0.0.1:${port}/team/app:v1`);
    const layer =
      rootfs.manifest.toString().match(/"digest":"(sha256:[0-9a-f]{64})","size":\d+}\]/)?.[1] ?? '';
    const file = path.join(data, 'blobs', 'sha256', layer.slice(7));
    const bytes = await readFile(file);
    bytes[bytes.length - 10] ^= 0xff;
    await writeFile(file, bytes);
    const env = await home();
    const pulled = await skiff(['pull', `127.0.0.1:${port}/team/app:v1`], { env });
    t.equal(pulled.code, 1);
    t.match(pulled.stderr, /digest mismatch/);
    t.equal((await skiff(['images', '-q'], { env })).stdout, '', 'no image recorded');
    const blobs = await readdir(path.join(env.SKIFF_HOME, 'images', 'blobs', 'sha256')).catch(
      () => [],
    );
    t.same(blobs, [], 'no blob kept');
  });

  t.test('a layer with ../ entries is rejected, and nothing stored', async (t) => {
    const evil = rootfsImage({
      layers: [
        await tarOf([
          { name: 'bin/busybox.wasm', content: busybox },
          { name: '../../escaped.txt', content: Buffer.from('x') },
        ]),
      ],
      entrypoint: ['/bin/busybox.wasm'],
    });
    const evilLayout = path.join(scratch, 'evil');
    await writeLayout(evilLayout, [{ tag: 'v1', image: evil }]);
    await push(evilLayout, 'v1', `${reg}/e2e/evil:v1`);
    const env = await home();
    const pulled = await skiff(['pull', `${reg}/e2e/evil:v1`], { env });
    t.equal(pulled.code, 1);
    t.match(pulled.stderr, /\.\.\/\.\.\/escaped\.txt/);
    t.equal((await skiff(['images', '-q'], { env })).stdout, '');
    const blobs = await readdir(path.join(env.SKIFF_HOME, 'images', 'blobs', 'sha256')).catch(
      () => [],
    );
    t.same(blobs, []);
  });

  t.test('tag, rmi, prune, save and load', async (t) => {
    const env = await home();
    await skiff(['pull', `${reg}/e2e/busybox:artifact`], { env });
    t.equal(
      (await skiff(['tag', `${reg}/e2e/busybox:artifact`, 'local/copy:v1'], { env })).code,
      0,
    );
    const archive = path.join(scratch, 'images.tar');
    t.equal((await skiff(['save', '-o', archive, 'local/copy:v1'], { env })).code, 0);
    t.equal(
      (await skiff(['rmi', 'local/copy:v1', `${reg}/e2e/busybox:artifact`], { env })).code,
      0,
    );
    const pruned = await skiff(['images', 'prune'], { env });
    t.match(pruned.stdout, /Total reclaimed space: \d+(\.\d+)?kB/);
    t.equal((await skiff(['images', '-q'], { env })).stdout, '');
    const loaded = await skiff(['load', '-i', archive], { env });
    t.match(loaded.stdout, /Loaded image: docker\.io\/local\/copy:v1/);
    t.equal(
      (await skiff(['run', '--pull', 'never', 'local/copy:v1', 'echo', 'loaded'], { env })).stdout,
      'loaded\n',
    );
    t.equal((await skiff(['run', '--pull', 'never', 'nothing/here:v1'], { env })).code, 125);
  });
}
