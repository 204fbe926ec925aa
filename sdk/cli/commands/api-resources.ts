// `skiff api-resources`: the resource types the server's discovery documents
// list, as kubectl api-resources prints them (subresources left out, sorted by
// group then name, the core group first); `skiff api-versions`: the
// group/versions they are served at, as kubectl api-versions lists them.

import type { Command } from 'commander';
import type { DiscoveredResource } from '../../client/index.js';
import { CliError } from '../cli-error.js';
import { TableWriter } from '../kube/table-printer.js';
import { kubeAction, kubeContext, withKubeFlags, type KubeFlags } from './kube-context.js';

interface ApiResourcesFlags extends KubeFlags {
  readonly output?: string;
  readonly namespaced?: string;
  readonly apiGroup?: string;
}

/** Registers `skiff api-resources` and `skiff api-versions`. */
export function registerApiResources(program: Command): void {
  withKubeFlags(
    program
      .command('api-versions')
      .description(
        'Print the API versions the server serves, as group/version (kubectl api-versions)',
      ),
  ).action(
    kubeAction(async (flags: KubeFlags) => {
      const context = await kubeContext(flags);
      const versions = new Set(
        (await context.api.discover()).map((r) =>
          r.group ? `${r.group}/${r.version}` : r.version,
        ),
      );
      process.stdout.write(
        [...versions]
          .sort()
          .map((version) => `${version}\n`)
          .join(''),
      );
    }),
  );

  withKubeFlags(
    program
      .command('api-resources')
      .description('Print the supported API resources on the server (kubectl api-resources)')
      .option('-o, --output <format>', 'wide (adds VERBS and CATEGORIES) or name')
      .option(
        '--namespaced <bool>',
        'true: only namespaced resources; false: only cluster-scoped ones',
      )
      .option('--api-group <group>', "only this API group ('' for the core group)"),
  ).action(
    kubeAction(async (flags: ApiResourcesFlags) => {
      if (flags.output !== undefined && flags.output !== 'wide' && flags.output !== 'name')
        throw new CliError(`--output ${flags.output} is not available`);
      if (
        flags.namespaced !== undefined &&
        flags.namespaced !== 'true' &&
        flags.namespaced !== 'false'
      )
        throw new CliError(`invalid argument "${flags.namespaced}" for "--namespaced" flag`);
      const context = await kubeContext(flags);
      const resources = (await context.api.discover())
        .filter((r) => !r.name.includes('/'))
        .filter((r) => flags.namespaced === undefined || String(r.namespaced) === flags.namespaced)
        .filter((r) => flags.apiGroup === undefined || r.group === flags.apiGroup)
        .sort(byGroupThenName);
      if (flags.output === 'name') {
        const names = resources.map((r) => (r.group ? `${r.name}.${r.group}` : r.name));
        process.stdout.write(names.map((name) => name + '\n').join(''));
        return;
      }
      process.stdout.write(formatResources(resources, flags.output === 'wide'));
    }),
  );
}

function byGroupThenName(a: DiscoveredResource, b: DiscoveredResource): number {
  if (a.group !== b.group) return a.group < b.group ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The NAME SHORTNAMES APIVERSION NAMESPACED KIND table (VERBS and CATEGORIES when wide). */
export function formatResources(resources: readonly DiscoveredResource[], wide: boolean): string {
  const headers = [
    'NAME',
    'SHORTNAMES',
    'APIVERSION',
    'NAMESPACED',
    'KIND',
    ...(wide ? ['VERBS', 'CATEGORIES'] : []),
  ];
  const rows = resources.map((r) => [
    r.name,
    r.shortNames.join(','),
    r.group ? `${r.group}/${r.version}` : r.version,
    String(r.namespaced),
    r.kind,
    ...(wide ? [`[${r.verbs.join(' ')}]`, r.categories.join(',')] : []),
  ]);
  return new TableWriter().format([headers, ...rows]);
}
