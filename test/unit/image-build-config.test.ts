// How Dockerfile lines change the image config, starting from a base config.

import t from 'tap';
import type { ConfigInstruction } from '../../runtime/images/build/config-state.js';
import { ConfigState } from '../../runtime/images/build/config-state.js';
import type { Instruction } from '../../runtime/images/build/index.js';
import { parseDockerfile } from '../../runtime/images/build/index.js';
import type { ImageConfigFile } from '../../runtime/images/oci/types.js';

const platform = { os: 'wasi', architecture: 'wasm' };

function isConfigInstruction(instruction: Instruction): instruction is ConfigInstruction {
  return !['FROM', 'COPY', 'ADD'].includes(instruction.kind);
}

/** Applies the config lines of `dockerfile` (after FROM) to `base`. */
function apply(dockerfile: string, base?: ImageConfigFile): ConfigState {
  const state = new ConfigState(base, platform);
  for (const instruction of parseDockerfile(`FROM scratch\n${dockerfile}`)) {
    if (!isConfigInstruction(instruction)) continue;
    state.apply(instruction, { file: 'Dockerfile', line: instruction.line });
    state.addConfigHistory(instruction.text, '2024-01-01T00:00:00Z');
  }
  return state;
}

const base: ImageConfigFile = {
  architecture: 'wasm',
  os: 'wasi',
  config: {
    Entrypoint: ['/base.wasm'],
    Cmd: ['serve'],
    Env: ['PATH=/bin', 'MODE=base'],
    WorkingDir: '/base',
    Labels: { from: 'base' },
    ExposedPorts: { '80/tcp': {} },
    User: 'kept-as-is',
  },
  rootfs: { type: 'layers', diff_ids: ['sha256:' + 'a'.repeat(64)] },
  history: [{ created_by: 'COPY base.wasm /', created: '2020-01-01T00:00:00Z' }],
};

t.test(
  'ENV: values expand in the environment before the line, keys keep their order',
  async (t) => {
    const state = apply('ENV A=1\nENV A=2 B=$A C=${MODE}-x\nENV MODE=mine', base);
    t.same(state.env.get('B'), '1', 'B sees the A of the previous line');
    const config = state.toConfigFile('2024-01-01T00:00:00Z');
    t.same(config.config?.Env, ['PATH=/bin', 'MODE=mine', 'A=2', 'B=1', 'C=base-x']);
  },
);

t.test('ENTRYPOINT drops an inherited CMD, but not a CMD of this Dockerfile', async (t) => {
  t.same(apply('ENTRYPOINT ["/app.wasm"]', base).toConfigFile('x').config?.Cmd, undefined);
  t.same(apply('CMD ["a"]\nENTRYPOINT ["/app.wasm"]', base).toConfigFile('x').config?.Cmd, ['a']);
  t.same(apply('CMD ["b"]', base).toConfigFile('x').config?.Entrypoint, ['/base.wasm']);
});

t.test('WORKDIR is relative to the previous one and expands variables', async (t) => {
  t.equal(
    apply('WORKDIR app\nWORKDIR ../data', base).workingDir,
    '/base/data',
    'from the base WORKDIR',
  );
  t.equal(apply('WORKDIR /a/b\nWORKDIR ../c').workingDir, '/a/c');
  t.equal(apply('ENV ROOT=/srv\nWORKDIR $ROOT/app').workingDir, '/srv/app');
  t.equal(apply('').workingDir, '/', 'none set: /');
});

t.test('LABEL and EXPOSE add to the base, sorted; unknown base fields are kept', async (t) => {
  const config = apply(
    'ENV PORT=8080\nLABEL b=2 a="x y"\nEXPOSE $PORT 53/udp\nLABEL from=me',
    base,
  ).toConfigFile('2024-01-01T00:00:00Z');
  t.same(config.config?.Labels, { a: 'x y', b: '2', from: 'me' });
  t.same(Object.keys(config.config?.Labels ?? {}), ['a', 'b', 'from']);
  t.same(Object.keys(config.config?.ExposedPorts ?? {}), ['53/udp', '80/tcp', '8080/tcp']);
  t.equal(config.config?.User, 'kept-as-is');
  t.same(config.rootfs.diff_ids, base.rootfs.diff_ids);
  t.same(
    config.history?.map((h) => [h.created_by, h.empty_layer ?? false]),
    [
      ['COPY base.wasm /', false],
      ['ENV PORT=8080', true],
      ['LABEL b=2 a="x y"', true],
      ['EXPOSE $PORT 53/udp', true],
      ['LABEL from=me', true],
    ],
  );
});

t.test('values that are only wrong once expanded name the line', async (t) => {
  t.throws(() => apply('ENV P=http\nEXPOSE $P'), /Dockerfile:3: EXPOSE: invalid port "http"/);
  t.throws(() => apply('WORKDIR $NOTHING'), /Dockerfile:2: WORKDIR expands to an empty path/);
  t.throws(() => apply('ENV $NOTHING=1'), /Dockerfile:2: ENV: a key expands to nothing/);
});

t.test('FROM scratch: only what the Dockerfile sets', async (t) => {
  const config = apply('CMD ["x"]').toConfigFile('2024-01-01T00:00:00Z');
  t.same(config, {
    created: '2024-01-01T00:00:00Z',
    architecture: 'wasm',
    os: 'wasi',
    config: { Cmd: ['x'] },
    rootfs: { type: 'layers', diff_ids: [] },
    history: [
      {
        created: '2024-01-01T00:00:00Z',
        created_by: 'CMD ["x"]',
        comment: 'skiff build',
        empty_layer: true,
      },
    ],
  });
});
