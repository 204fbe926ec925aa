import t from 'tap';
import type { ContainerSpec, ResolvedImage } from '../../runtime/index.js';
import { argvOf, envOf } from '../../runtime/wasm/wasm-runtime.js';
import { specFor, testSandbox } from '../helpers/runtime.js';

const image: ResolvedImage = {
  ref: 'registry.local/app:v1',
  digest: 'sha256:00',
  kind: 'wasm',
  wasmPath: '/images/app/rootfs/app.wasm',
  config: {
    entrypoint: ['/app.wasm', '--serve'],
    cmd: ['--port', '80'],
    env: ['MODE=prod', 'EMPTY'],
  },
};
const spec = (extra: Partial<ContainerSpec>): ContainerSpec => ({
  ...specFor(image, []),
  args: undefined,
  ...extra,
});

t.test("argv follows Kubernetes' command/args rules", async (t) => {
  t.same(argvOf(spec({})), ['/app.wasm', '--serve', '--port', '80'], 'entrypoint + cmd');
  t.same(
    argvOf(spec({ args: ['--port', '8080'] })),
    ['/app.wasm', '--serve', '--port', '8080'],
    'args replace cmd',
  );
  t.same(argvOf(spec({ command: ['/tool.wasm'] })), ['/tool.wasm'], 'command drops cmd');
  t.same(argvOf(spec({ command: ['/tool.wasm'], args: ['x'] })), ['/tool.wasm', 'x']);
  const bare: ResolvedImage = { ...image, config: {} };
  t.same(
    argvOf({ ...spec({ args: ['hi'] }), image: bare }),
    ['app.wasm', 'hi'],
    'a bare module is argv[0]',
  );
});

t.test('env: image, then HOSTNAME, then the spec; later wins', async (t) => {
  const env = envOf(
    spec({
      env: [
        { name: 'MODE', value: 'dev' },
        { name: 'X', value: '1' },
      ],
    }),
    testSandbox('pod-1'),
  );
  t.same(env, [
    ['MODE', 'dev'],
    ['EMPTY', ''],
    ['HOSTNAME', 'pod-1'],
    ['X', '1'],
  ]);
  t.same(envOf(spec({ env: [{ name: 'HOSTNAME', value: 'mine' }] }), testSandbox('pod-1')).at(-1), [
    'HOSTNAME',
    'mine',
  ]);
});
