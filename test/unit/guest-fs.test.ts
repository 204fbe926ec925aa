// The guest filesystem driven directly: path resolution and its sandbox rules,
// handle operations, read-only mounts, limits and the defenses against a host
// directory moving under an open handle.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import type { Mount } from '../../runtime/runtime.js';
import {
  FsError,
  type FsErrorCode,
  type FsHandle,
  type GuestFileSystem,
  createGuestFileSystem,
} from '../../runtime/wasm/guest/fs/index.js';

interface Fixture {
  readonly root: string;
  readonly data: string;
  readonly ro: string;
  readonly outside: string;
  readonly gfs: GuestFileSystem;
  readonly dataDir: FsHandle;
  readonly roDir: FsHandle;
}

function setup(t: { teardown(fn: () => void): void }, extraMounts: Mount[] = []): Fixture {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-gfs-')));
  const data = path.join(root, 'data');
  const ro = path.join(root, 'ro');
  const outside = path.join(root, 'outside');
  for (const dir of [data, ro, outside]) fs.mkdirSync(dir);
  fs.writeFileSync(path.join(ro, 'file.txt'), 'read only');
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  const gfs = createGuestFileSystem([
    { guestPath: '/data', hostPath: data, readOnly: false },
    { guestPath: '/ro', hostPath: ro, readOnly: true },
    ...extraMounts,
  ]);
  t.teardown(() => {
    gfs.closeAll();
    fs.rmSync(root, { recursive: true, force: true });
  });
  const [dataPreopen, roPreopen] = gfs.preopens;
  if (dataPreopen === undefined || roPreopen === undefined) throw new Error('missing preopens');
  return { root, data, ro, outside, gfs, dataDir: dataPreopen.handle, roDir: roPreopen.handle };
}

/** Asserts that `op` throws an FsError with `code`. */
function throwsCode(t: Test, op: () => unknown, code: FsErrorCode, message: string): void {
  try {
    op();
    t.fail(`${message}: expected ${code}, but it succeeded`);
  } catch (err) {
    t.equal(err instanceof FsError ? err.code : String(err), code, message);
  }
}

const text = (bytes: Uint8Array, count: number) => Buffer.from(bytes.subarray(0, count)).toString();

t.test('preopens list the mounts in order', async (t) => {
  const { gfs } = setup(t);
  t.same(
    gfs.preopens.map((p) => [p.guestPath, p.readOnly, p.handle.type]),
    [
      ['/data', false, 'directory'],
      ['/ro', true, 'directory'],
    ],
  );
});

t.test('a mount whose host directory is missing is refused at creation', async (t) => {
  throwsCode(
    t,
    () =>
      createGuestFileSystem([{ guestPath: '/x', hostPath: '/nonexistent/skiff', readOnly: false }]),
    'ENOENT',
    'missing host dir',
  );
  throwsCode(
    t,
    () => createGuestFileSystem([{ guestPath: 'x', hostPath: os.tmpdir(), readOnly: false }]),
    'EINVAL',
    'relative guest path',
  );
});

t.test('read, write, cursor, offsets, append and size', async (t) => {
  const { gfs, dataDir, data } = setup(t);
  const file = gfs.openAt(dataDir, 'f.txt', { read: true, write: true, create: true });
  t.equal(file.type, 'regular-file');
  t.equal(gfs.write(file, Buffer.from('hello world')), 11);
  t.equal(gfs.seek(file, 0n, 'current'), 11n, 'writes advance the cursor');
  const buf = new Uint8Array(32);
  t.equal(gfs.read(file, buf), 0, 'end of file at the cursor');
  t.equal(text(buf, gfs.read(file, buf, 6n)), 'world', 'read at an offset');
  t.equal(gfs.seek(file, 0n, 'current'), 11n, 'offset reads leave the cursor');
  t.equal(gfs.seek(file, -5n, 'end'), 6n);
  t.equal(text(buf, gfs.read(file, buf)), 'world');
  throwsCode(t, () => gfs.seek(file, -1n, 'set'), 'EINVAL', 'seek before 0');
  t.equal(gfs.write(file, Buffer.from('H'), 0n), 1, 'write at an offset');
  t.equal(gfs.write(file, Buffer.from('!'), 'end'), 1, 'write at the end');
  t.equal(fs.readFileSync(path.join(data, 'f.txt'), 'utf8'), 'Hello world!');
  gfs.setSize(file, 5n);
  t.equal(gfs.stat(file).size, 5n);
  gfs.setSize(file, 8n);
  t.same([...fs.readFileSync(path.join(data, 'f.txt'))].slice(5), [0, 0, 0], 'zero-extended');
  gfs.sync(file, true);
  gfs.sync(file, false);
  gfs.close(file);
  throwsCode(t, () => gfs.read(file, buf), 'EBADF', 'closed handle');
  throwsCode(t, () => gfs.close(file), 'EBADF', 'second close');

  const appender = gfs.openAt(dataDir, 'f.txt', { write: true, append: true });
  gfs.write(appender, Buffer.from('A'));
  t.equal(gfs.seek(appender, 0n, 'current'), 9n, 'append leaves the cursor at the end');
  gfs.setAppend(appender, false);
  gfs.seek(appender, 0n, 'set');
  gfs.write(appender, Buffer.from('h'));
  gfs.setAppend(appender, true);
  t.equal(appender.append, true);
  gfs.write(appender, Buffer.from('Z'));
  t.equal(fs.readFileSync(path.join(data, 'f.txt'), 'latin1'), 'hello\0\0\0AZ');
});

t.test('open flags: create, exclusive, truncate, directory, access', async (t) => {
  const { gfs, dataDir, data } = setup(t);
  throwsCode(t, () => gfs.openAt(dataDir, 'missing', { read: true }), 'ENOENT', 'no create');
  const created = gfs.openAt(dataDir, 'new', { write: true, create: true, exclusive: true });
  gfs.write(created, Buffer.from('abc'));
  throwsCode(
    t,
    () => gfs.openAt(dataDir, 'new', { write: true, create: true, exclusive: true }),
    'EEXIST',
    'exclusive on existing',
  );
  const truncated = gfs.openAt(dataDir, 'new', { write: true, truncate: true });
  t.equal(gfs.stat(truncated).size, 0n);
  throwsCode(t, () => gfs.read(truncated, new Uint8Array(1)), 'EBADF', 'write-only handle');
  const reader = gfs.openAt(dataDir, 'new', { read: true });
  throwsCode(t, () => gfs.write(reader, Buffer.from('x')), 'EBADF', 'read-only handle');
  throwsCode(t, () => gfs.openAt(dataDir, 'new', { directory: true }), 'ENOTDIR', 'directory flag');
  throwsCode(t, () => gfs.openAt(dataDir, 'new/', { read: true }), 'ENOTDIR', 'trailing slash');
  fs.mkdirSync(path.join(data, 'sub'));
  const sub = gfs.openAt(dataDir, 'sub', { directory: true });
  t.equal(sub.type, 'directory');
  throwsCode(t, () => gfs.openAt(dataDir, 'sub', { write: true }), 'EISDIR', 'writing a directory');
  throwsCode(t, () => gfs.read(sub, new Uint8Array(1)), 'EBADF', 'reading a directory handle');
  throwsCode(
    t,
    () => gfs.openAt(dataDir, 'x', { create: true, directory: true }),
    'EINVAL',
    'create dir',
  );
  throwsCode(t, () => gfs.openAt(dataDir, '', { read: true }), 'ENOENT', 'empty path');
  throwsCode(t, () => gfs.openAt(dataDir, 'a\0b', { read: true }), 'EINVAL', 'NUL byte');
  throwsCode(t, () => gfs.openAt(created, 'x', { read: true }), 'ENOTDIR', 'a file as a base');
  const dot = gfs.openAt(dataDir, '.', { directory: true });
  t.equal(gfs.stat(dot).ino, gfs.stat(dataDir).ino, '. is the directory itself');
});

t.test('path operations and their errors', async (t) => {
  const { gfs, dataDir, data } = setup(t);
  gfs.mkdirAt(dataDir, 'd');
  gfs.mkdirAt(dataDir, 'd/e/');
  throwsCode(t, () => gfs.mkdirAt(dataDir, 'd'), 'EEXIST', 'mkdir twice');
  fs.writeFileSync(path.join(data, 'd', 'f'), 'f');
  throwsCode(t, () => gfs.rmdirAt(dataDir, 'd'), 'ENOTEMPTY', 'rmdir non-empty');
  throwsCode(t, () => gfs.unlinkAt(dataDir, 'd'), 'EISDIR', 'unlink a directory');
  throwsCode(t, () => gfs.rmdirAt(dataDir, 'd/f'), 'ENOTDIR', 'rmdir a file');
  throwsCode(t, () => gfs.rmdirAt(dataDir, '.'), 'EINVAL', 'rmdir .');
  gfs.renameAt(dataDir, 'd/f', dataDir, 'g');
  t.equal(fs.readFileSync(path.join(data, 'g'), 'utf8'), 'f');
  gfs.symlinkAt('g', dataDir, 'link');
  t.equal(gfs.readlinkAt(dataDir, 'link'), 'g');
  t.equal(gfs.statAt(dataDir, 'link', false).type, 'symbolic-link');
  t.equal(gfs.statAt(dataDir, 'link', true).type, 'regular-file');
  throwsCode(t, () => gfs.readlinkAt(dataDir, 'g'), 'EINVAL', 'readlink of a file');
  throwsCode(
    t,
    () => gfs.openAt(dataDir, 'link', { read: true }),
    'ELOOP',
    'no-follow open of a symlink',
  );
  gfs.linkAt(dataDir, 'link', true, dataDir, 'hard');
  t.equal(gfs.statAt(dataDir, 'g', false).nlink, 2n, 'followed the link to its target');
  gfs.linkAt(dataDir, 'link', false, dataDir, 'hardlink-to-link');
  t.equal(gfs.statAt(dataDir, 'hardlink-to-link', false).type, 'symbolic-link');
  gfs.setTimesAt(dataDir, 'g', true, 1_000_000_000_000_000_000n, 'unchanged');
  t.equal(gfs.statAt(dataDir, 'g', false).atimeNs, 1_000_000_000_000_000_000n);
  const before = gfs.statAt(dataDir, 'g', false);
  gfs.setTimesAt(dataDir, 'g', true, 'unchanged', 1_500_000_000_250_000_000n);
  const after = gfs.statAt(dataDir, 'g', false);
  t.equal(after.atimeNs, before.atimeNs, 'unchanged keeps the access time');
  t.equal(after.mtimeNs, 1_500_000_000_250_000_000n);
  gfs.unlinkAt(dataDir, 'link');
  gfs.rmdirAt(dataDir, 'd/e');
  t.same(fs.readdirSync(data).sort(), ['d', 'g', 'hard', 'hardlink-to-link']);
});

t.test('readdir: sorted, no . or .., types and inode numbers', async (t) => {
  const { gfs, dataDir, data } = setup(t);
  for (const name of ['b', 'a', 'c']) fs.writeFileSync(path.join(data, name), name);
  fs.mkdirSync(path.join(data, 'dir'));
  fs.symlinkSync('a', path.join(data, 'sym'));
  const entries = gfs.readdir(dataDir, { inodes: true });
  t.same(
    entries.map((e) => [e.name, e.type]),
    [
      ['a', 'regular-file'],
      ['b', 'regular-file'],
      ['c', 'regular-file'],
      ['dir', 'directory'],
      ['sym', 'symbolic-link'],
    ],
  );
  t.equal(entries[0]?.ino, BigInt(fs.statSync(path.join(data, 'a')).ino));
  t.equal(gfs.readdir(dataDir)[0]?.ino, undefined, 'no inodes unless asked');
  const file = gfs.openAt(dataDir, 'a', { read: true });
  throwsCode(t, () => gfs.readdir(file), 'ENOTDIR', 'readdir of a file');
});

t.test('read-only mounts refuse every mutation with EROFS', async (t) => {
  const { gfs, roDir, ro } = setup(t);
  const file = gfs.openAt(roDir, 'file.txt', { read: true });
  const buf = new Uint8Array(16);
  t.equal(text(buf, gfs.read(file, buf)), 'read only');
  t.equal(file.readOnly, true);
  const refusals: [string, () => unknown][] = [
    ['open for write', () => gfs.openAt(roDir, 'file.txt', { write: true })],
    ['open for append', () => gfs.openAt(roDir, 'file.txt', { append: true })],
    ['create', () => gfs.openAt(roDir, 'new', { read: true, create: true })],
    ['truncate', () => gfs.openAt(roDir, 'file.txt', { read: true, truncate: true })],
    ['mkdir', () => gfs.mkdirAt(roDir, 'd')],
    ['unlink', () => gfs.unlinkAt(roDir, 'file.txt')],
    ['rmdir', () => gfs.rmdirAt(roDir, 'x')],
    ['rename', () => gfs.renameAt(roDir, 'file.txt', roDir, 'moved')],
    ['symlink', () => gfs.symlinkAt('file.txt', roDir, 'l')],
    ['link', () => gfs.linkAt(roDir, 'file.txt', false, roDir, 'h')],
    ['set times at', () => gfs.setTimesAt(roDir, 'file.txt', false, 'now', 'now')],
    ['set times', () => gfs.setTimes(file, 'now', 'now')],
    ['set size', () => gfs.setSize(file, 0n)],
    ['set append', () => gfs.setAppend(file, true)],
  ];
  for (const [name, op] of refusals) throwsCode(t, op, 'EROFS', name);
  t.same(fs.readdirSync(ro), ['file.txt']);
  t.equal(fs.readFileSync(path.join(ro, 'file.txt'), 'utf8'), 'read only');
});

t.test(
  'renames and links across mounts are EXDEV; into or out of read-only is EROFS',
  async (t) => {
    const root2 = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-gfs2-')));
    t.teardown(() => fs.rmSync(root2, { recursive: true, force: true }));
    const { gfs, dataDir, roDir, data } = setup(t, [
      { guestPath: '/other', hostPath: root2, readOnly: false },
    ]);
    const other = gfs.preopens[2]?.handle as FsHandle;
    fs.writeFileSync(path.join(data, 'f'), 'f');
    throwsCode(t, () => gfs.renameAt(dataDir, 'f', other, 'f'), 'EXDEV', 'rename across mounts');
    throwsCode(t, () => gfs.linkAt(dataDir, 'f', false, other, 'f'), 'EXDEV', 'link across mounts');
    throwsCode(t, () => gfs.renameAt(dataDir, 'f', roDir, 'f'), 'EROFS', 'rename into read-only');
    throwsCode(
      t,
      () => gfs.renameAt(roDir, 'file.txt', dataDir, 'x'),
      'EROFS',
      'rename out of read-only',
    );
    t.same(fs.readdirSync(root2), []);
  },
);

t.test('escapes: absolute paths, .. above the root, symlinks out', async (t) => {
  const { gfs, dataDir, data, outside } = setup(t);
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(data, 'abs'));
  fs.symlinkSync('../outside/secret.txt', path.join(data, 'rel'));
  fs.symlinkSync('../outside', path.join(data, 'reldir'));
  fs.mkdirSync(path.join(data, 'sub'));
  const attempts: [string, () => unknown][] = [
    ['absolute path', () => gfs.openAt(dataDir, '/etc/passwd', { read: true })],
    ['.. above the root', () => gfs.openAt(dataDir, '../outside/secret.txt', { read: true })],
    ['sub/../.. above the root', () => gfs.statAt(dataDir, 'sub/../..', false)],
    ['absolute symlink', () => gfs.openAt(dataDir, 'abs', { read: true, follow: true })],
    ['relative symlink out', () => gfs.openAt(dataDir, 'rel', { read: true, follow: true })],
    ['symlinked dir in the middle', () => gfs.statAt(dataDir, 'reldir/secret.txt', false)],
    [
      'create through a symlinked dir',
      () => gfs.openAt(dataDir, 'reldir/x', { write: true, create: true }),
    ],
    ['unlink through a symlinked dir', () => gfs.unlinkAt(dataDir, 'reldir/secret.txt')],
    ['hard link through a symlink', () => gfs.linkAt(dataDir, 'rel', true, dataDir, 'stolen')],
    ['absolute symlink target', () => gfs.symlinkAt('/etc/passwd', dataDir, 'newabs')],
    ['trailing slash follows', () => gfs.statAt(dataDir, 'reldir/', false)],
  ];
  for (const [name, op] of attempts) throwsCode(t, op, 'ENOTCAPABLE', name);
  t.same(fs.readdirSync(outside), ['secret.txt']);
  t.equal(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'secret');
});

t.test('symlink hops: 40 are followed, 41 are ELOOP', async (t) => {
  const { gfs, dataDir, data } = setup(t);
  fs.writeFileSync(path.join(data, 'end'), 'end');
  fs.symlinkSync('end', path.join(data, 'l40'));
  for (let i = 39; i >= 0; i--) fs.symlinkSync(`l${i + 1}`, path.join(data, `l${i}`));
  t.equal(gfs.statAt(dataDir, 'l1', true).type, 'regular-file', '40 hops');
  throwsCode(t, () => gfs.statAt(dataDir, 'l0', true), 'ELOOP', '41 hops');
  fs.symlinkSync('loop', path.join(data, 'loop'));
  throwsCode(
    t,
    () => gfs.openAt(dataDir, 'loop/x', { read: true }),
    'ELOOP',
    'self loop in the middle',
  );
});

t.test('a directory moved out of the mount after it was opened is refused', async (t) => {
  const { gfs, dataDir, data, outside } = setup(t);
  fs.mkdirSync(path.join(data, 'sub'));
  fs.writeFileSync(path.join(data, 'sub', 'f'), 'f');
  const sub = gfs.openAt(dataDir, 'sub', { directory: true });
  // Someone on the host (another container sharing a volume) moves it away.
  fs.renameSync(path.join(data, 'sub'), path.join(outside, 'sub'));
  throwsCode(t, () => gfs.openAt(sub, 'f', { read: true }), 'ENOTCAPABLE', 'open under it');
  throwsCode(t, () => gfs.mkdirAt(sub, 'new'), 'ENOTCAPABLE', 'mkdir under it');
  throwsCode(t, () => gfs.statAt(sub, '..', false), 'ENOTCAPABLE', '.. from it');
  t.same(fs.readdirSync(path.join(outside, 'sub')), ['f']);
});

t.test('a name ending in " (deleted)" is not mistaken for an unlinked file', async (t) => {
  const { gfs, dataDir, data } = setup(t);
  fs.writeFileSync(path.join(data, 'odd (deleted)'), 'still here');
  const file = gfs.openAt(dataDir, 'odd (deleted)', { read: true });
  const buf = new Uint8Array(16);
  t.equal(text(buf, gfs.read(file, buf)), 'still here');
});

t.test('.. at the root of a mount at / stays at the root, like a chroot', async (t) => {
  const rootfs = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-rootfs-')));
  t.teardown(() => fs.rmSync(rootfs, { recursive: true, force: true }));
  fs.writeFileSync(path.join(rootfs, 'etc-file'), 'x');
  const gfs = createGuestFileSystem([{ guestPath: '/', hostPath: rootfs, readOnly: true }]);
  t.teardown(() => gfs.closeAll());
  const root = gfs.preopens[0]?.handle as FsHandle;
  t.equal(gfs.statAt(root, '../../etc-file', false).type, 'regular-file');
  t.equal(gfs.statAt(root, '..', false).ino, gfs.stat(root).ino);
});

t.test('handles: foreign ones are EBADF, the limit is EMFILE, closeAll releases all', async (t) => {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-gfs-limit-')));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'f'), 'f');
  const one = createGuestFileSystem([{ guestPath: '/d', hostPath: dir, readOnly: false }], {
    maxOpenHandles: 3,
  });
  const two = createGuestFileSystem([{ guestPath: '/d', hostPath: dir, readOnly: false }]);
  const root = one.preopens[0]?.handle as FsHandle;
  throwsCode(t, () => two.statAt(root, 'f', false), 'EBADF', "another guest's handle");
  const a = one.openAt(root, 'f', { read: true });
  one.openAt(root, 'f', { read: true });
  throwsCode(t, () => one.openAt(root, 'f', { read: true }), 'EMFILE', 'over the limit');
  one.close(a);
  one.openAt(root, 'f', { read: true });
  one.closeAll();
  t.equal(root.closed, true);
  throwsCode(t, () => one.statAt(root, 'f', false), 'EBADF', 'after closeAll');
  two.closeAll();
});

t.test('opening a FIFO does not block the guest thread', async (t) => {
  const { gfs, dataDir, data } = setup(t);
  const made = spawnSync('mkfifo', [path.join(data, 'pipe')]);
  if (made.status !== 0) {
    t.comment('mkfifo is not available: skipped');
    return;
  }
  const started = Date.now();
  const fifo = gfs.openAt(dataDir, 'pipe', { read: true });
  t.ok(Date.now() - started < 1000, 'open returned at once');
  t.equal(fifo.type, 'fifo');
  t.equal(gfs.read(fifo, new Uint8Array(8)), 0, 'no writer: end of file, not a hang');
  throwsCode(t, () => gfs.read(fifo, new Uint8Array(8), 0n), 'ESPIPE', 'a FIFO has no offsets');
});
