// Label and field selectors: Kubernetes' grammar, matching and error
// messages, and the 400 a list request gets for one that does not parse.

import t from 'tap';
import { ApiError } from '../../controlplane/api/errors.js';
import { RESOURCE_TYPES, type ResourceType } from '../../controlplane/api/resources.js';
import {
  fieldSelectorRequirements,
  formatFieldRequirement,
  formatLabelSelector,
  isSelectableField,
  labelSelectorMatcher,
  matchesFields,
  matchesLabelSelector,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
  unsupportedFieldMessage,
} from '../../controlplane/api/selectors/index.js';
import type { KubeObject } from '../../controlplane/api/types.js';

function typeOf(kind: string): ResourceType {
  const type = RESOURCE_TYPES.find((r) => r.kind === kind);
  if (!type) throw new Error(`no resource type ${kind}`);
  return type;
}

/** The message parsing `text` fails with. */
function labelError(text: string): string {
  try {
    parseLabelSelector(text);
  } catch (error) {
    if (error instanceof SelectorError) return error.message;
    throw error;
  }
  return '(parsed)';
}

function fieldError(text: string): string {
  try {
    parseFieldSelector(text);
  } catch (error) {
    if (error instanceof SelectorError) return error.message;
    throw error;
  }
  return '(parsed)';
}

const web = { app: 'web', tier: 'frontend', version: '3' };
const db = { app: 'db', tier: 'backend' };
const bare = {};

t.test('label selector operators', async (t) => {
  const matches = (text: string): string[] => {
    const match = labelSelectorMatcher(text);
    return Object.entries({ web, db, bare })
      .filter(([, labels]) => match(labels))
      .map(([name]) => name);
  };
  t.same(matches(''), ['web', 'db', 'bare'], 'the empty selector selects everything');
  t.same(matches('app=web'), ['web']);
  t.same(matches('app==web'), ['web']);
  t.same(matches('app!=web'), ['db', 'bare'], 'a missing label is not equal');
  t.same(matches('tier in (frontend, backend)'), ['web', 'db']);
  t.same(matches('tier notin (frontend)'), ['db', 'bare']);
  t.same(matches('version'), ['web'], 'exists');
  t.same(matches('!version'), ['db', 'bare'], 'does not exist');
  t.same(matches('app,!version'), ['db']);
  t.same(matches('app=web,tier=frontend'), ['web'], 'requirements are ANDed');
  t.same(matches('version>2'), ['web']);
  t.same(matches('version<3'), []);
  t.same(matches('  app = db  '), ['db'], 'blanks around tokens are fine');
  t.same(matches('app in (in,notin)'), [], 'in and notin are values inside parentheses');
  t.same(matches('example.com/team=x'), [], 'prefixed keys');
  t.same(matches('tier in (frontend,)'), ['web'], 'an empty value in a set');
});

t.test('parsed requirements are sorted by key and print back canonically', async (t) => {
  t.same(parseLabelSelector('tier in (b,a),app=web,!canary'), [
    { key: 'app', operator: '=', values: ['web'] },
    { key: 'canary', operator: '!', values: [] },
    { key: 'tier', operator: 'in', values: ['a', 'b'] },
  ]);
  t.equal(
    formatLabelSelector({
      matchLabels: { tier: 'web', app: 'kubia' },
      matchExpressions: [
        { key: 'env', operator: 'NotIn', values: ['prod', 'dev'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'team', operator: 'Exists' },
      ],
    }),
    'app=kubia,!canary,env notin (dev,prod),team,tier=web',
  );
});

t.test('label selector syntax errors, as Kubernetes words them', async (t) => {
  t.equal(
    labelError('app web'),
    "unable to parse requirement: found 'web', expected: in, notin, =, ==, !=, gt, lt",
  );
  t.equal(labelError('=web'), "found '=', expected: !, identifier, or 'end of string'");
  t.equal(labelError('app=web,'), "found '', expected: identifier after ','");
  t.equal(labelError('app=web tier=x'), "found 'tier', expected: ',' or 'end of string'");
  t.equal(
    labelError('tier in frontend'),
    "unable to parse requirement: found 'frontend' expected: '('",
  );
  t.equal(
    labelError('tier in (a b)'),
    "unable to parse requirement: found 'b', expected: ',' or ')'",
  );
  t.equal(labelError('!app=web'), "found '=', expected: ',' or 'end of string'");
  t.equal(labelError('app=>x'), "unable to parse requirement: found '>', expected: identifier");
  t.equal(
    labelError('a~b=c').split(': ').slice(0, 3).join(': '),
    'unable to parse requirement: <nil>: Invalid value',
  );
  t.equal(
    labelError('app=-web'),
    "unable to parse requirement: values[0][app]: Invalid value: \"-web\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  );
  t.equal(
    labelError('version>x'),
    "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer",
  );
});

t.test('a bad label selector in a request is a 400 BadRequest', async (t) => {
  try {
    labelSelectorMatcher('app web');
    t.fail('parsed');
  } catch (error) {
    t.ok(error instanceof ApiError);
    if (!(error instanceof ApiError)) return;
    t.equal(error.code, 400);
    t.equal(error.reason, 'BadRequest');
    t.equal(
      error.status.message,
      "unable to parse requirement: found 'web', expected: in, notin, =, ==, !=, gt, lt",
    );
  }
});

t.test('LabelSelector objects', async (t) => {
  t.ok(matchesLabelSelector({ matchLabels: { app: 'web' } }, web));
  t.notOk(
    matchesLabelSelector(
      {
        matchLabels: { app: 'web' },
        matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }],
      },
      web,
    ),
  );
  t.ok(matchesLabelSelector({ matchExpressions: [{ key: 'version', operator: 'Exists' }] }, web));
  t.ok(
    matchesLabelSelector({ matchExpressions: [{ key: 'version', operator: 'DoesNotExist' }] }, db),
  );
  t.ok(matchesLabelSelector({}, bare), 'an empty selector matches everything');
  t.notOk(matchesLabelSelector(undefined, bare), 'an absent one nothing');
});

t.test(
  'field selectors: metadata.name, metadata.namespace, spec.nodeName, status.phase',
  async (t) => {
    const pod = (name: string, nodeName: string | undefined, phase: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: { containers: [], ...(nodeName ? { nodeName } : {}) },
      status: { phase },
    });
    const pods = [
      pod('a', 'n1', 'Running'),
      pod('b', undefined, 'Pending'),
      pod('c', 'n2', 'Failed'),
    ];
    const type = typeOf('Pod');
    const select = (text: string): string[] => {
      const requirements = fieldSelectorRequirements(text);
      return pods
        .filter((p) => matchesFields(type, p, requirements))
        .map((p) => p.metadata.name ?? '');
    };
    t.same(select('metadata.name=a'), ['a']);
    t.same(select('metadata.name==b'), ['b']);
    t.same(select('metadata.namespace=default,metadata.name!=a'), ['b', 'c']);
    t.same(select('spec.nodeName='), ['b'], 'an unset field selects as empty');
    t.same(select('spec.nodeName!='), ['a', 'c']);
    t.same(select('status.phase!=Failed,status.phase!=Succeeded'), ['a', 'b']);
    t.same(select(''), ['a', 'b', 'c']);
    for (const field of ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase']) {
      t.ok(isSelectableField(type, field), field);
    }
    t.notOk(isSelectableField(type, 'spec.containers'));
    t.equal(
      unsupportedFieldMessage(type, 'spec.containers'),
      'field label not supported: spec.containers',
    );
    t.notOk(isSelectableField(typeOf('Deployment'), 'status.phase'));
  },
);

t.test('field selector syntax: operators, escapes, errors', async (t) => {
  t.same(parseFieldSelector('status.phase!=Running,metadata.name==x'), [
    { field: 'metadata.name', operator: '=', value: 'x' },
    { field: 'status.phase', operator: '!=', value: 'Running' },
  ]);
  t.same(parseFieldSelector('metadata.name=a\\,b\\=c\\\\d'), [
    { field: 'metadata.name', operator: '=', value: 'a,b=c\\d' },
  ]);
  t.equal(
    formatFieldRequirement({ field: 'metadata.name', operator: '=', value: 'a,b' }),
    'metadata.name=a\\,b',
  );
  t.equal(
    fieldError('metadata.name'),
    "invalid selector: 'metadata.name'; can't understand 'metadata.name'",
  );
  t.equal(
    fieldError('metadata.name=a=b'),
    'invalid field selector: unescaped character in value: 61',
  );
  t.equal(fieldError('metadata.name=a\\x'), 'invalid field selector: invalid escape sequence: \\x');
  t.equal(fieldError('metadata.name=a\\'), 'invalid field selector: invalid escape sequence: \\');
  try {
    fieldSelectorRequirements('status.phase');
    t.fail('parsed');
  } catch (error) {
    t.ok(error instanceof ApiError && error.code === 400 && error.reason === 'BadRequest');
  }
});
