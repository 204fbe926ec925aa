// The wasi:filesystem 0.2 provider driven directly, as jco's glue would call
// it: values and thrown error-code payloads, descriptor flags, read-only
// mounts, directory streams, metadata hashes and file streams.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import type { ByteSink, ByteSource } from '../../runtime/wasm/guest/context.js';
import { type GuestFileSystem, createGuestFileSystem } from '../../runtime/wasm/guest/fs/index.js';
import {
  Descriptor,
  type DirectoryEntryStream,
  createFilesystemProvider,
  filesystemErrorCode,
} from '../../runtime/wasm/guest/wasi-p2/filesystem.js';
import { IoError } from '../../runtime/wasm/guest/wasi-p2/io/error.js';
import { createStreamFactory } from '../../runtime/wasm/guest/wasi-p2/io/stream-factory.js';
import type { StreamFactory } from '../../runtime/wasm/guest/wasi-p2/provider-types.js';

/** A stream factory that hands the file's source or sink straight back. */
const plainStreams = {
  inputStream: (source: ByteSource) => ({ source }),
  outputStream: (sink: ByteSink) => ({ sink }),
  pollable: (isReady: () => boolean) => ({ isReady }),
} satisfies StreamFactory;

interface Setup {
  readonly data: string;
  readonly ro: string;
  readonly gfs: GuestFileSystem;
  readonly dataDir: Descriptor;
  readonly roDir: Descriptor;
  readonly getDirectories: () => [Descriptor, string][];
}

function setup(t: Test, streams: StreamFactory = plainStreams): Setup {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-p2fs-')));
  const data = path.join(root, 'data');
  const ro = path.join(root, 'ro');
  fs.mkdirSync(data);
  fs.mkdirSync(ro);
  fs.writeFileSync(path.join(ro, 'hello.txt'), 'hello');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'secret');
  const gfs = createGuestFileSystem([
    { guestPath: '/data', hostPath: data, readOnly: false },
    { guestPath: '/ro', hostPath: ro, readOnly: true },
  ]);
  t.teardown(() => {
    gfs.closeAll();
    fs.rmSync(root, { recursive: true, force: true });
  });
  const provider = createFilesystemProvider(gfs, streams);
  const { getDirectories } = provider.preopens as { getDirectories: () => [Descriptor, string][] };
  const [[dataDir], [roDir]] = getDirectories() as [[Descriptor, string], [Descriptor, string]];
  return { data, ro, gfs, dataDir, roDir, getDirectories };
}

/** What `op` threw: the error-code payload jco lowers as `err`. */
function thrown(op: () => unknown): unknown {
  try {
    op();
  } catch (err) {
    return err;
  }
  return 'no error';
}

function entries(stream: DirectoryEntryStream): [string, string][] {
  const out: [string, string][] = [];
  for (let e = stream.readDirectoryEntry(); e !== undefined; e = stream.readDirectoryEntry()) {
    out.push([e.name, e.type]);
  }
  return out;
}

t.test('the import object has the shape jco looks up', async (t) => {
  const gfs = createGuestFileSystem([]);
  const provider = createFilesystemProvider(gfs, plainStreams);
  const types = provider.types as Record<string, unknown>;
  t.equal(types['Descriptor'], Descriptor);
  t.type(types['DirectoryEntryStream'], 'function');
  t.type(types['filesystemErrorCode'], 'function');
  t.type((provider.preopens as Record<string, unknown>)['getDirectories'], 'function');
});

t.test(
  'preopens: each mount with its guest path and flags, fresh descriptors per call',
  async (t) => {
    const { getDirectories } = setup(t);
    const first = getDirectories();
    t.same(
      first.map(([d, p]) => [p, d.getFlags(), d.getType()]),
      [
        ['/data', { read: true, mutateDirectory: true }, 'directory'],
        ['/ro', { read: true, mutateDirectory: false }, 'directory'],
      ],
    );
    const second = getDirectories();
    t.not(second[0]?.[0], first[0]?.[0], 'a new object each call');
    first[0]?.[0][Symbol.dispose]();
    t.equal(
      second[0]?.[0].getType(),
      'directory',
      'dropping a preopen descriptor keeps the mount open',
    );
  },
);

t.test('open, write, read, stat, readdir', async (t) => {
  const { dataDir, data } = setup(t);
  const file = dataDir.openAt({}, 'f.txt', { create: true }, { read: true, write: true });
  t.ok(file instanceof Descriptor);
  t.same(file.getFlags(), { read: true, write: true });
  t.equal(file.write(Buffer.from('hello world'), 0n), 11n);
  const [bytes, eof] = file.read(5n, 6n);
  t.equal(Buffer.from(bytes).toString(), 'world');
  t.equal(eof, false);
  const [rest, end] = file.read(100n, 6n);
  t.equal(Buffer.from(rest).toString(), 'world');
  t.equal(end, true, 'a short read is the end of the file');
  const stat = file.stat();
  t.equal(stat.type, 'regular-file');
  t.equal(stat.size, 11n);
  t.equal(stat.linkCount, 1n);
  t.type(stat.dataModificationTimestamp?.seconds, 'bigint');
  t.type(stat.dataModificationTimestamp?.nanoseconds, 'number');
  file.setSize(5n);
  t.equal(fs.readFileSync(path.join(data, 'f.txt'), 'utf8'), 'hello');
  file.setTimes(
    { tag: 'timestamp', val: { seconds: 1_000_000_000n, nanoseconds: 5 } },
    { tag: 'no-change' },
  );
  t.same(
    file.stat().dataAccessTimestamp,
    { seconds: 1_000_000_000n, nanoseconds: 0 },
    'µs precision',
  );
  file.syncData();
  file.sync();
  file.advise(0n, 0n, 'sequential');
  dataDir.createDirectoryAt('sub');
  dataDir.symlinkAt('f.txt', 'link');
  t.same(entries(dataDir.readDirectory()), [
    ['f.txt', 'regular-file'],
    ['link', 'symbolic-link'],
    ['sub', 'directory'],
  ]);
  t.equal(dataDir.statAt({}, 'link').type, 'symbolic-link');
  t.equal(dataDir.statAt({ symlinkFollow: true }, 'link').type, 'regular-file');
  t.equal(dataDir.readlinkAt('link'), 'f.txt');
  const viaLink = dataDir.openAt({ symlinkFollow: true }, 'link', {}, { read: true });
  t.ok(viaLink.isSameObject(file), 'same file through the link');
  t.notOk(viaLink.isSameObject(dataDir));
  dataDir.linkAt({}, 'f.txt', dataDir, 'hard');
  t.equal(file.stat().linkCount, 2n);
  dataDir.renameAt('hard', dataDir, 'hard2');
  dataDir.unlinkFileAt('hard2');
  dataDir.removeDirectoryAt('sub');
  dataDir.setTimesAt({}, 'f.txt', { tag: 'now' }, { tag: 'now' });
  file[Symbol.dispose]();
  t.equal(
    thrown(() => file.stat()),
    'bad-descriptor',
    'a dropped descriptor is closed',
  );
});

t.test('errors are thrown as error-code strings, never Error objects', async (t) => {
  const { dataDir, data } = setup(t);
  fs.writeFileSync(path.join(data, 'file'), 'x');
  fs.symlinkSync('../secret.txt', path.join(data, 'out'));
  fs.symlinkSync('/etc/passwd', path.join(data, 'abs'));
  fs.symlinkSync('loop', path.join(data, 'loop'));
  const cases: [string, () => unknown, string][] = [
    ['missing', () => dataDir.openAt({}, 'missing', {}, { read: true }), 'no-entry'],
    [
      'exclusive',
      () => dataDir.openAt({}, 'file', { create: true, exclusive: true }, { write: true }),
      'exist',
    ],
    ['directory flag', () => dataDir.openAt({}, 'file', { directory: true }, {}), 'not-directory'],
    ['mkdir existing', () => dataDir.createDirectoryAt('file'), 'exist'],
    ['rmdir a file', () => dataDir.removeDirectoryAt('file'), 'not-directory'],
    ['escape by ..', () => dataDir.statAt({}, '../secret.txt'), 'not-permitted'],
    ['absolute path', () => dataDir.statAt({}, '/etc/passwd'), 'not-permitted'],
    [
      'symlink out',
      () => dataDir.openAt({ symlinkFollow: true }, 'out', {}, { read: true }),
      'not-permitted',
    ],
    ['absolute symlink', () => dataDir.statAt({ symlinkFollow: true }, 'abs'), 'not-permitted'],
    ['readlink of an absolute link', () => dataDir.readlinkAt('abs'), 'not-permitted'],
    ['absolute symlink target', () => dataDir.symlinkAt('/etc/passwd', 'new'), 'not-permitted'],
    ['loop', () => dataDir.statAt({ symlinkFollow: true }, 'loop'), 'loop'],
    ['no-follow open of a link', () => dataDir.openAt({}, 'out', {}, { read: true }), 'loop'],
    ['reading a directory', () => dataDir.read(1n, 0n), 'is-directory'],
  ];
  for (const [name, op, code] of cases) t.equal(thrown(op), code, name);
  const writeOnly = dataDir.openAt({}, 'file', {}, { write: true });
  t.equal(
    thrown(() => writeOnly.read(1n, 0n)),
    'bad-descriptor',
    'reading a write-only descriptor',
  );
  t.equal(
    thrown(() => writeOnly.readViaStream(0n)),
    'bad-descriptor',
  );
  const readOnly = dataDir.openAt({}, 'file', {}, { read: true });
  t.equal(
    thrown(() => readOnly.write(Buffer.from('x'), 0n)),
    'bad-descriptor',
    'writing a read-only descriptor',
  );
  t.equal(
    thrown(() => readOnly.setSize(0n)),
    'bad-descriptor',
  );
  t.equal(fs.readFileSync(path.join(path.dirname(data), 'secret.txt'), 'utf8'), 'secret');
});

t.test('read-only: mounts and descriptors without mutate-directory change nothing', async (t) => {
  const { roDir, dataDir, ro, data } = setup(t);
  const hello = roDir.openAt({}, 'hello.txt', {}, { read: true });
  t.equal(Buffer.from(hello.read(10n, 0n)[0]).toString(), 'hello', 'reads work');
  const refusals: [string, () => unknown][] = [
    ['open for writing', () => roDir.openAt({}, 'hello.txt', {}, { write: true })],
    ['create', () => roDir.openAt({}, 'new', { create: true }, { read: true })],
    ['truncate', () => roDir.openAt({}, 'hello.txt', { truncate: true }, { read: true })],
    ['open with mutate-directory', () => roDir.openAt({}, '.', {}, { mutateDirectory: true })],
    ['mkdir', () => roDir.createDirectoryAt('d')],
    ['unlink', () => roDir.unlinkFileAt('hello.txt')],
    ['rmdir', () => roDir.removeDirectoryAt('d')],
    ['rename', () => roDir.renameAt('hello.txt', roDir, 'x')],
    ['rename into it', () => dataDir.renameAt('x', roDir, 'x')],
    ['symlink', () => roDir.symlinkAt('hello.txt', 'l')],
    ['link', () => roDir.linkAt({}, 'hello.txt', roDir, 'h')],
    ['set times at', () => roDir.setTimesAt({}, 'hello.txt', { tag: 'now' }, { tag: 'now' })],
    ['set times on the directory', () => roDir.setTimes({ tag: 'now' }, { tag: 'now' })],
  ];
  for (const [name, op] of refusals) t.equal(thrown(op), 'read-only', name);
  t.same(fs.readdirSync(ro), ['hello.txt']);
  // A directory opened without mutate-directory from a writable mount is read-only too.
  fs.mkdirSync(path.join(data, 'sub'));
  const sub = dataDir.openAt({}, 'sub', { directory: true }, { read: true });
  t.equal(
    thrown(() => sub.createDirectoryAt('x')),
    'read-only',
  );
  const writable = dataDir.openAt(
    {},
    'sub',
    { directory: true },
    { read: true, mutateDirectory: true },
  );
  writable.createDirectoryAt('x');
  t.same(fs.readdirSync(path.join(data, 'sub')), ['x']);
});

t.test('renames and links across mounts are cross-device', async (t) => {
  const root2 = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-p2fs2-')));
  t.teardown(() => fs.rmSync(root2, { recursive: true, force: true }));
  const gfs = createGuestFileSystem([
    { guestPath: '/a', hostPath: root2, readOnly: false },
    { guestPath: '/b', hostPath: root2, readOnly: false },
  ]);
  t.teardown(() => gfs.closeAll());
  const { getDirectories } = createFilesystemProvider(gfs, plainStreams).preopens as {
    getDirectories: () => [Descriptor, string][];
  };
  const [[a], [b]] = getDirectories() as [[Descriptor, string], [Descriptor, string]];
  a.openAt({}, 'f', { create: true }, { write: true });
  t.equal(
    thrown(() => a.renameAt('f', b, 'g')),
    'cross-device',
    'even over the same host directory',
  );
  t.equal(
    thrown(() => a.linkAt({}, 'f', b, 'g')),
    'cross-device',
  );
});

t.test(
  'metadata hashes: stable, changed by writes, the same by path and by descriptor',
  async (t) => {
    const { dataDir } = setup(t);
    const file = dataDir.openAt({}, 'f', { create: true }, { read: true, write: true });
    const first = file.metadataHash();
    t.type(first.lower, 'bigint');
    t.type(first.upper, 'bigint');
    t.same(file.metadataHash(), first, 'unchanged file, same hash');
    t.same(dataDir.metadataHashAt({}, 'f'), first, 'by path too');
    file.write(Buffer.from('more'), 0n);
    t.notSame(file.metadataHash(), first, 'a write changes it');
    const other = dataDir.openAt({}, 'g', { create: true }, { write: true });
    t.notSame(other.metadataHash(), file.metadataHash(), 'another file, another hash');
  },
);

t.test('file streams: offsets, append, several streams at once', async (t) => {
  const { dataDir, data } = setup(t);
  const file = dataDir.openAt({}, 'f', { create: true }, { read: true, write: true });
  const out = file.writeViaStream(0n) as unknown as { sink: ByteSink };
  out.sink.write(Buffer.from('hello '));
  out.sink.write(Buffer.from('world'));
  const appender = file.appendViaStream() as unknown as { sink: ByteSink };
  appender.sink.write(Buffer.from('!'));
  const patch = file.writeViaStream(0n) as unknown as { sink: ByteSink };
  patch.sink.write(Buffer.from('H'));
  t.equal(fs.readFileSync(path.join(data, 'f'), 'utf8'), 'Hello world!');
  const input = file.readViaStream(6n) as unknown as { source: ByteSource };
  t.equal(input.source.ready(), true, 'files never block');
  t.equal(Buffer.from(input.source.read(3) ?? []).toString(), 'wor');
  t.equal(Buffer.from(input.source.read(100) ?? []).toString(), 'ld!');
  t.equal(input.source.read(100), null, 'end of file ends the stream');
  t.equal(Buffer.from(file.read(5n, 0n)[0]).toString(), 'Hello', 'streams moved no shared cursor');
});

t.test(
  'stream failures carry their filesystem error code (with the real wasi:io streams)',
  async (t) => {
    const waiter = { waitForActivity: () => undefined };
    const { dataDir } = setup(t, createStreamFactory(waiter));
    const file = dataDir.openAt({}, 'f', { create: true }, { read: true, write: true });
    const out = file.writeViaStream(0n) as unknown as { write(bytes: Uint8Array): void };
    out.write(Buffer.from('ok'));
    file[Symbol.dispose]();
    const failure = thrown(() => out.write(Buffer.from('late')));
    t.match(failure, { tag: 'last-operation-failed' });
    const ioError = (failure as { val: unknown }).val;
    t.ok(ioError instanceof IoError);
    t.equal(filesystemErrorCode(ioError), 'bad-descriptor');
    t.equal(filesystemErrorCode(new IoError('not from a file')), undefined);
  },
);
