import t, { type Test } from 'tap';
import type { Instruction, Word } from '../../runtime/images/build/index.js';
import { DockerfileError, expandWord, parseDockerfile } from '../../runtime/images/build/index.js';

const text = (word: Word, env: Record<string, string> = {}): string =>
  expandWord(word, new Map(Object.entries(env)));

/** The instruction type whose kind may be K (COPY and ADD share one type). */
type Of<K, I = Instruction> = I extends { kind: infer IK } ? (K extends IK ? I : never) : never;

function only<K extends Instruction['kind']>(dockerfile: string, kind: K): Of<K> {
  const found = parseDockerfile(dockerfile).filter((i) => i.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, got ${found.length}`);
  return found[0] as Of<K>;
}

function fails(
  t: Test,
  dockerfile: string,
  line: number,
  pattern: RegExp,
  name = 'Dockerfile',
): void {
  const label = `${JSON.stringify(dockerfile)} → ${name}:${line} ${pattern}`;
  try {
    parseDockerfile(dockerfile, name);
    t.fail(`${label}: parsed without an error`);
  } catch (error) {
    if (!(error instanceof DockerfileError)) throw error;
    const prefix = line > 0 ? `${name}:${line}: ` : `${name}: `;
    t.ok(
      error.file === name &&
        error.line === line &&
        error.message.startsWith(prefix) &&
        pattern.test(error.message),
      label,
      { found: error.message },
    );
  }
}

t.test('FROM scratch and FROM <reference> [AS name], case-insensitive', async (t) => {
  const scratch = only('from scratch\n', 'FROM');
  t.equal(scratch.image, 'scratch');
  t.equal(scratch.line, 1);
  const named = only('FROM 127.0.0.1:5000/team/base:v1 as build\n', 'FROM');
  t.same(named.image, { registry: '127.0.0.1:5000', repository: 'team/base', tag: 'v1' });
  t.equal(named.stageName, 'build');
  const hub = only('FROM busybox', 'FROM');
  t.same(hub.image, { registry: 'docker.io', repository: 'library/busybox', tag: 'latest' });
  const platform = only('FROM --platform=wasi/wasm scratch', 'FROM');
  t.same(platform.platform, { os: 'wasi', architecture: 'wasm' });
});

t.test('COPY and ADD: sources, destination, --chmod, JSON form', async (t) => {
  const copy = only('FROM scratch\nCOPY --chmod=755 a.wasm b/ /app/\n', 'COPY');
  t.same(
    copy.sources.map((w) => text(w)),
    ['a.wasm', 'b/'],
  );
  t.equal(text(copy.destination), '/app/');
  t.equal(copy.chmod, 0o755);
  t.equal(copy.line, 2);
  const json = only('FROM scratch\nCOPY ["my file.txt", "/data dir/"]', 'COPY');
  t.same(
    json.sources.map((w) => text(w)),
    ['my file.txt'],
  );
  t.equal(text(json.destination), '/data dir/');
  const add = only('FROM scratch\nadd --chmod=0644 site.tar.gz /srv', 'ADD');
  t.equal(add.kind, 'ADD');
  t.equal(add.chmod, 0o644);
  const quoted = only(`FROM scratch\nCOPY "a b.txt" 'c $d' /x/`, 'COPY');
  t.same(
    quoted.sources.map((w) => text(w, { d: 'D' })),
    ['a b.txt', 'c $d'],
  );
});

t.test('ENTRYPOINT and CMD: exec form; one plain word is a one-element exec form', async (t) => {
  t.same(only('FROM scratch\nENTRYPOINT ["/busybox.wasm"]', 'ENTRYPOINT').args, ['/busybox.wasm']);
  t.same(only('FROM scratch\nCMD ["echo", "hi there"]', 'CMD').args, ['echo', 'hi there']);
  t.same(only('FROM scratch\nCMD []', 'CMD').args, []);
  t.same(only('FROM scratch\nENTRYPOINT /app.wasm', 'ENTRYPOINT').args, ['/app.wasm']);
  t.same(only('FROM scratch\nCMD serve', 'CMD').args, ['serve']);
  t.same(only('FROM scratch\nCMD ["$HOME"]', 'CMD').args, ['$HOME'], 'exec form is never expanded');
});

t.test('ENV: key=value pairs with quotes and escapes, and the legacy form', async (t) => {
  const env = only('FROM scratch\nENV A=1 B="two words" C=\'$lit\' D=a\\ b E= F=${A}x\n', 'ENV');
  const pairs = env.pairs.map((p) => [text(p.key), text(p.value, { A: 'one' })]);
  t.same(pairs, [
    ['A', '1'],
    ['B', 'two words'],
    ['C', '$lit'],
    ['D', 'a b'],
    ['E', ''],
    ['F', 'onex'],
  ]);
  const legacy = only('FROM scratch\nENV GREETING hello   big "world"', 'ENV');
  t.same(
    legacy.pairs.map((p) => [text(p.key), text(p.value)]),
    [['GREETING', 'hello   big world']],
  );
});

t.test('LABEL pairs, quoted keys; WORKDIR; EXPOSE forms', async (t) => {
  const label = only(
    'FROM scratch\nLABEL "com.example.vendor"="ACME Inc" version=1.0 description="a \\"quoted\\" word"',
    'LABEL',
  );
  t.same(
    label.pairs.map((p) => [text(p.key), text(p.value)]),
    [
      ['com.example.vendor', 'ACME Inc'],
      ['version', '1.0'],
      ['description', 'a "quoted" word'],
    ],
  );
  t.equal(text(only('FROM scratch\nWORKDIR /srv/my app', 'WORKDIR').path), '/srv/my app');
  const expose = only('FROM scratch\nEXPOSE 8080 8080/tcp 80/udp 9000-9001/sctp', 'EXPOSE');
  t.same(
    expose.ports.map((w) => text(w)),
    ['8080', '8080/tcp', '80/udp', '9000-9001/sctp'],
  );
});

t.test('variables: $VAR, ${VAR}, defaults, alternatives, escapes, quotes', async (t) => {
  const word = (raw: string): Word => only(`FROM scratch\nWORKDIR ${raw}`, 'WORKDIR').path;
  const env = { APP: 'kubia', EMPTY: '' };
  const cases: [string, string][] = [
    ['/srv/$APP', '/srv/kubia'],
    ['/srv/${APP}_v1', '/srv/kubia_v1'],
    ['/srv/$APP_v1', '/srv/'], // the name runs on, as in sh
    ['/${MISSING:-fallback}', '/fallback'],
    ['/${EMPTY:-fallback}', '/fallback'],
    ['/${EMPTY-fallback}', '/'],
    ['/${APP:+set}', '/set'],
    ['/${MISSING:+set}', '/'],
    ['/${MISSING:-${APP}}', '/kubia'],
    ['/\\$APP', '/$APP'],
    ["/'$APP'", '/$APP'],
    ['/"$APP"', '/kubia'],
    ['/"\\$APP"', '/$APP'],
    ['/cost$', '/cost$'],
    ['/$1', '/$1'],
  ];
  for (const [raw, expected] of cases) t.equal(text(word(raw), env), expected, raw);
});

t.test('comments, blank lines and continuation lines', async (t) => {
  const instructions = parseDockerfile(
    [
      '# a comment',
      '',
      'FROM scratch',
      '   # indented comment',
      'COPY a.wasm \\',
      '  # a comment inside a continuation',
      '',
      '     /app.wasm',
      'ENV A=1 \\  ',
      '    B=2',
      'CMD ["echo", \\',
      '     "hi"]',
      'EXPOSE 80 \\',
    ].join('\r\n'),
  );
  t.same(
    instructions.map((i) => [i.kind, i.line]),
    [
      ['FROM', 3],
      ['COPY', 5],
      ['ENV', 9],
      ['CMD', 11],
      ['EXPOSE', 13],
    ],
  );
  const copy = instructions[1];
  if (copy?.kind !== 'COPY') throw new Error('expected COPY');
  t.equal(text(copy.destination), '/app.wasm');
  const env = instructions[2];
  if (env?.kind !== 'ENV') throw new Error('expected ENV');
  t.same(
    env.pairs.map((p) => text(p.key)),
    ['A', 'B'],
  );
  const cmd = instructions[3];
  t.same(cmd?.kind === 'CMD' ? cmd.args : undefined, ['echo', 'hi']);
});

t.test('the escape directive switches to the backtick', async (t) => {
  const instructions = parseDockerfile(
    '# escape=`\nFROM scratch\nCOPY a.wasm `\n  C:\\app\\\nWORKDIR c:\\dir\n',
  );
  const copy = instructions[1];
  if (copy?.kind !== 'COPY') throw new Error('expected COPY');
  t.equal(text(copy.destination), 'C:\\app\\');
  const workdir = instructions[2];
  t.equal(workdir?.kind === 'WORKDIR' ? text(workdir.path) : '', 'c:\\dir');
  fails(t, '# escape=x\nFROM scratch', 1, /invalid escape character/);
  // After the first instruction, a directive is just a comment.
  t.equal(parseDockerfile('FROM scratch\n# escape=`\nCOPY a \\\n b').length, 2);
});

t.test('instructions outside the subset are refused, naming file and line', async (t) => {
  fails(
    t,
    'FROM scratch\n\n\nRUN make',
    4,
    /RUN is not supported: a Wasm image is built from files \(COPY\/ADD\), not by running commands/,
  );
  fails(t, 'ARG VERSION=1\nFROM scratch', 1, /ARG is not supported/);
  fails(t, 'FROM scratch\nUSER app', 2, /USER is not supported/);
  fails(t, 'FROM scratch\nHEALTHCHECK CMD x', 2, /livenessProbe/);
  fails(
    t,
    'FROM scratch\nFROBNICATE x',
    2,
    /unknown instruction FROBNICATE: skiff build supports FROM, COPY/,
  );
  fails(
    t,
    'FROM scratch\nCOPY a /a\nFROM scratch',
    3,
    /second FROM: multi-stage builds are not supported \(the first FROM is on line 1\)/,
  );
  fails(t, 'COPY a /a\nFROM scratch', 1, /COPY before FROM/);
  fails(t, '# only a comment\n', 0, /no FROM instruction/);
  fails(t, 'FROM scratch\nRUN x', 2, /RUN is not supported/, 'app.Dockerfile');
});

t.test('malformed arguments are refused, naming the line', async (t) => {
  fails(
    t,
    "FROM scratch\nENTRYPOINT ['/app.wasm']",
    2,
    /not a JSON array of strings \(JSON needs double quotes/,
  );
  fails(t, 'FROM scratch\nCMD ["echo", 1]', 2, /not a JSON array of strings/);
  fails(t, 'FROM scratch\nCMD ["echo"', 2, /not a JSON array of strings/);
  fails(
    t,
    'FROM scratch\nENTRYPOINT /app.wasm serve --port 80',
    2,
    /shell form runs \/bin\/sh -c, and a Wasm image has no \/bin\/sh: write the exec form, e\.g\. ENTRYPOINT \["\/app\.wasm", "serve", "--port", "80"\]/,
  );
  fails(t, 'FROM scratch\nCMD echo $HOME', 2, /shell form/);
  fails(t, 'FROM scratch\nCMD', 2, /CMD needs a command/);
  fails(
    t,
    'FROM scratch\nADD https://example.com/app.wasm /app.wasm',
    2,
    /ADD https:\/\/example\.com\/app\.wasm: downloading is not supported \(builds have no network\)/,
  );
  fails(t, 'FROM scratch\nADD git@github.com:me/repo.git /src', 2, /downloading is not supported/);
  fails(t, 'FROM scratch\nCOPY "unterminated /a', 2, /unterminated " quote/);
  fails(t, 'FROM scratch\nWORKDIR /${APP', 2, /missing }/);
  fails(t, 'FROM scratch\nWORKDIR /${APP:?x}', 2, /unsupported substitution/);
  fails(t, 'FROM scratch\nCOPY only-one', 2, /at least one source and a destination/);
  fails(t, 'FROM scratch\nCOPY --from=build /a /b', 2, /multi-stage builds are not supported/);
  fails(t, 'FROM scratch\nCOPY --chown=1000 a /a', 2, /--chown/);
  fails(t, 'FROM scratch\nCOPY --chmod=rwx a /a', 2, /expected octal permission bits/);
  fails(t, 'FROM scratch\nCOPY --link a /a', 2, /unknown flag --link for COPY/);
  fails(t, 'FROM scratch\nCOPY <<EOF /a', 2, /here-documents are not supported/);
  fails(t, 'FROM scratch\nEXPOSE 70000', 2, /invalid port 70000/);
  fails(t, 'FROM scratch\nEXPOSE 80/icmp', 2, /invalid protocol "icmp"/);
  fails(t, 'FROM scratch\nEXPOSE http', 2, /invalid port "http"/);
  fails(t, 'FROM scratch\nENV LONELY', 2, /expected ENV LONELY=<value>/);
  fails(t, 'FROM scratch\nLABEL a=1 b', 2, /LABEL b: expected key=value/);
  fails(t, 'FROM scratch\nENV =x', 2, /the key is empty/);
  fails(t, 'FROM Not/A/Valid:Ref:x', 1, /FROM Not\/A\/Valid:Ref:x: invalid/);
  fails(t, 'FROM base AS', 1, /expected FROM <image> \[AS <name>\]/);
  fails(t, 'FROM $BASE', 1, /variables in FROM need ARG/);
  fails(t, 'FROM --platform=wasi scratch', 1, /expected os\/architecture/);
});
