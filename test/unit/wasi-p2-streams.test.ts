// wasi:io streams over byte sources and sinks: read/skip semantics, the
// check-write permit, and how closed and failed streams report.

import t from 'tap';
import { GuestIoError } from '../../runtime/wasm/guest/context.js';
import { IoError } from '../../runtime/wasm/guest/wasi-p2/io/error.js';
import { InputStream } from '../../runtime/wasm/guest/wasi-p2/io/input-stream.js';
import {
  OutputStream,
  WRITE_PERMIT_BYTES,
} from '../../runtime/wasm/guest/wasi-p2/io/output-stream.js';
import { GuestTrap } from '../../runtime/wasm/guest/wasi-p2/wit.js';
import {
  bytesSource,
  collectingSink,
  fakeGuest,
  scriptedSource,
  thrownBy,
} from './wasi-p2-support/fake-guest.js';

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

t.test('input-stream reads what is there, then reports closed', async (t) => {
  const { ctx } = fakeGuest();
  const stream = new InputStream(bytesSource(text('hello world')), ctx);
  t.equal(str(stream.read(5n)), 'hello');
  t.equal(stream.skip(1n), 1n);
  t.equal(str(stream.read(100n)), 'world');
  t.same(
    thrownBy(() => stream.read(1n)),
    { tag: 'closed' },
  );
  t.same(
    thrownBy(() => stream.read(0n)),
    { tag: 'closed' },
    'a zero-length read reports closed',
  );
  t.same(
    thrownBy(() => stream.blockingRead(1n)),
    { tag: 'closed' },
  );
  t.ok(stream.subscribe().ready(), 'a closed stream is ready');
});

t.test('input-stream read(0) on an open stream returns nothing', async (t) => {
  const { ctx } = fakeGuest();
  const stream = new InputStream(bytesSource(text('x')), ctx);
  t.equal(stream.read(0n).length, 0);
  t.equal(str(stream.read(1n)), 'x');
});

t.test('non-blocking read returns empty when nothing is available', async (t) => {
  const { ctx } = fakeGuest();
  const source = scriptedSource();
  const stream = new InputStream(source, ctx);
  t.equal(stream.read(10n).length, 0);
  t.notOk(stream.subscribe().ready());
  source.feed(text('abc'));
  t.ok(stream.subscribe().ready());
  t.equal(str(stream.read(10n)), 'abc');
});

t.test('blocking read waits for activity until data arrives', async (t) => {
  const source = scriptedSource();
  let calls = 0;
  const guest = fakeGuest({
    onWait: () => {
      calls++;
      if (calls === 3) source.feed(text('late'));
      if (calls === 5) source.close();
    },
  });
  const stream = new InputStream(source, guest.ctx);
  t.equal(str(stream.blockingRead(100n)), 'late');
  t.equal(guest.waits(), 3);
  t.same(
    thrownBy(() => stream.blockingSkip(1n)),
    { tag: 'closed' },
  );
  t.equal(guest.waits(), 5);
});

t.test('subscribe().block() returns once the source is ready', async (t) => {
  const source = scriptedSource();
  const guest = fakeGuest({ onWait: () => source.feed(text('!')) });
  const stream = new InputStream(source, guest.ctx);
  stream.subscribe().block();
  t.equal(guest.waits(), 1);
  t.equal(str(stream.read(1n)), '!');
});

t.test('a failing source reports last-operation-failed, then closed', async (t) => {
  const { ctx } = fakeGuest();
  const stream = new InputStream(
    {
      read: () => {
        throw new GuestIoError('EIO', 'disk on fire');
      },
      ready: () => true,
    },
    ctx,
  );
  const failure = thrownBy(() => stream.read(1n)) as { tag: string; val: IoError };
  t.equal(failure.tag, 'last-operation-failed');
  t.ok(failure.val instanceof IoError);
  t.match(failure.val.toDebugString(), /EIO: disk on fire/);
  t.same(
    thrownBy(() => stream.read(1n)),
    { tag: 'closed' },
  );
});

t.test('output-stream writes through within its check-write permit', async (t) => {
  const sink = collectingSink();
  const stream = new OutputStream(sink);
  t.equal(stream.checkWrite(), BigInt(WRITE_PERMIT_BYTES));
  stream.write(text('a'));
  stream.flush();
  stream.blockingWriteAndFlush(text('b'));
  stream.blockingFlush();
  stream.writeZeroes(2n);
  stream.blockingWriteZeroesAndFlush(3n);
  t.same(
    Buffer.concat(sink.chunks),
    Buffer.from([0x61, 0x62, 0, 0, 0, 0, 0]),
    'bytes arrive in order',
  );
  t.ok(stream.subscribe().ready());
  stream.subscribe().block();
});

t.test('writing past the permit traps', async (t) => {
  const stream = new OutputStream(collectingSink());
  t.ok(thrownBy(() => stream.write(new Uint8Array(WRITE_PERMIT_BYTES + 1))) instanceof GuestTrap);
  t.ok(thrownBy(() => stream.writeZeroes(BigInt(WRITE_PERMIT_BYTES) + 1n)) instanceof GuestTrap);
  const big = new Uint8Array(WRITE_PERMIT_BYTES * 3);
  const sink = collectingSink();
  new OutputStream(sink).blockingWriteAndFlush(big);
  t.equal(Buffer.concat(sink.chunks).length, big.length, 'blocking writes take any size');
});

t.test('a broken pipe closes the stream', async (t) => {
  const stream = new OutputStream({
    write: () => {
      throw new GuestIoError('EPIPE', 'reader gone');
    },
  });
  t.same(
    thrownBy(() => stream.write(text('x'))),
    { tag: 'closed' },
  );
  t.same(
    thrownBy(() => stream.checkWrite()),
    { tag: 'closed' },
  );
  t.same(
    thrownBy(() => stream.flush()),
    { tag: 'closed' },
  );
  t.ok(stream.subscribe().ready(), 'a closed stream is ready');
});

t.test('other sink failures are last-operation-failed, then closed', async (t) => {
  const stream = new OutputStream({
    write: () => {
      throw new GuestIoError('EIO', 'device error');
    },
  });
  const failure = thrownBy(() => stream.blockingWriteAndFlush(text('x'))) as {
    tag: string;
    val: IoError;
  };
  t.equal(failure.tag, 'last-operation-failed');
  t.ok(failure.val instanceof IoError);
  t.same(
    thrownBy(() => stream.checkWrite()),
    { tag: 'closed' },
  );
});

t.test('a sink bug is not turned into a stream error', async (t) => {
  const stream = new OutputStream({
    write: () => {
      throw new RangeError('bug');
    },
  });
  t.ok(thrownBy(() => stream.write(text('x'))) instanceof RangeError);
});

t.test('an empty write does not reach the sink', async (t) => {
  const sink = collectingSink();
  new OutputStream(sink).write(new Uint8Array(0));
  t.equal(sink.chunks.length, 0);
});

t.test('splice moves available bytes; blocking splice waits for them', async (t) => {
  const source = scriptedSource();
  const guest = fakeGuest({ onWait: () => source.feed(text('later')) });
  const input = new InputStream(source, guest.ctx);
  const sink = collectingSink();
  const output = new OutputStream(sink);
  t.equal(output.splice(input, 10n), 0n, 'nothing available yet');
  source.feed(text('now'));
  t.equal(output.splice(input, 2n), 2n);
  t.equal(output.splice(input, 10n), 1n);
  t.equal(output.blockingSplice(input, 100n), 5n);
  t.equal(sink.text(), 'nowlater');
  source.close();
  t.same(
    thrownBy(() => output.splice(input, 1n)),
    { tag: 'closed' },
    'input end is reported',
  );
});

t.test('host-side close makes both kinds of stream report closed', async (t) => {
  const { ctx } = fakeGuest();
  const input = new InputStream(bytesSource(text('abc')), ctx);
  input.close();
  t.same(
    thrownBy(() => input.read(1n)),
    { tag: 'closed' },
  );
  const output = new OutputStream(collectingSink());
  output.close();
  t.same(
    thrownBy(() => output.write(text('x'))),
    { tag: 'closed' },
  );
});
