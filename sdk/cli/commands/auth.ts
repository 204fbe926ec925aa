// `skiff auth whoami` and `skiff auth can-i`: kubectl auth, through the SDK's
// reviews. can-i prints `yes` or `no` and exits 1 on no, as kubectl does, so
// scripts can test it; `--list` prints the rules of the namespace.

import type { Command } from 'commander';
import type {
  ResourceAttributes,
  SubjectRulesReviewStatus,
} from '../../../controlplane/api/generated/index.js';
import { resourceTypeByName } from '../../../controlplane/api/resources.js';
import type { AccessQuestion } from '../../client/index.js';
import { CliError } from '../cli-error.js';
import { formatValue } from '../kube/object-printer.js';
import { TableWriter } from '../kube/table-printer.js';
import { kubeAction, kubeContext, withKubeFlags, type KubeFlags } from './kube-context.js';

interface WhoAmIFlags extends KubeFlags {
  readonly output?: string;
}

interface CanIFlags extends KubeFlags {
  readonly allNamespaces?: boolean;
  readonly list?: boolean;
  /** False with --no-headers. */
  readonly headers?: boolean;
  readonly quiet?: boolean;
  readonly subresource?: string;
}

/** kubectl's known verbs; others get a warning, and are asked all the same. */
const RESOURCE_VERBS = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'use',
  'bind',
  'impersonate',
  'escalate',
  'approve',
  'sign',
  '*',
];
const NON_RESOURCE_VERBS = ['get', 'put', 'post', 'head', 'options', 'delete', 'patch', '*'];

/** Registers `skiff auth whoami` and `skiff auth can-i`. */
export function registerAuth(program: Command): void {
  const auth = program
    .command('auth')
    .description('Inspect authentication and authorization (kubectl auth)');
  withKubeFlags(
    auth
      .command('whoami')
      .description('Print the user the credentials authenticate as (kubectl auth whoami)')
      .option('-o, --output <format>', 'json or yaml: the SelfSubjectReview'),
  ).action(
    kubeAction(async (flags: WhoAmIFlags) => {
      if (flags.output !== undefined && flags.output !== 'json' && flags.output !== 'yaml')
        throw new CliError(`--output ${flags.output} is not available`);
      const context = await kubeContext(flags);
      const user = await context.api.reviews.whoAmI();
      if (flags.output) {
        const review = {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'SelfSubjectReview',
          metadata: {},
          status: { userInfo: user },
        };
        process.stdout.write(formatValue(review, flags.output));
        return;
      }
      const rows = [
        ['ATTRIBUTE', 'VALUE'],
        ['Username', user.username ?? ''],
      ];
      if (user.uid) rows.push(['UID', user.uid]);
      rows.push(['Groups', `[${(user.groups ?? []).join(' ')}]`]);
      for (const [key, values] of Object.entries(user.extra ?? {})) {
        rows.push([`Extra: ${key}`, `[${values.join(' ')}]`]);
      }
      process.stdout.write(new TableWriter().format(rows));
    }),
  );
  withKubeFlags(
    auth
      .command('can-i')
      .description(
        'Check whether an action is allowed (kubectl auth can-i): VERB TYPE[/NAME], VERB /PATH, or --list',
      )
      .argument('[args...]', 'VERB TYPE[/NAME] | VERB /PATH')
      .option('-A, --all-namespaces', 'ask about every namespace')
      .option('--list', 'print every action allowed in the namespace')
      .option('--no-headers', 'with --list: no header line')
      .option('-q, --quiet', 'print nothing: the exit code answers')
      .option('--subresource <name>', 'the subresource (e.g. scale, status, log)'),
  ).action(
    kubeAction(async (args: string[], flags: CanIFlags) => {
      const context = await kubeContext(flags);
      const namespace = flags.allNamespaces ? '' : context.namespace;
      if (flags.list) {
        if (args.length > 0) throw new CliError('--list does not take arguments');
        const rules = await context.api.reviews.rulesIn(namespace);
        if (!flags.quiet) process.stdout.write(formatRules(rules, flags.headers !== false));
        return;
      }
      const question = questionOf(args, namespace, flags.subresource);
      const answer = await context.api.reviews.canI(question);
      if (!flags.quiet) {
        const why = [answer.reason, answer.evaluationError].filter((text) => text);
        process.stdout.write(answer.allowed ? 'yes\n' : `${['no', ...why].join(' - ')}\n`);
      }
      if (!answer.allowed) process.exitCode = 1;
    }),
  );
}

/** The review's question, as kubectl builds it from `VERB TYPE[/NAME]` or `VERB /PATH`. */
function questionOf(
  args: readonly string[],
  namespace: string,
  subresource: string | undefined,
): AccessQuestion {
  const [verb, target] = args;
  if (args.length !== 2 || verb === undefined || target === undefined) {
    throw new CliError(
      'you must specify two arguments: verb resource or verb resource/resourceName.',
    );
  }
  if (target.startsWith('/')) {
    if (subresource !== undefined) {
      throw new CliError('--subresource can not be used with NonResourceURL');
    }
    warnUnknownVerb(verb, NON_RESOURCE_VERBS);
    return { nonResourceAttributes: { verb, path: target } };
  }
  warnUnknownVerb(verb, RESOURCE_VERBS);
  const [typeName = '', name] = target.split('/', 2);
  const attributes: ResourceAttributes = {
    namespace,
    verb,
    ...resourceOf(typeName),
    ...(subresource !== undefined ? { subresource } : {}),
    ...(name ? { name } : {}),
  };
  return { resourceAttributes: attributes };
}

/** The group and plural a type name means; an unknown one is asked as written (`plural.group`). */
function resourceOf(typeName: string): { group: string; resource: string } {
  if (typeName === '*') return { group: '*', resource: '*' };
  const type = resourceTypeByName(typeName);
  if (type) return { group: type.group, resource: type.plural };
  process.stderr.write(`Warning: the server doesn't have a resource type '${typeName}'\n\n`);
  const dot = typeName.indexOf('.');
  return dot < 0
    ? { group: '', resource: typeName }
    : { group: typeName.slice(dot + 1), resource: typeName.slice(0, dot) };
}

function warnUnknownVerb(verb: string, known: readonly string[]): void {
  if (!known.includes(verb))
    process.stderr.write(`Warning: verb '${verb}' is not a known verb\n\n`);
}

/** kubectl's table of rules: one line per group and resource, then the paths. */
function formatRules(rules: SubjectRulesReviewStatus, headers: boolean): string {
  const list = (values: readonly string[] | undefined) => `[${(values ?? []).join(' ')}]`;
  const lines: string[][] = [];
  if (headers) lines.push(['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']);
  for (const rule of rules.resourceRules ?? []) {
    const groups = rule.apiGroups?.length ? rule.apiGroups : [''];
    for (const resource of rule.resources ?? []) {
      for (const group of groups) {
        const [plural = '', sub] = resource.split('/', 2);
        const named = `${plural}${group ? `.${group}` : ''}${sub ? `/${sub}` : ''}`;
        lines.push([named, '[]', list(rule.resourceNames), list(rule.verbs)]);
      }
    }
  }
  for (const rule of rules.nonResourceRules ?? []) {
    lines.push(['', list(rule.nonResourceURLs), '[]', list(rule.verbs)]);
  }
  return new TableWriter().format(lines);
}
