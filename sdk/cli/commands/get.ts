// `skiff get`: kubectl get. Tables are rendered by the server (Accept: as=Table)
// and printed with kubectl's layout; -o yaml|json print the stored objects
// (one object for one name, else a List), -o name their `kind/name`; -w then
// follows the watch; -o jsonpath=TEMPLATE and -o custom-columns=SPEC print
// what kubectl's templates select. Failures to fetch named objects are
// reported after what could be printed, and make the command exit 1.

import type { Command } from 'commander';
import { ApiError } from '../../../controlplane/api/errors.js';
import type { ResourceType } from '../../../controlplane/api/resources.js';
import type { KubeObject } from '../../../controlplane/api/types.js';
import { CliError } from '../cli-error.js';
import { reportKubeError } from '../kube/errors.js';
import { DEFAULT_CHUNK_SIZE, fetchObjects, type Scope } from '../kube/fetch.js';
import { fetchTable } from '../kube/get-tables.js';
import { watchSelection } from '../kube/get-watch.js';
import { customColumnRows } from '../kube/custom-columns.js';
import { executeJsonPathTemplate } from '../kube/jsonpath.js';
import {
  formatObjects,
  listOf,
  ObjectStreamPrinter,
  qualifiedKind,
  withoutManagedFields,
} from '../kube/object-printer.js';
import { manifestOptions, type ManifestFlags } from '../kube/manifest-flags.js';
import { manifestSelections } from '../kube/manifest-selections.js';
import { parseResourceArgs, type ResourceSelection } from '../kube/resource-args.js';
import { tableCells, tableHeaders, TableWriter, type TableView } from '../kube/table-printer.js';
import { sortByField } from '../kube/sort-by.js';
import { templateOutput, TemplatePrinter, type TemplateOutput } from '../kube/template-printer.js';
import {
  kubeAction,
  kubeContext,
  withKubeFlags,
  type KubeContext,
  type KubeFlags,
} from './kube-context.js';

interface GetFlags extends KubeFlags, ManifestFlags {
  readonly output?: string;
  readonly selector?: string;
  readonly fieldSelector?: string;
  readonly allNamespaces?: boolean;
  readonly watch?: boolean;
  readonly watchOnly?: boolean;
  readonly showLabels?: boolean;
  readonly labelColumns?: string[];
  readonly headers: boolean;
  readonly ignoreNotFound?: boolean;
  readonly showManagedFields?: boolean;
  readonly sortBy?: string;
  readonly chunkSize: string;
}

const OUTPUTS = new Set(['wide', 'yaml', 'json', 'name']);

/** Registers `skiff get`. */
export function registerGet(program: Command): void {
  withKubeFlags(
    manifestOptions(program.command('get'))
      .description('Display one or many resources (kubectl get)')
      .argument('[resources...]', 'TYPE[,TYPE...] [NAME...] or TYPE/NAME..., or -f FILE')
      .option(
        '-o, --output <format>',
        'wide, yaml, json, name, jsonpath=TEMPLATE or custom-columns=HEADER:PATH,...',
      )
      .option('-l, --selector <selector>', 'label selector (app=kubia,tier!=db)')
      .option('--field-selector <selector>', 'field selector (status.phase=Running)')
      .option('-A, --all-namespaces', 'list across all namespaces')
      .option('-w, --watch', 'after listing, watch for changes')
      .option('--watch-only', 'watch for changes without listing first')
      .option('--show-labels', 'show all labels as the last column')
      .option(
        '-L, --label-columns <keys>',
        'a column for each of these label keys (comma-separated, repeatable)',
        (value: string, previous: string[] = []) => [
          ...previous,
          ...value.split(',').filter((key) => key !== ''),
        ],
      )
      .option('--no-headers', 'print tables without their header line')
      .option('--ignore-not-found', 'print nothing (and succeed) for names that do not exist')
      .option('--show-managed-fields', 'keep metadata.managedFields in -o yaml and -o json')
      .option(
        '--chunk-size <count>',
        'read lists this many objects a request (0: all at once)',
        String(DEFAULT_CHUNK_SIZE),
      )
      .option(
        '--sort-by <jsonpath>',
        'sort the list by this field ({.metadata.creationTimestamp} or .spec.nodeName)',
      ),
  ).action(
    kubeAction(async (args: string[], flags: GetFlags) => {
      const template = templateOutput(flags.output);
      if (flags.output !== undefined && !template && !OUTPUTS.has(flags.output))
        throw new CliError(
          `unable to match a printer suitable for the output format "${flags.output}", allowed formats are: custom-columns,json,jsonpath,name,wide,yaml`,
        );
      // Arguments are checked before the kubeconfig is read, as kubectl does.
      const fromArgs =
        (flags.filename ?? []).length > 0
          ? undefined
          : parseResourceArgs(requireResourceArgs(args));
      const context = await kubeContext(flags);
      const { selections, errors: unread } = fromArgs
        ? { selections: fromArgs, errors: [] }
        : await manifestSelections(flags, args, context);
      const named = selections.some((s) => s.names.length > 0);
      if (flags.allNamespaces && named)
        throw new CliError('a resource cannot be retrieved by name across all namespaces');
      const watching = Boolean(flags.watch || flags.watchOnly);
      if (watching && selections.length > 1)
        throw new CliError('you may only specify a single resource type');
      const count = selections[0]?.names.length ?? 0;
      if (watching && count > 1)
        throw new CliError(
          `watch is only supported on individual resources and resource collections, but ${count} resources were found`,
        );
      const scope: Scope = {
        namespace: flags.allNamespaces ? undefined : context.namespace,
        labelSelector: flags.selector,
        fieldSelector: flags.fieldSelector,
      };
      const output = flags.output;
      if (template) await printTemplate(context, selections, scope, template, flags);
      else if (output === 'yaml' || output === 'json' || output === 'name')
        await printObjects(context, selections, scope, output, flags);
      else await printTables(context, selections, scope, flags);
      for (const error of unread) process.stderr.write(`${error}\n`);
      if (unread.length > 0) process.exitCode = 1;
    }),
  );
}

/** --chunk-size as a number; a CliError when it is not a count. */
function chunkSizeOf(flags: GetFlags): number {
  const size = Number(flags.chunkSize);
  if (!Number.isInteger(size) || size < 0)
    throw new CliError(`invalid argument "${flags.chunkSize}" for "--chunk-size" flag`);
  return size;
}

/** Resource arguments, which `get` needs unless -f names the objects. */
function requireResourceArgs(args: string[]): string[] {
  if (args.length > 0) return args;
  throw new CliError(
    'You must specify the type of resource to get. Use "skiff api-resources" for a complete list of supported resources.',
  );
}

/** Reports `errors` on stderr, NotFound ones left out with --ignore-not-found. */
function reportAll(errors: readonly unknown[], flags: GetFlags): void {
  for (const error of errors)
    if (!(flags.ignoreNotFound && error instanceof ApiError && error.code === 404))
      reportKubeError(error);
}

/** What the selections name: the objects found (with their types), the errors, the version to watch from. */
async function fetchSelections(
  context: KubeContext,
  selections: readonly ResourceSelection[],
  scope: Scope,
  flags: GetFlags,
): Promise<{
  found: { object: KubeObject; type: ResourceType }[];
  errors: unknown[];
  resourceVersion: string | undefined;
}> {
  const found: { object: KubeObject; type: ResourceType }[] = [];
  const errors: unknown[] = [];
  let resourceVersion: string | undefined;
  for (const each of selections) {
    const fetched = await fetchObjects(context.api, each, scope, chunkSizeOf(flags));
    errors.push(...fetched.errors);
    const shown = flags.showManagedFields
      ? fetched.objects
      : fetched.objects.map(withoutManagedFields);
    found.push(...shown.map((object) => ({ object, type: each.type })));
    // Watching one named object starts after the version just fetched.
    resourceVersion = fetched.resourceVersion ?? fetched.objects[0]?.metadata.resourceVersion;
  }
  const sorted = flags.sortBy ? sortByField(found, (item) => item.object, flags.sortBy) : found;
  return { found: sorted, errors, resourceVersion };
}

/** True when kubectl prints the one object itself rather than a List: one name asked for. */
function isSingle(selections: readonly ResourceSelection[]): boolean {
  return selections.length === 1 && selections[0]?.names.length === 1;
}

/** -o jsonpath (on the object, or on a List of them) and -o custom-columns (a row per object). */
async function printTemplate(
  context: KubeContext,
  selections: readonly ResourceSelection[],
  scope: Scope,
  template: TemplateOutput,
  flags: GetFlags,
): Promise<void> {
  const { found, errors, resourceVersion } = await fetchSelections(
    context,
    selections,
    scope,
    flags,
  );
  const objects = found.map((item) => item.object);
  const selection = selections[0];
  if ((flags.watch || flags.watchOnly) && selection) {
    // kubectl prints a watch one object at a time, each the template's root.
    const printer = new TemplatePrinter(template, flags.headers);
    if (!flags.watchOnly) process.stdout.write(objects.map((o) => printer.print(o)).join(''));
    reportAll(errors, flags);
    await watchSelection(context, selection, scope, {
      printer,
      resourceVersion,
      showManagedFields: flags.showManagedFields,
    });
    return;
  }
  if (template.kind === 'custom-columns') {
    const rows = customColumnRows(template.columns, objects, flags.headers);
    if (objects.length > 0) process.stdout.write(new TableWriter().format(rows));
  } else if (!(isSingle(selections) && errors.length > 0)) {
    const root = isSingle(selections) && objects.length === 1 ? objects[0] : listOf(objects);
    process.stdout.write(executeJsonPathTemplate(template.nodes, root));
  }
  reportAll(errors, flags);
}

async function printObjects(
  context: KubeContext,
  selections: readonly ResourceSelection[],
  scope: Scope,
  output: 'yaml' | 'json' | 'name',
  flags: GetFlags,
): Promise<void> {
  const selection = selections[0];
  const { found, errors, resourceVersion } = await fetchSelections(
    context,
    selections,
    scope,
    flags,
  );
  if (output === 'name' || flags.watch || flags.watchOnly) {
    // kubectl prints a watch's first objects one by one, as the events that follow.
    const printer = new ObjectStreamPrinter(output);
    if (!flags.watchOnly)
      process.stdout.write(found.map(({ object, type }) => printer.print(object, type)).join(''));
    reportAll(errors, flags);
    if ((flags.watch || flags.watchOnly) && selection)
      await watchSelection(context, selection, scope, {
        printer,
        resourceVersion,
        showManagedFields: flags.showManagedFields,
      });
    return;
  }
  // kubectl prints one named object as itself, anything else (none included) as a List.
  const single = isSingle(selections);
  if (!(single && errors.length > 0))
    process.stdout.write(
      formatObjects(
        found.map((item) => item.object),
        output,
        single,
      ),
    );
  reportAll(errors, flags);
}

async function printTables(
  context: KubeContext,
  selections: readonly ResourceSelection[],
  scope: Scope,
  flags: GetFlags,
): Promise<void> {
  const several = selections.length > 1;
  const viewOf = (selection: ResourceSelection): TableView => ({
    wide: flags.output === 'wide',
    withNamespace: scope.namespace === undefined && selection.type.namespaced,
    kindPrefix: several ? qualifiedKind(selection.type) : undefined,
    labelColumns: flags.labelColumns,
    showLabels: flags.showLabels,
  });
  const watching = Boolean(flags.watch || flags.watchOnly);
  let printed = 0;
  const errors: unknown[] = [];
  for (const each of selections) {
    const fetched = await fetchTable(
      context.api,
      each,
      scope,
      flags.sortBy ? 'Object' : 'Metadata',
      chunkSizeOf(flags),
    );
    const { table, errors: failed } = fetched;
    errors.push(...failed);
    const rows = flags.sortBy
      ? sortByField(table.rows, (row) => row.object, flags.sortBy)
      : table.rows;
    const view = viewOf(each);
    const columns = table.columnDefinitions ?? [];
    const writer = new TableWriter();
    // --watch-only lists only for the resourceVersion to watch from.
    if (rows.length > 0 && !flags.watchOnly) {
      if (printed++ > 0) process.stdout.write('\n');
      const header = flags.headers ? [tableHeaders(columns, view)] : [];
      process.stdout.write(writer.format([...header, ...tableCells(rows, columns, view)]));
    }
    if (watching) {
      reportAll(errors.splice(0), flags);
      await watchSelection(context, each, scope, {
        view,
        columns,
        writer,
        headerPrinted: printed > 0 || !flags.headers,
        resourceVersion: table.metadata.resourceVersion,
      });
    }
  }
  reportAll(errors, flags);
  if (printed === 0 && !watching && !flags.ignoreNotFound && errors.length === 0)
    noResources(selections, scope);
}

/**
 * kubectl's note on an empty table, on stderr: naming the namespace only when
 * every type is namespaced and one namespace was listed.
 */
function noResources(selections: readonly ResourceSelection[], scope: Scope): void {
  const namespaced = selections.every((s) => s.type.namespaced) && scope.namespace !== undefined;
  process.stderr.write(
    namespaced ? `No resources found in ${scope.namespace} namespace.\n` : 'No resources found\n',
  );
}
