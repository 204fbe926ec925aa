// `skiff edit`: kubectl edit. The objects go to the user's editor as YAML
// (several as a List); what comes back is sent as a merge patch of the
// changes only, so fields the user did not touch are not overwritten. An
// edit the server refuses reopens the editor with the errors on top, as
// kubectl does; saving it unchanged gives up and keeps a copy.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { parse } from 'yaml';
import type { KubeObject } from '../../../controlplane/api/types.js';
import { runEditor } from '../kube/editor.js';
import { formatKubeError, reportFailures } from '../kube/errors.js';
import { withTypeMeta } from '../kube/fetch.js';
import { createMergePatch, deepEqual, isObject, type JsonObject } from '../kube/json-values.js';
import { manifestOptions } from '../kube/manifest-flags.js';
import { collectTargets, type NamedTarget, type TargetFlags } from '../kube/named-targets.js';
import { formatValue, listOf, objectName, withoutManagedFields } from '../kube/object-printer.js';
import { parseWriteOutput, printWritten, type WriteOutput } from '../kube/write-output.js';
import {
  kubeAction,
  kubeContext,
  withKubeFlags,
  type KubeContext,
  type KubeFlags,
} from './kube-context.js';

interface EditFlags extends KubeFlags, TargetFlags {
  readonly output?: string;
}

/** kubectl's header, which the edited file's comment lines (ignored) start with. */
const HEADER = [
  "# Please edit the object below. Lines beginning with a '#' will be ignored,",
  '# and an empty file will abort the edit. If an error occurs while saving this file will be',
  '# reopened with the relevant failures.',
  '#',
];

/** One object being edited: where it lives and how it was when fetched. */
interface Edited {
  readonly target: NamedTarget;
  readonly original: JsonObject;
}

/** Registers `skiff edit`. */
export function registerEdit(program: Command): void {
  withKubeFlags(manifestOptions(program.command('edit')))
    .description('Edit resources in $KUBE_EDITOR or $EDITOR (kubectl edit)')
    .argument('[resources...]', 'TYPE NAME... or TYPE/NAME...')
    .option('-l, --selector <selector>', 'edit the objects matching this label selector')
    .option('-o, --output <format>', 'print the edited objects: yaml, json or name')
    .action(
      kubeAction(async (args: string[], flags: EditFlags) => {
        const output = parseWriteOutput(flags.output);
        const context = await kubeContext(flags);
        const failures: string[] = [];
        const targets = await collectTargets(context.api, args, flags, context, 'edit', failures);
        const edited: Edited[] = [];
        for (const target of targets) {
          try {
            const live = await context.api
              .resource(target.type)
              .get(target.name, { namespace: target.namespace });
            const shown = withoutManagedFields(withTypeMeta(live, target.type));
            edited.push({ target, original: shown as unknown as JsonObject });
          } catch (error) {
            failures.push(formatKubeError(error));
          }
        }
        if (edited.length > 0) failures.push(...(await editLoop(context, edited, output)));
        reportFailures(failures);
      }),
    );
}

/** Edits until the changes are saved, cancelled, or saved unchanged after an error; the failures. */
async function editLoop(
  context: KubeContext,
  objects: readonly Edited[],
  output: WriteOutput,
): Promise<string[]> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'skiff-edit-'));
  const file = path.join(directory, 'edit.yaml');
  try {
    let pending = objects;
    let body = documentOf(pending.map((object) => object.original));
    let errors: string[] = [];
    for (;;) {
      const shown = [
        ...HEADER,
        ...errors.map((line) => `# ${line}`),
        ...(errors.length ? ['#'] : []),
      ];
      const text = `${shown.join('\n')}\n${body}`;
      await writeFile(file, text);
      runEditor(file);
      const saved = await readFile(file, 'utf8');
      if (errors.length > 0 && saved === text) return await giveUp(saved, errors);
      body = withoutComments(saved);
      if (body.trim() === '') {
        process.stdout.write('Edit cancelled, no changes made.\n');
        return [];
      }
      const parsed = parseEdited(body, pending.length);
      if (typeof parsed === 'string') {
        errors = [parsed];
        continue;
      }
      if (parsed.every((object, index) => deepEqual(object, pending[index]?.original))) {
        if (errors.length === 0) process.stdout.write('Edit cancelled, no changes made.\n');
        return [];
      }
      const refused = await saveAll(context, pending, parsed, output);
      if (refused.length === 0) return [];
      pending = refused.map(({ object }) => object);
      body = documentOf(refused.map(({ edited }) => edited));
      errors = refused.flatMap(({ message }) => message.split('\n'));
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** YAML of one object, or of a List of several, as kubectl shows them. */
function documentOf(objects: readonly JsonObject[]): string {
  const [only] = objects;
  if (objects.length === 1 && only) return formatValue(only, 'yaml');
  return formatValue(listOf(objects as unknown as KubeObject[]), 'yaml');
}

function withoutComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n');
}

/** The edited objects, in the order shown; a message when the text is not what was shown. */
function parseEdited(body: string, count: number): JsonObject[] | string {
  let value: unknown;
  try {
    value = parse(body) as unknown;
  } catch (error) {
    return `The edited file had a syntax error: ${error instanceof Error ? error.message : String(error)}`;
  }
  const items = count === 1 ? [value] : isObject(value) ? value['items'] : undefined;
  if (!Array.isArray(items) || items.length !== count || !items.every(isObject))
    return `The edited file must keep the ${count === 1 ? 'object' : `List of ${count} objects`} it was given`;
  return items;
}

/** What the server refused: the object, the user's version of it, and why. */
interface Refusal {
  readonly object: Edited;
  readonly edited: JsonObject;
  readonly message: string;
}

/** Sends each changed object's merge patch; prints the saved ones, returns the refused. */
async function saveAll(
  context: KubeContext,
  objects: readonly Edited[],
  edits: readonly JsonObject[],
  output: WriteOutput,
): Promise<Refusal[]> {
  const refused: Refusal[] = [];
  for (const [index, object] of objects.entries()) {
    const edited = edits[index];
    if (!edited || deepEqual(edited, object.original)) continue;
    const { target, original } = object;
    const name = objectName(target.type, target.name);
    const identity = (value: JsonObject) => {
      const metadata = isObject(value['metadata']) ? value['metadata'] : {};
      return [value['apiVersion'], value['kind'], metadata['name']];
    };
    if (!deepEqual(identity(original), identity(edited))) {
      refused.push({
        object,
        edited,
        message: `${name}: at least one of apiVersion, kind and name was changed`,
      });
      continue;
    }
    try {
      const saved = await context.api
        .resource(target.type)
        .patch(target.name, createMergePatch(original, edited), 'merge', {
          namespace: target.namespace,
        });
      printWritten(target.type, saved, 'edited', output);
    } catch (error) {
      refused.push({ object, edited, message: formatKubeError(error) });
    }
  }
  return refused;
}

/** The last errors, and where the user's changes were kept. */
async function giveUp(saved: string, errors: readonly string[]): Promise<string[]> {
  const copy = path.join(await mkdtemp(path.join(os.tmpdir(), 'skiff-edit-')), 'edit.yaml');
  await writeFile(copy, saved);
  return [
    ...errors,
    `A copy of your changes has been stored to "${copy}"`,
    'error: Edit cancelled, no valid changes were saved.',
  ];
}
