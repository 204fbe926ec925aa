import t from 'tap';
import { hoistGlobalFlags } from '../../sdk/cli/kube/global-flags.js';

t.test("kubectl's global flags before the command move after it", async (t) => {
  t.same(hoistGlobalFlags(['-n', 'kube-system', 'get', 'pods']), [
    'get',
    'pods',
    '-n',
    'kube-system',
  ]);
  t.same(hoistGlobalFlags(['--kubeconfig=k.yaml', '--context', 'c', 'get', 'pods', '-o', 'wide']), [
    'get',
    'pods',
    '-o',
    'wide',
    '--kubeconfig=k.yaml',
    '--context',
    'c',
  ]);
  t.same(
    hoistGlobalFlags([
      '--insecure-skip-tls-verify',
      '-s',
      'https://h:6443',
      'auth',
      'can-i',
      'get',
      'pods',
    ]),
    ['auth', 'can-i', 'get', 'pods', '--insecure-skip-tls-verify', '-s', 'https://h:6443'],
    'a nested command keeps its words together',
  );
  t.same(
    hoistGlobalFlags(['-n', 'apps', 'exec', 'web', '--', 'ls', '-n']),
    ['exec', 'web', '-n', 'apps', '--', 'ls', '-n'],
    "before the `--` of a container's command line, never into it",
  );
});

t.test('anything else is left as written', async (t) => {
  t.same(hoistGlobalFlags(['get', 'pods', '-n', 'x']), ['get', 'pods', '-n', 'x']);
  t.same(hoistGlobalFlags(['--help']), ['--help']);
  t.same(hoistGlobalFlags(['--version']), ['--version']);
  t.same(hoistGlobalFlags(['-n']), ['-n'], 'a flag without its value is the parser’s to report');
  t.same(
    hoistGlobalFlags(['--output', 'json', 'get']),
    ['--output', 'json', 'get'],
    'not a global flag',
  );
  t.same(hoistGlobalFlags([]), []);
});
