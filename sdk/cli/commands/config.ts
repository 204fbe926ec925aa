// `skiff config view|current-context|get-contexts|use-context|set-context`:
// kubectl config, on the same kubeconfig files skiff and kubectl read
// (--kubeconfig, else $KUBECONFIG, else $SKIFF_HOME/config).

import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import {
  currentContext,
  mergedEntries,
  readKubeconfigFiles,
  setCurrentContext,
  upsertContext,
  type NamedEntry,
} from '../kube/kubeconfig-edit.js';
import { formatValue } from '../kube/object-printer.js';
import { TableWriter } from '../kube/table-printer.js';
import { kubeAction } from './kube-context.js';

interface FileFlags {
  readonly kubeconfig?: string;
}

interface ViewFlags extends FileFlags {
  readonly minify?: boolean;
  readonly raw?: boolean;
  readonly output: string;
}

interface SetContextFlags extends FileFlags {
  readonly current?: boolean;
  readonly namespace?: string;
  readonly cluster?: string;
  readonly user?: string;
}

/** Registers `skiff config`. */
export function registerConfig(program: Command): void {
  const config = program
    .command('config')
    .description('Show and change kubeconfig files (kubectl config)');
  const command = (name: string, description: string) =>
    config
      .command(name)
      .description(description)
      .option('--kubeconfig <file>', 'the kubeconfig file to use');

  command('view', 'Show the merged kubeconfig, credentials hidden unless --raw')
    .option('--minify', 'only what the current context uses')
    .option('--raw', 'show credentials and certificate data as they are')
    .option('-o, --output <format>', 'yaml or json', 'yaml')
    .action(
      kubeAction(async (flags: ViewFlags) => {
        if (flags.output !== 'yaml' && flags.output !== 'json')
          throw new CliError(
            `unable to match a printer suitable for the output format "${flags.output}", allowed formats are: json,yaml`,
          );
        const files = await readKubeconfigFiles(flags.kubeconfig);
        const current = currentContext(files);
        let contexts = mergedEntries(files, 'contexts');
        let clusters = mergedEntries(files, 'clusters');
        let users = mergedEntries(files, 'users');
        if (flags.minify) {
          if (current === undefined)
            throw new CliError('current-context must exist in order to minify');
          contexts = contexts.filter((entry) => entry.name === current);
          const used = contexts[0]?.body ?? {};
          clusters = clusters.filter((entry) => entry.name === used['cluster']);
          users = users.filter((entry) => entry.name === used['user']);
        }
        const hide = (entry: NamedEntry) =>
          flags.raw ? entry : { ...entry, body: redacted(entry.body) };
        const view = {
          apiVersion: 'v1',
          clusters: clusters.map(hide).map(({ name, body }) => ({ cluster: body, name })),
          contexts: contexts.map(({ name, body }) => ({ context: body, name })),
          'current-context': current ?? '',
          kind: 'Config',
          preferences: {},
          users: users.map(hide).map(({ name, body }) => ({ name, user: body })),
        };
        process.stdout.write(formatValue(view, flags.output));
      }),
    );

  command('current-context', 'Print the current context').action(
    kubeAction(async (flags: FileFlags) => {
      const current = currentContext(await readKubeconfigFiles(flags.kubeconfig));
      if (current === undefined) throw new CliError('current-context is not set');
      process.stdout.write(`${current}\n`);
    }),
  );

  command('get-contexts', 'List the contexts (or the ones named)')
    .argument('[names...]', 'contexts to show')
    .option('--no-headers', 'print the table without its header line')
    .option('-o, --output <format>', 'name: the names only')
    .action(
      kubeAction(
        async (names: string[], flags: FileFlags & { headers: boolean; output?: string }) => {
          const files = await readKubeconfigFiles(flags.kubeconfig);
          const current = currentContext(files);
          const all = mergedEntries(files, 'contexts');
          const missing = names.filter((name) => !all.some((entry) => entry.name === name));
          const shown = names.length > 0 ? all.filter((entry) => names.includes(entry.name)) : all;
          if (flags.output === 'name')
            process.stdout.write(shown.map((e) => `${e.name}\n`).join(''));
          else if (flags.output !== undefined)
            throw new CliError(`output must be one of '' or 'name': ${flags.output}`);
          else {
            const header = flags.headers
              ? [['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE']]
              : [];
            const rows = shown.map(({ name, body }) => [
              name === current ? '*' : '',
              name,
              String(body['cluster'] ?? ''),
              String(body['user'] ?? ''),
              String(body['namespace'] ?? ''),
            ]);
            process.stdout.write(new TableWriter().format([...header, ...rows]));
          }
          if (missing.length > 0)
            throw new CliError(
              `context ${missing.map((name) => `"${name}"`).join(', ')} not found`,
            );
        },
      ),
    );

  command('use-context', 'Make a context the current one')
    .argument('<name>', 'the context')
    .action(
      kubeAction(async (name: string, flags: FileFlags) => {
        const files = await readKubeconfigFiles(flags.kubeconfig);
        if (!mergedEntries(files, 'contexts').some((entry) => entry.name === name))
          throw new CliError(`no context exists with the name: "${name}"`);
        await setCurrentContext(files, name);
        process.stdout.write(`Switched to context "${name}".\n`);
      }),
    );

  command('set-context', 'Create or change a context (--current: the current one)')
    .argument('[name]', 'the context')
    .option('--current', 'change the current context')
    .option('--namespace <namespace>', 'the namespace the context works in')
    .option('--cluster <cluster>', 'the cluster of the context')
    .option('--user <user>', 'the user of the context')
    .action(
      kubeAction(async (given: string | undefined, flags: SetContextFlags) => {
        const files = await readKubeconfigFiles(flags.kubeconfig);
        if (flags.current && given !== undefined)
          throw new CliError('you cannot specify a context name and --current');
        const name = flags.current ? currentContext(files) : given;
        if (flags.current && name === undefined) throw new CliError('no current context is set');
        if (name === undefined)
          throw new CliError('you must specify a non-empty context name or --current');
        const fields = { namespace: flags.namespace, cluster: flags.cluster, user: flags.user };
        const created = await upsertContext(files, name, fields);
        process.stdout.write(`Context "${name}" ${created ? 'created' : 'modified'}.\n`);
      }),
    );
}

/** kubectl's redaction: certificate and key data omitted, tokens and passwords redacted. */
function redacted(body: Record<string, unknown>): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key.endsWith('-data')) shown[key] = 'DATA+OMITTED';
    else if (key === 'token' || key === 'password') shown[key] = 'REDACTED';
    else shown[key] = value;
  }
  return shown;
}
