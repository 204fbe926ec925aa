import { Command } from 'commander';
import t from 'tap';
import { CliError } from '../../sdk/cli/cli-error.js';
import { allowFlagAssignments, parseBool, parseDuration } from '../../sdk/cli/kube/flag-values.js';

/** A `delete`-like command; returns its arguments and options after parsing `argv`. */
function parseDelete(argv: string[]): { args: string[]; flags: Record<string, unknown> } {
  const program = new Command('skiff').exitOverride();
  let parsed: { args: string[]; flags: Record<string, unknown> } = { args: [], flags: {} };
  const command = program
    .command('delete')
    .argument('[resources...]')
    .option('--wait', 'wait', true)
    .option('--force')
    .option('--cascade')
    .option('--timeout <duration>', 'timeout', '0s')
    .exitOverride()
    .action((args: string[], flags: Record<string, unknown>) => {
      parsed = { args, flags };
    });
  allowFlagAssignments(command, ['cascade']);
  program.parse(['node', 'skiff', 'delete', ...argv]);
  return parsed;
}

t.test('boolean flags take =value as Go flags do, and never the next argument', async (t) => {
  t.same(parseDelete(['pod', 'x']), {
    args: ['pod', 'x'],
    flags: { wait: true, timeout: '0s' },
  });
  t.same(parseDelete(['--wait=false', 'pod', 'x', '--force=true', '--timeout=5s']), {
    args: ['pod', 'x'],
    flags: { wait: false, force: true, timeout: '5s' },
  });
  t.same(
    parseDelete(['--wait', 'pod', 'x']).args,
    ['pod', 'x'],
    'a bare flag leaves the next argument',
  );
  t.same(parseDelete(['--cascade=orphan', 'deploy', 'web']).flags.cascade, 'orphan');
  t.equal(parseDelete(['--cascade', 'deploy', 'web']).flags.cascade, true);
  t.same(
    parseDelete(['pod', '--', '--wait=false']),
    {
      args: ['pod', '--wait=false'],
      flags: { wait: true, timeout: '0s' },
    },
    'nothing after -- is a flag',
  );
  t.throws(() => parseDelete(['--wait=maybe', 'pod', 'x']), CliError);
});

t.test('booleans and durations are parsed as kubectl parses them', async (t) => {
  t.equal(parseBool('false'), false);
  t.equal(parseBool('TRUE'), true);
  t.equal(parseBool('1'), true);
  t.equal(parseBool('f'), false);
  t.throws(() => parseBool('maybe', 'wait'), /invalid argument "maybe" for "--wait" flag/);
  t.equal(parseDuration('0'), 0);
  t.equal(parseDuration('30'), 30_000);
  t.equal(parseDuration('1m30s'), 90_000);
  t.equal(parseDuration('500ms'), 500);
  t.equal(parseDuration('2h'), 7_200_000);
  t.throws(() => parseDuration('soon'), /invalid duration "soon"/);
  t.throws(() => parseDuration('5x'), /invalid duration/);
});
