// Safe layer unpacking with real tar archives (tar-stream, gzip, GNU tar):
// every escape attempt is refused with the layer digest and the entry named,
// nothing is left behind, whiteouts and diff_ids work.

import { execFile } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';
import type { Test } from 'tap';
import {
  InvalidImageError,
  UnsafeLayerError,
} from '../../runtime/images/store/image-store-types.js';
import { unpackRootfs } from '../../runtime/images/store/layers/unpack-rootfs.js';
import type { LayerToApply } from '../../runtime/images/store/layers/unpack-rootfs.js';
import type { TarEntry } from '../fixtures/images/image-builder.js';
import { gzip, sha256, tarOf } from '../fixtures/images/image-builder.js';

const run = promisify(execFile);

interface Setup {
  readonly dir: string;
  readonly rootfsDir: string;
  /** Writes `layers` as blob files and unpacks them into `<rootfsDir>/image`. */
  unpack(layers: readonly Buffer[], diffIds?: readonly string[]): Promise<string>;
  layer(bytes: Buffer): Promise<LayerToApply>;
}

async function setup(t: Test): Promise<Setup> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-unpack-'));
  t.teardown(() => run('rm', ['-rf', dir]).then(() => undefined));
  const rootfsDir = path.join(dir, 'rootfs');
  const layer = async (bytes: Buffer): Promise<LayerToApply> => {
    const digest = sha256(bytes);
    const file = path.join(dir, digest.slice(7));
    await writeFile(file, bytes);
    return { digest, file };
  };
  return {
    dir,
    rootfsDir,
    layer,
    async unpack(layers, diffIds) {
      const prepared = await Promise.all(layers.map(layer));
      const withIds = prepared.map((l, i) => {
        const diffId = diffIds?.[i];
        return diffId === undefined ? l : { ...l, diffId };
      });
      const { root } = await unpackRootfs(rootfsDir, 'image', withIds, async () => undefined);
      return root;
    },
  };
}

/** Asserts `entries` are refused as unsafe, naming the layer and `entry`, and nothing remains. */
async function refused(t: Test, entries: TarEntry[], entry: string, why: RegExp): Promise<void> {
  const s = await setup(t);
  const bytes = await tarOf(entries);
  const digest = sha256(bytes);
  await t.rejects(s.unpack([bytes]), { constructor: UnsafeLayerError, message: why });
  await t.rejects(s.unpack([bytes]), {
    message: new RegExp(`layer ${digest}: entry "${entry.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`),
  });
  t.same(await readdir(s.rootfsDir), [], 'no rootfs, not even a temp directory, is left');
}

t.test('entries with ".." or absolute paths are refused', async (t) => {
  await refused(t, [{ name: '../x', content: 'x' }], '../x', /\.\./);
  await refused(t, [{ name: 'a/../../x', content: 'x' }], 'a/../../x', /\.\./);
  await refused(t, [{ name: 'a/../b', content: 'x' }], 'a/../b', /\.\./);
  await refused(t, [{ name: '/etc/x', content: 'x' }], '/etc/x', /absolute/);
});

t.test('symlinks that leave the rootfs are refused; absolute ones stay inside', async (t) => {
  await refused(
    t,
    [
      { name: 'a', type: 'directory' },
      { name: 'a/up', type: 'symlink', linkname: '../../..' },
    ],
    'a/up',
    /leaves the root filesystem/,
  );
  await refused(t, [{ name: 'up', type: 'symlink', linkname: '..' }], 'up', /leaves/);
  const s = await setup(t);
  const root = await s.unpack([
    await tarOf([
      { name: 'usr/lib/x', content: 'lib' },
      { name: 'lib', type: 'symlink', linkname: '/usr/lib' },
      { name: 'usr/self', type: 'symlink', linkname: '../usr/./lib/../lib' },
    ]),
  ]);
  t.equal(await readlink(path.join(root, 'lib')), '/usr/lib', 'kept as written (chroot-style)');
  t.equal(await readlink(path.join(root, 'usr/self')), '../usr/./lib/../lib');
});

t.test('an entry going through a symlink made earlier is refused', async (t) => {
  await refused(
    t,
    [
      { name: 'real', type: 'directory' },
      { name: 'a', type: 'symlink', linkname: 'real' },
      { name: 'a/x', content: 'through the link' },
    ],
    'a/x',
    /through the symlink "a"/,
  );
  // Even a link that is itself allowed (absolute, resolved inside) must not be written through:
  // the host would follow it to the host's /tmp.
  await refused(
    t,
    [
      { name: 'tmp', type: 'symlink', linkname: '/tmp' },
      { name: 'tmp/evil', content: 'x' },
    ],
    'tmp/evil',
    /through the symlink/,
  );
});

t.test('a symlink from a lower layer is replaced, never written through', async (t) => {
  const s = await setup(t);
  const victim = path.join(s.dir, 'victim');
  await writeFile(victim, 'untouched');
  const root = await s.unpack([
    await tarOf([{ name: 'f', type: 'symlink', linkname: victim }]),
    await tarOf([{ name: 'f', content: 'new content' }]),
  ]);
  t.equal(await readFile(victim, 'utf8'), 'untouched');
  t.ok((await lstat(path.join(root, 'f'))).isFile());
  t.equal(await readFile(path.join(root, 'f'), 'utf8'), 'new content');
});

t.test('hard links must name a regular file already extracted inside the rootfs', async (t) => {
  await refused(t, [{ name: 'h', type: 'link', linkname: '../../etc/passwd' }], 'h', /outside/);
  await refused(t, [{ name: 'h', type: 'link', linkname: '/etc/passwd' }], 'h', /outside/);
  await refused(
    t,
    [
      { name: 'h', type: 'link', linkname: 'later' },
      { name: 'later', content: 'x' },
    ],
    'h',
    /not extracted/,
  );
  await refused(
    t,
    [
      { name: 'd', type: 'directory' },
      { name: 'h', type: 'link', linkname: 'd' },
    ],
    'h',
    /not a regular file/,
  );
  const s = await setup(t);
  const root = await s.unpack([
    await tarOf([
      { name: 'bin/file', content: 'shared' },
      { name: 'bin/alias', type: 'link', linkname: 'bin/file' },
    ]),
  ]);
  const [a, b] = await Promise.all([
    lstat(path.join(root, 'bin/file')),
    lstat(path.join(root, 'bin/alias')),
  ]);
  t.equal(a.ino, b.ino, 'one inode');
});

t.test('device nodes and FIFOs are refused', async (t) => {
  await refused(
    t,
    [{ name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3 }],
    'dev/null',
    /character-device entries are not allowed/,
  );
  await refused(
    t,
    [{ name: 'dev/sda', type: 'block-device', devmajor: 8, devminor: 0 }],
    'dev/sda',
    /block-device/,
  );
  await refused(t, [{ name: 'pipe', type: 'fifo' }], 'pipe', /fifo/);
});

t.test('setuid and setgid bits are dropped; the owner can always read', async (t) => {
  const s = await setup(t);
  const root = await s.unpack([
    await tarOf([
      { name: 'suid', content: 'x', mode: 0o4755 },
      { name: 'sgid', content: 'x', mode: 0o2750 },
      { name: 'secret', content: 'x', mode: 0o200 },
      { name: 'dir', type: 'directory', mode: 0o3775 },
    ]),
  ]);
  const mode = async (name: string) => (await lstat(path.join(root, name))).mode & 0o7777;
  t.equal(await mode('suid'), 0o755);
  t.equal(await mode('sgid'), 0o750);
  t.equal(await mode('secret'), 0o600);
  t.equal(await mode('dir'), 0o775);
});

t.test('whiteouts delete from lower layers; opaque directories hide them', async (t) => {
  const s = await setup(t);
  const root = await s.unpack([
    await tarOf([
      { name: 'a/1', content: '1' },
      { name: 'a/2', content: '2' },
      { name: 'b/x', content: 'x' },
      { name: 'c/d/e', content: 'e' },
      { name: 'c/keep-dir/old', content: 'old' },
    ]),
    await tarOf([
      { name: 'a/.wh.1', content: '' },
      { name: '.wh.b', content: '' },
      // Written before the opaque marker in the same layer: survives it.
      { name: 'c/keep-dir/new', content: 'new' },
      { name: 'c/.wh..wh..opq', content: '' },
      { name: 'c/after', content: 'after' },
    ]),
  ]);
  t.same((await readdir(path.join(root, 'a'))).sort(), ['2']);
  t.same((await readdir(root)).sort(), ['a', 'c'], 'b whited out');
  t.same((await readdir(path.join(root, 'c'))).sort(), ['after', 'keep-dir']);
  t.same(await readdir(path.join(root, 'c/keep-dir')), ['new']);
  await refused(t, [{ name: 'x/.wh...', content: '' }], 'x/.wh...', /\.\./);
});

t.test('gzip is detected by its magic bytes, and diff_ids are checked', async (t) => {
  const plain = await tarOf([{ name: 'hello.txt', content: 'hello' }]);
  const s = await setup(t);
  // A gzipped layer and a plain one, the diff_ids of their uncompressed tars.
  const root = await s.unpack(
    [gzip(plain), await tarOf([{ name: 'two', content: '2' }])],
    [sha256(plain), sha256(await tarOf([{ name: 'two', content: '2' }]))],
  );
  t.equal(await readFile(path.join(root, 'hello.txt'), 'utf8'), 'hello');

  const wrong = await setup(t);
  await t.rejects(wrong.unpack([gzip(plain)], [sha256('something else')]), {
    constructor: InvalidImageError,
    message: /uncompressed content has digest .* diff_id is/,
  });
  t.same(await readdir(wrong.rootfsDir), []);
});

t.test('GNU tar archives (padded records, long names) unpack with the right diff_id', async (t) => {
  const s = await setup(t);
  const src = path.join(s.dir, 'src');
  const long = 'n'.repeat(120);
  await mkdir(path.join(src, long), { recursive: true });
  await writeFile(path.join(src, long, 'file.txt'), 'deep');
  const archive = path.join(s.dir, 'layer.tar');
  await run('tar', ['-cf', archive, '-C', src, '.']);
  const bytes = await readFile(archive);
  const root = await s.unpack([bytes], [sha256(bytes)]);
  t.equal(await readFile(path.join(root, long, 'file.txt'), 'utf8'), 'deep');
});

t.test('garbage instead of a tar is an invalid image', async (t) => {
  const s = await setup(t);
  await t.rejects(s.unpack([Buffer.from('not a tar archive at all'.repeat(40))]), {
    constructor: InvalidImageError,
    message: /not a valid tar archive/,
  });
  await t.rejects(s.unpack([gzip(Buffer.from('x')).subarray(0, 12)]), {
    constructor: InvalidImageError,
    message: /gzipped/,
  });
  t.same(await readdir(s.rootfsDir), []);
});

t.test('concurrent unpacks of one image both succeed; the tree is reused', async (t) => {
  const s = await setup(t);
  const layer = await tarOf([{ name: 'f', content: 'same' }]);
  const [a, b] = await Promise.all([s.unpack([layer]), s.unpack([layer])]);
  t.equal(a, b);
  t.same(await readdir(s.rootfsDir), ['image'], 'no temp directory left');
  const again = await unpackRootfs(s.rootfsDir, 'image', [], async (root) => readdir(root));
  t.same(again.checked, ['f'], 'an existing tree is reused (and checked)');
});
