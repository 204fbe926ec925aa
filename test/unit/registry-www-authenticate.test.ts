import t from 'tap';
import { parseWwwAuthenticate } from '../../runtime/images/distribution/www-authenticate.js';

t.test('a Bearer challenge with quoted commas in its scope', async (t) => {
  const header =
    'Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:team/kubia:pull,push"';
  t.same(parseWwwAuthenticate(header), [
    {
      scheme: 'bearer',
      params: {
        realm: 'https://auth.example.com/token',
        service: 'registry.example.com',
        scope: 'repository:team/kubia:pull,push',
      },
    },
  ]);
});

t.test('Basic, case-insensitive names, spaces and unquoted values', async (t) => {
  t.same(parseWwwAuthenticate('Basic realm="skiff-test"'), [
    { scheme: 'basic', params: { realm: 'skiff-test' } },
  ]);
  t.same(parseWwwAuthenticate('BEARER  Realm = http://127.0.0.1:1/token , Service=reg'), [
    { scheme: 'bearer', params: { realm: 'http://127.0.0.1:1/token', service: 'reg' } },
  ]);
});

t.test('several challenges in one header (repeated headers are joined with ", ")', async (t) => {
  const parsed = parseWwwAuthenticate(
    'Bearer realm="https://a/token",scope="repository:a:pull,push repository:b:pull",error="insufficient_scope", Basic realm="x, y", Negotiate',
  );
  t.same(
    parsed.map((c) => c.scheme),
    ['bearer', 'basic', 'negotiate'],
  );
  t.equal(parsed[0]?.params.scope, 'repository:a:pull,push repository:b:pull');
  t.equal(parsed[0]?.params.error, 'insufficient_scope');
  t.equal(parsed[1]?.params.realm, 'x, y');
});

t.test('escapes, token68 and junk', async (t) => {
  t.same(parseWwwAuthenticate('Basic realm="say \\"hi\\""'), [
    { scheme: 'basic', params: { realm: 'say "hi"' } },
  ]);
  t.same(parseWwwAuthenticate('Negotiate abc123=='), [
    { scheme: 'negotiate', params: { token68: 'abc123==' } },
  ]);
  t.same(parseWwwAuthenticate(''), []);
  t.same(parseWwwAuthenticate('Basic realm="unterminated'), [
    { scheme: 'basic', params: { realm: 'unterminated' } },
  ]);
});
