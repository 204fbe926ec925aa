// The build context: COPY/ADD sources stay inside it, .dockerignore hides
// files, Docker's destination rules, and ADD of local archives.

import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import t, { type Test } from 'tap';
import tar from 'tar-stream';
import { openBuildContext } from '../../runtime/images/build/build-context.js';
import { planCopy } from '../../runtime/images/build/copy-plan.js';
import { DockerIgnore } from '../../runtime/images/build/dockerignore.js';
import { DockerfileError } from '../../runtime/images/build/errors.js';
import type { LayerEntry } from '../../runtime/images/build/layer-entries.js';
import { normalizeLayer } from '../../runtime/images/build/layer-entries.js';

/** A temp dir with `files` (content strings; `->target` makes a symlink). */
async function tree(t: Test, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'skiff-context-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    if (name.endsWith('/')) await mkdir(file, { recursive: true });
    else if (content.startsWith('->')) await symlink(content.slice(2), file);
    else await writeFile(file, content);
  }
  return dir;
}

interface Copy {
  kind?: 'COPY' | 'ADD';
  sources: string[];
  destination: string;
  workingDir?: string;
  knownDirectories?: string[];
  chmod?: number;
}

async function plan(root: string, copy: Copy): Promise<LayerEntry[]> {
  const context = await openBuildContext(path.join(root, 'ctx'));
  return normalizeLayer(
    await planCopy({
      context,
      where: { file: 'Dockerfile', line: 7 },
      kind: copy.kind ?? 'COPY',
      sources: copy.sources,
      destination: copy.destination,
      workingDir: copy.workingDir ?? '/',
      knownDirectories: new Set(copy.knownDirectories ?? []),
      ...(copy.chmod === undefined ? {} : { chmod: copy.chmod }),
    }),
  );
}

const paths = (entries: LayerEntry[]): string[] =>
  entries.map((e) =>
    e.type === 'directory'
      ? `${e.path}/`
      : e.type === 'symlink'
        ? `${e.path} -> ${e.target}`
        : e.path,
  );

async function refused(t: Test, root: string, copy: Copy, pattern: RegExp): Promise<void> {
  try {
    await plan(root, copy);
    t.fail(`${copy.sources.join(' ')}: copied without an error`);
  } catch (error) {
    if (!(error instanceof DockerfileError)) throw error;
    t.ok(error.message.startsWith('Dockerfile:7: ') && pattern.test(error.message), error.message);
  }
}

t.test('paths that leave the build context are refused, naming the line', async (t) => {
  const root = await tree(t, {
    'secret.txt': 'outside',
    'ctx/app.wasm': 'wasm',
    'ctx/sub/file': 'x',
    'ctx/escape-link': '->../secret.txt',
    'ctx/abs-link': `->/etc/hostname`,
    'ctx/dir-with-bad-link/ok': 'ok',
    'ctx/dir-with-bad-link/bad': '->../../secret.txt',
    'ctx/dir-with-abs-link/bad': '->/etc',
    'ctx/linkdir': '->..',
  });
  await refused(
    t,
    root,
    { sources: ['../secret.txt'], destination: '/' },
    /COPY \.\.\/secret\.txt: the path is outside the build context/,
  );
  await refused(
    t,
    root,
    { sources: ['sub/../../secret.txt'], destination: '/' },
    /outside the build context/,
  );
  await refused(
    t,
    root,
    { sources: ['escape-link'], destination: '/x' },
    /a symlink leads outside the build context/,
  );
  await refused(
    t,
    root,
    { sources: ['abs-link'], destination: '/x' },
    /a symlink leads outside the build context/,
  );
  await refused(
    t,
    root,
    { sources: ['linkdir/secret.txt'], destination: '/x' },
    /a symlink leads outside the build context/,
  );
  await refused(
    t,
    root,
    { sources: ['dir-with-bad-link'], destination: '/d' },
    /dir-with-bad-link\/bad: the symlink to \.\.\/\.\.\/secret\.txt leads outside/,
  );
  await refused(
    t,
    root,
    { sources: ['dir-with-abs-link'], destination: '/d' },
    /a symlink to an absolute path \(\/etc\)/,
  );
  await refused(
    t,
    root,
    { sources: ['missing.wasm'], destination: '/' },
    /COPY missing\.wasm: not found in the build context/,
  );
  await refused(
    t,
    root,
    { sources: ['*.nothing'], destination: '/' },
    /no file in the build context matches/,
  );
  // A leading / names the context's root, as in Docker.
  t.same(paths(await plan(root, { sources: ['/app.wasm'], destination: '/app.wasm' })), [
    'app.wasm',
  ]);
});

t.test(
  'symlinks inside the context: followed when named, kept when met in a directory',
  async (t) => {
    const root = await tree(t, {
      'ctx/real/app.wasm': 'wasm',
      'ctx/alias.wasm': '->real/app.wasm',
      'ctx/real/current': '->app.wasm',
    });
    const named = await plan(root, { sources: ['alias.wasm'], destination: '/bin/' });
    t.same(paths(named), ['bin/', 'bin/alias.wasm'], 'named by its own name, holding the target');
    const file = named[1];
    t.equal(file?.type === 'file' ? file.size : -1, 4);
    t.same(paths(await plan(root, { sources: ['real'], destination: '/app' })), [
      'app/',
      'app/app.wasm',
      'app/current -> app.wasm',
    ]);
  },
);

t.test("Docker's destination rules", async (t) => {
  const root = await tree(t, {
    'ctx/a.wasm': 'a',
    'ctx/b.wasm': 'b',
    'ctx/site/index.html': 'hi',
    'ctx/site/css/main.css': 'body{}',
  });
  t.same(
    paths(await plan(root, { sources: ['a.wasm'], destination: '/app.wasm' })),
    ['app.wasm'],
    'file to file',
  );
  t.same(
    paths(await plan(root, { sources: ['a.wasm'], destination: '/bin/' })),
    ['bin/', 'bin/a.wasm'],
    'into a dir/',
  );
  t.same(
    paths(await plan(root, { sources: ['a.wasm'], destination: '.', workingDir: '/srv' })),
    ['srv/', 'srv/a.wasm'],
    '. is the WORKDIR',
  );
  t.same(
    paths(await plan(root, { sources: ['a.wasm'], destination: 'lib', workingDir: '/srv' })),
    ['srv/', 'srv/lib'],
    'relative to WORKDIR',
  );
  t.same(
    paths(
      await plan(root, { sources: ['a.wasm'], destination: '/srv', knownDirectories: ['srv'] }),
    ),
    ['srv/', 'srv/a.wasm'],
    'into a directory an earlier instruction made',
  );
  t.same(
    paths(await plan(root, { sources: ['site'], destination: '/www' })),
    ['www/', 'www/css/', 'www/css/main.css', 'www/index.html'],
    'a directory: its contents',
  );
  t.same(paths(await plan(root, { sources: ['*.wasm'], destination: '/bin/' })), [
    'bin/',
    'bin/a.wasm',
    'bin/b.wasm',
  ]);
  t.same(paths(await plan(root, { sources: ['[ab].wasm', 'site/*.html'], destination: '/x/' })), [
    'x/',
    'x/a.wasm',
    'x/b.wasm',
    'x/index.html',
  ]);
  await refused(
    t,
    root,
    { sources: ['*.wasm'], destination: '/bin' },
    /with several sources the destination must be a directory ending in \//,
  );
  const chmodded = await plan(root, { sources: ['site'], destination: '/www', chmod: 0o700 });
  t.ok(
    chmodded.filter((e) => e.path !== '').every((e) => e.type === 'symlink' || e.mode === 0o700),
    '--chmod applies to everything copied',
  );
});

t.test('.dockerignore hides files from COPY', async (t) => {
  const root = await tree(t, {
    'ctx/.dockerignore':
      '# build outputs\n*.log\n/secret\n**/*.tmp\n!secret/public.txt\nnode_modules\n',
    'ctx/app.wasm': 'wasm',
    'ctx/debug.log': 'log',
    'ctx/sub/debug.log': 'kept: *.log matches one level only',
    'ctx/sub/deep/x.tmp': 'tmp',
    'ctx/secret/key.pem': 'key',
    'ctx/secret/public.txt': 'public',
    'ctx/node_modules/dep/index.js': 'js',
  });
  t.same(paths(await plan(root, { sources: ['.'], destination: '/app/' })), [
    'app/',
    'app/.dockerignore',
    'app/app.wasm',
    'app/secret/',
    'app/secret/public.txt',
    'app/sub/',
    'app/sub/debug.log',
    'app/sub/deep/',
  ]);
  await refused(
    t,
    root,
    { sources: ['debug.log'], destination: '/' },
    /COPY debug\.log: excluded by \.dockerignore/,
  );
  await refused(
    t,
    root,
    { sources: ['node_modules/dep/index.js'], destination: '/' },
    /excluded by \.dockerignore/,
  );
  t.same(paths(await plan(root, { sources: ['*.wasm', 's*/*.log'], destination: '/x/' })), [
    'x/',
    'x/app.wasm',
    'x/debug.log',
  ]);
  await refused(
    t,
    root,
    { sources: ['*.log'], destination: '/x/' },
    /COPY \*\.log: no file in the build context matches/,
  );
});

t.test('DockerIgnore patterns', async (t) => {
  const ignore = DockerIgnore.parse(
    '  docs/*.md  \n#comment\n./build/\n!build/keep\nfoo?\n[ab]c\n**/cache\n',
  );
  const cases: [string, boolean][] = [
    ['docs/a.md', true],
    ['docs/sub/a.md', false],
    ['build', true],
    ['build/out.wasm', true],
    ['build/keep', false],
    ['foo1', true],
    ['foo12', false],
    ['ac', true],
    ['cc', false],
    ['cache', true],
    ['x/y/cache/z', true],
    ['README.md', false],
  ];
  for (const [file, ignored] of cases) t.equal(ignore.ignores(file), ignored, file);
  t.throws(() => DockerIgnore.parse('ok\n[unterminated\n'), /\.dockerignore:2: unterminated \[/);
});

async function tarOf(
  entries: {
    name: string;
    type?: 'file' | 'directory' | 'symlink' | 'link';
    body?: string;
    linkname?: string;
  }[],
): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    const header = {
      name: e.name,
      type: e.type ?? 'file',
      mode: e.type === 'directory' ? 0o755 : 0o640,
      ...(e.linkname ? { linkname: e.linkname } : {}),
    };
    if (header.type === 'file') pack.entry(header, Buffer.from(e.body ?? ''));
    else pack.entry(header);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

t.test(
  'ADD unpacks local tar and tar.gz archives into the destination; COPY does not',
  async (t) => {
    const archive = await tarOf([
      { name: './', type: 'directory' },
      { name: './static/', type: 'directory' },
      { name: './static/index.html', body: '<h1>hi</h1>' },
      { name: 'static/latest', type: 'symlink', linkname: 'index.html' },
      { name: 'static/copy.html', type: 'link', linkname: 'static/index.html' },
    ]);
    const root = await tree(t, {});
    await mkdir(path.join(root, 'ctx'));
    await writeFile(path.join(root, 'ctx', 'site.tar'), archive);
    await writeFile(path.join(root, 'ctx', 'site.tgz'), gzipSync(archive));
    await writeFile(path.join(root, 'ctx', 'notes.txt.gz'), gzipSync('just text'));
    const expected = [
      'srv/',
      'srv/static/',
      'srv/static/copy.html',
      'srv/static/index.html',
      'srv/static/latest -> index.html',
    ];
    t.same(
      paths(await plan(root, { kind: 'ADD', sources: ['site.tar'], destination: '/srv' })),
      expected,
      'tar',
    );
    const gz = await plan(root, { kind: 'ADD', sources: ['site.tgz'], destination: '/srv' });
    t.same(paths(gz), expected, 'tar.gz');
    const link = gz.find((e) => e.path === 'srv/static/copy.html');
    t.same(
      link?.type === 'hardlink' ? link.target : undefined,
      'srv/static/index.html',
      'hard links retargeted',
    );
    const html = gz.find((e) => e.path === 'srv/static/index.html');
    t.equal(html?.type === 'file' ? html.mode : -1, 0o640, 'modes from the archive');
    t.same(
      paths(await plan(root, { kind: 'ADD', sources: ['notes.txt.gz'], destination: '/n/' })),
      ['n/', 'n/notes.txt.gz'],
      'a gzip that is not a tar is copied',
    );
    t.same(
      paths(await plan(root, { kind: 'COPY', sources: ['site.tgz'], destination: '/srv/' })),
      ['srv/', 'srv/site.tgz'],
      'COPY copies archives as they are',
    );
  },
);

t.test('ADD refuses archives that would write outside or that it cannot unpack', async (t) => {
  const root = await tree(t, { 'ctx/bz.tar.bz2': 'BZh91AY&SY' });
  await writeFile(
    path.join(root, 'ctx', 'evil.tar'),
    await tarOf([{ name: '../../etc/passwd', body: 'x' }]),
  );
  await writeFile(
    path.join(root, 'ctx', 'evil-link.tar'),
    await tarOf([{ name: 'up', type: 'symlink', linkname: '../../..' }]),
  );
  await writeFile(
    path.join(root, 'ctx', 'evil-hard.tar'),
    await tarOf([{ name: 'h', type: 'link', linkname: 'not-there' }]),
  );
  await refused(
    t,
    root,
    { kind: 'ADD', sources: ['evil.tar'], destination: '/srv' },
    /ADD evil\.tar: \.\.\/\.\.\/etc\/passwd: a path with "\.\." could write outside/,
  );
  await refused(
    t,
    root,
    { kind: 'ADD', sources: ['evil-link.tar'], destination: '/srv' },
    /the symlink to \.\.\/\.\.\/\.\. leaves the image root/,
  );
  await refused(
    t,
    root,
    { kind: 'ADD', sources: ['evil-hard.tar'], destination: '/srv' },
    /hard link to not-there, which is not earlier/,
  );
  await refused(
    t,
    root,
    { kind: 'ADD', sources: ['bz.tar.bz2'], destination: '/srv' },
    /only tar and tar\.gz archives can be unpacked/,
  );
  await refused(
    t,
    root,
    { kind: 'ADD', sources: ['http://example.com/x.tar'], destination: '/srv' },
    /downloading is not supported/,
  );
});
