// `-o jsonpath=...` and `-o custom-columns=...` of `skiff get`: parsing the
// flag, and printing objects one by one while watching (each object is the
// template's root then, as kubectl prints a watch).

import type { KubeObject } from '../../../controlplane/api/types.js';
import { CliError } from '../cli-error.js';
import { customColumnRows, parseCustomColumns, type CustomColumn } from './custom-columns.js';
import {
  executeJsonPathTemplate,
  parseJsonPathTemplate,
  TemplateError,
  type TemplateNode,
} from './jsonpath.js';
import type { ObjectPrinter } from './object-printer.js';
import { TableWriter } from './table-printer.js';

/** An output through a template: kubectl's JSONPath, or its custom columns. */
export type TemplateOutput =
  | { readonly kind: 'jsonpath'; readonly nodes: TemplateNode[] }
  | { readonly kind: 'custom-columns'; readonly columns: CustomColumn[] };

/** `-o jsonpath=...` or `-o custom-columns=...` parsed; undefined for other formats; CliError when malformed. */
export function templateOutput(output: string | undefined): TemplateOutput | undefined {
  const match = /^(jsonpath|custom-columns)(?:=(.*))?$/s.exec(output ?? '');
  if (!match) return undefined;
  const [, kind, spec = ''] = match;
  try {
    if (kind === 'custom-columns') return { kind, columns: parseCustomColumns(spec) };
    if (spec === '') throw new TemplateError('template format specified but no template given');
    return { kind: 'jsonpath', nodes: parseJsonPathTemplate(spec) };
  } catch (error) {
    if (error instanceof TemplateError) throw new CliError(error.message);
    throw error;
  }
}

/** Prints watched objects through a template: one at a time, custom columns' header first. */
export class TemplatePrinter implements ObjectPrinter {
  private headerDue: boolean;

  constructor(
    private readonly template: TemplateOutput,
    headers: boolean,
  ) {
    this.headerDue = headers;
  }

  print(object: KubeObject): string {
    if (this.template.kind === 'jsonpath')
      return executeJsonPathTemplate(this.template.nodes, object);
    const rows = customColumnRows(this.template.columns, [object], this.headerDue);
    this.headerDue = false;
    return new TableWriter().format(rows);
  }
}
