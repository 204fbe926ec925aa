// The provider set as a guest sees it through the import object: cli, clocks,
// poll, random, sockets, and the shape of the whole import object.

import t from 'tap';
import { GuestExit } from '../../runtime/wasm/guest/context.js';
import { createWasiP2Host } from '../../runtime/wasm/guest/wasi-p2/index.js';
import type { Pollable } from '../../runtime/wasm/guest/wasi-p2/io/poll.js';
import { WASI_P2_INTERFACES } from '../../runtime/wasm/guest/wasi-p2/provider-types.js';
import { GuestTrap } from '../../runtime/wasm/guest/wasi-p2/wit.js';
import type { FakeGuestOptions } from './wasi-p2-support/fake-guest.js';
import { bytesSource, fakeGuest, thrownBy } from './wasi-p2-support/fake-guest.js';
import { noFilesystem } from './wasi-p2-support/no-filesystem.js';

type Fn = (...args: unknown[]) => unknown;

function hostFor(options: FakeGuestOptions = {}) {
  const guest = fakeGuest(options);
  const host = createWasiP2Host(guest.ctx, { createFilesystem: noFilesystem });
  const fn = (iface: string, name: string): Fn => {
    const ns = host.imports[iface] as Record<string, unknown> | undefined;
    const value = ns?.[name];
    if (typeof value !== 'function') throw new Error(`${iface} has no ${name}`);
    return value as Fn;
  };
  return { guest, host, fn };
}

t.test('the import object covers every interface Skiff promises', async (t) => {
  const { host } = hostFor();
  for (const name of WASI_P2_INTERFACES) t.ok(host.imports[name], name);
});

t.test('environment, arguments and cwd come from the context only', async (t) => {
  const { fn } = hostFor({
    args: ['prog', 'a b'],
    env: [['HOSTNAME', 'kubia-abc']],
    workingDir: '/app',
  });
  t.same(fn('wasi:cli/environment', 'getEnvironment')(), [['HOSTNAME', 'kubia-abc']]);
  t.same(fn('wasi:cli/environment', 'getArguments')(), ['prog', 'a b']);
  t.equal(fn('wasi:cli/environment', 'initialCwd')(), '/app');
  t.equal(hostFor().fn('wasi:cli/environment', 'initialCwd')(), undefined);
});

t.test('exit and exit-with-code throw GuestExit', async (t) => {
  const { fn } = hostFor();
  const ok = thrownBy(() => fn('wasi:cli/exit', 'exit')({ tag: 'ok' }));
  const err = thrownBy(() => fn('wasi:cli/exit', 'exit')({ tag: 'err' }));
  const coded = thrownBy(() => fn('wasi:cli/exit', 'exitWithCode')(42));
  t.ok(ok instanceof GuestExit && ok.code === 0);
  t.ok(err instanceof GuestExit && err.code === 1);
  t.ok(coded instanceof GuestExit && coded.code === 42);
});

t.test('stdio streams have one identity per guest and reach the context', async (t) => {
  const { fn, guest } = hostFor({ stdin: bytesSource(new TextEncoder().encode('in')) });
  const stdout = fn('wasi:cli/stdout', 'getStdout')() as {
    blockingWriteAndFlush(b: Uint8Array): void;
  } & { [Symbol.dispose]?: unknown };
  t.equal(fn('wasi:cli/stdout', 'getStdout')(), stdout, 'same object every time');
  t.not(fn('wasi:cli/stderr', 'getStderr')(), stdout);
  t.equal(stdout[Symbol.dispose], undefined, 'dropping a handle cannot close stdout');
  stdout.blockingWriteAndFlush(new TextEncoder().encode('out'));
  (fn('wasi:cli/stderr', 'getStderr')() as typeof stdout).blockingWriteAndFlush(
    new TextEncoder().encode('err'),
  );
  t.equal(guest.stdout.text(), 'out');
  t.equal(guest.stderr.text(), 'err');
  const stdin = fn('wasi:cli/stdin', 'getStdin')() as { read(n: bigint): Uint8Array };
  t.equal(fn('wasi:cli/stdin', 'getStdin')(), stdin);
  t.equal(new TextDecoder().decode(stdin.read(10n)), 'in');
  for (const name of ['Stdin', 'Stdout', 'Stderr']) {
    t.equal(fn(`wasi:cli/terminal-${name.toLowerCase()}`, `getTerminal${name}`)(), undefined);
  }
});

t.test('clocks report from the context', async (t) => {
  const { fn } = hostFor();
  const a = fn('wasi:clocks/monotonic-clock', 'now')() as bigint;
  const b = fn('wasi:clocks/monotonic-clock', 'now')() as bigint;
  t.ok(b >= a);
  t.equal(fn('wasi:clocks/monotonic-clock', 'resolution')(), 1000n);
  const wall = fn('wasi:clocks/wall-clock', 'now')() as { seconds: bigint; nanoseconds: number };
  t.equal(typeof wall.seconds, 'bigint');
  t.ok(Math.abs(Number(wall.seconds) - Date.now() / 1000) < 5);
  t.ok(wall.nanoseconds >= 0 && wall.nanoseconds < 1e9);
  t.same(fn('wasi:clocks/wall-clock', 'resolution')(), { seconds: 0n, nanoseconds: 1000 });
});

t.test('a duration pollable blocks until its deadline', async (t) => {
  const { fn } = hostFor();
  // The deadline is set when subscribing: the time counts from there.
  const started = performance.now();
  const pollable = fn('wasi:clocks/monotonic-clock', 'subscribeDuration')(30_000_000n) as Pollable;
  t.notOk(pollable.ready());
  pollable.block();
  const elapsed = performance.now() - started;
  t.ok(pollable.ready());
  t.ok(elapsed >= 29, `blocked ${elapsed.toFixed(1)} ms`);
  t.ok(elapsed < 500, 'and not much longer');
});

t.test('an instant pollable in the past is ready at once', async (t) => {
  const { fn } = hostFor();
  const now = fn('wasi:clocks/monotonic-clock', 'now')() as bigint;
  t.ok((fn('wasi:clocks/monotonic-clock', 'subscribeInstant')(now - 1n) as Pollable).ready());
});

t.test('poll returns the ready indices, blocking until the earliest deadline', async (t) => {
  const { fn, guest } = hostFor();
  const poll = fn('wasi:io/poll', 'poll');
  const subscribe = fn('wasi:clocks/monotonic-clock', 'subscribeDuration');
  const long = subscribe(10_000_000_000n);
  const started = performance.now();
  const short = subscribe(20_000_000n);
  const ready = poll([long, short]);
  const elapsed = performance.now() - started;
  t.ok(ready instanceof Uint32Array);
  t.same(Array.from(ready as Uint32Array), [1]);
  t.ok(elapsed >= 19 && elapsed < 2000, `waited ${elapsed.toFixed(1)} ms`);
  t.ok(guest.waits() >= 1);
  const done = subscribe(0n);
  t.same(Array.from(poll([done, long, done]) as Uint32Array), [0, 2]);
  t.ok(thrownBy(() => poll([])) instanceof GuestTrap, 'an empty list traps');
});

t.test('random bytes come from the context and have the asked length', async (t) => {
  const { fn } = hostFor();
  const bytes = fn('wasi:random/random', 'getRandomBytes')(100_000n) as Uint8Array;
  t.equal(bytes.length, 100_000);
  t.ok(bytes.some((b) => b !== 0));
  t.equal(typeof fn('wasi:random/random', 'getRandomU64')(), 'bigint');
  t.equal((fn('wasi:random/insecure', 'getInsecureRandomBytes')(7n) as Uint8Array).length, 7);
  t.equal(typeof fn('wasi:random/insecure', 'getInsecureRandomU64')(), 'bigint');
  const seed = fn('wasi:random/insecure-seed', 'insecureSeed')() as [bigint, bigint];
  t.same(fn('wasi:random/insecure-seed', 'insecureSeed')(), seed, 'the seed is stable');
  t.ok(thrownBy(() => fn('wasi:random/random', 'getRandomBytes')(1n << 40n)) instanceof GuestTrap);
});

t.test('sockets: every create and lookup is access-denied', async (t) => {
  const { fn, host } = hostFor();
  const network = fn('wasi:sockets/instance-network', 'instanceNetwork')();
  const { Network } = host.imports['wasi:sockets/network'] as { Network: new () => object };
  t.ok(network instanceof Network);
  t.equal(fn('wasi:sockets/instance-network', 'instanceNetwork')(), network);
  t.equal(
    thrownBy(() => fn('wasi:sockets/tcp-create-socket', 'createTcpSocket')('ipv4')),
    'access-denied',
  );
  t.equal(
    thrownBy(() => fn('wasi:sockets/udp-create-socket', 'createUdpSocket')('ipv6')),
    'access-denied',
  );
  t.equal(
    thrownBy(() => fn('wasi:sockets/ip-name-lookup', 'resolveAddresses')(network, 'example.com')),
    'access-denied',
  );
  for (const [iface, names] of [
    ['wasi:sockets/tcp', ['TcpSocket']],
    ['wasi:sockets/udp', ['UdpSocket', 'IncomingDatagramStream', 'OutgoingDatagramStream']],
    ['wasi:sockets/ip-name-lookup', ['ResolveAddressStream']],
  ] as const) {
    for (const name of names) {
      t.type(
        (host.imports[iface] as Record<string, unknown>)[name],
        'function',
        `${iface} ${name}`,
      );
    }
  }
});

t.test('a sockets provider can be injected', async (t) => {
  const guest = fakeGuest();
  const marker = { instanceNetwork: () => 'pod-net' };
  const host = createWasiP2Host(guest.ctx, {
    createFilesystem: noFilesystem,
    createSockets: (streams) => {
      t.type(streams.inputStream, 'function', 'the factory gets the stream factory');
      return {
        'wasi:sockets/instance-network': marker,
        'wasi:sockets/network': {},
        'wasi:sockets/tcp': {},
        'wasi:sockets/tcp-create-socket': {},
        'wasi:sockets/udp': {},
        'wasi:sockets/udp-create-socket': {},
        'wasi:sockets/ip-name-lookup': {},
      };
    },
  });
  t.equal(host.imports['wasi:sockets/instance-network'], marker);
});

t.test("the filesystem factory gets this set's stream factory", async (t) => {
  const guest = fakeGuest();
  let seen: unknown;
  const host = createWasiP2Host(guest.ctx, {
    createFilesystem: (streams) => {
      seen = streams;
      return { types: { marker: 'types' }, preopens: { marker: 'preopens' } };
    },
  });
  t.equal(seen, host.streams);
  t.same(host.imports['wasi:filesystem/types'], { marker: 'types' });
  t.same(host.imports['wasi:filesystem/preopens'], { marker: 'preopens' });
  const { InputStream } = host.imports['wasi:io/streams'] as {
    InputStream: abstract new () => object;
  };
  t.ok(host.streams.inputStream(bytesSource(new Uint8Array(0))) instanceof InputStream);
});
