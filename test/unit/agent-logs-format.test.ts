// The CRI log format as containerd writes it and the kubelet reads it: one
// entry per line, `F` for a line the container ended, `P` for the piece of
// one it did not end (or a piece of a line too long), timestamps in RFC3339
// with nanoseconds.

import t from 'tap';
import {
  encodeLogEntries,
  formatLogTimestamp,
  parseLogEntry,
  parseLogTimestamp,
} from '../../runtime/agent/logs/cri-log-format.js';

const time = new Date('2016-10-06T00:17:09.669Z');
const text = (entries: Buffer[]) => entries.map((entry) => entry.toString()).join('');

t.test('timestamps are RFC3339Nano with nine digits, UTC', async (t) => {
  t.equal(formatLogTimestamp(time), '2016-10-06T00:17:09.669000000Z');
  t.equal(parseLogTimestamp('2016-10-06T00:17:09.669794202Z'), time.getTime());
  t.equal(parseLogTimestamp('2016-10-06T02:17:09.669+02:00'), time.getTime());
  t.equal(parseLogTimestamp('2016-10-06T00:17:09Z'), Date.parse('2016-10-06T00:17:09Z'));
  t.ok(Number.isNaN(parseLogTimestamp('yesterday')));
});

t.test('each line a write ends is an F entry; the rest a P entry', async (t) => {
  const stamp = '2016-10-06T00:17:09.669000000Z';
  t.equal(
    text(encodeLogEntries({ stream: 'stdout', data: Buffer.from('one\ntwo\n'), time })),
    `${stamp} stdout F one\n${stamp} stdout F two\n`,
  );
  t.equal(
    text(encodeLogEntries({ stream: 'stderr', data: Buffer.from('half a li'), time })),
    `${stamp} stderr P half a li\n`,
  );
  t.equal(
    text(encodeLogEntries({ stream: 'stdout', data: Buffer.from('ne\nnext'), time })),
    `${stamp} stdout F ne\n${stamp} stdout P next\n`,
  );
  t.equal(
    text(encodeLogEntries({ stream: 'stdout', data: Buffer.from('\n'), time })),
    `${stamp} stdout F \n`,
    'an empty line is an F entry with no content',
  );
});

t.test('lines longer than the maximum are cut into P pieces', async (t) => {
  const entries = encodeLogEntries({ stream: 'stdout', data: Buffer.from('abcdefgh\n'), time }, 3);
  t.same(
    entries.map((entry) => entry.toString().split(' ').slice(2).join(' ')),
    ['P abc\n', 'P def\n', 'F gh\n'],
  );
});

t.test('entries read back: stream, tag, content; anything else is not an entry', async (t) => {
  const full = parseLogEntry(Buffer.from('2016-10-06T00:17:09.669794202Z stdout F log content 1'));
  t.match(full, { timestamp: '2016-10-06T00:17:09.669794202Z', stream: 'stdout', partial: false });
  t.equal(Buffer.from(full?.content ?? []).toString(), 'log content 1');
  const partial = parseLogEntry(Buffer.from('2016-10-06T00:17:09.669794203Z stderr P:x part'));
  t.match(partial, { stream: 'stderr', partial: true });
  t.equal(Buffer.from(partial?.content ?? []).toString(), 'part');
  t.equal(parseLogEntry(Buffer.from('2016-10-06T00:17:09Z stdin F x')), undefined);
  t.equal(parseLogEntry(Buffer.from('not a log line')), undefined);
});
