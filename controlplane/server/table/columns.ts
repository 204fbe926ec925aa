// The vocabulary of table printers: a column definition as meta.k8s.io/v1
// Table declares it, and a printer (the columns of one kind plus a function
// from an object to its cells).

import type { KubeObject } from '../../api/types.js';
import { age } from './age.js';

/** `meta.k8s.io/v1` TableColumnDefinition. */
export interface ColumnDefinition {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly format: string;
  readonly description: string;
  /** 0: always shown; 1: only with `-o wide`. */
  readonly priority: number;
}

/** A cell: kubectl prints numbers and strings as they are. */
export type Cell = string | number | boolean;

/** The columns of one kind and how an object fills them (in the same order). */
export interface Printer {
  readonly columns: readonly ColumnDefinition[];
  cells(object: KubeObject, now: number): readonly Cell[];
}

/** A column definition; `wide` ones have priority 1. */
export function column(
  name: string,
  description: string,
  options: { type?: ColumnDefinition['type']; format?: string; wide?: boolean } = {},
): ColumnDefinition {
  return {
    name,
    type: options.type ?? 'string',
    format: options.format ?? '',
    description,
    priority: options.wide ? 1 : 0,
  };
}

/** The first column of nearly every table. */
export const NAME_COLUMN = column(
  'Name',
  'Name must be unique within a namespace. It is required when creating resources.',
  { format: 'name' },
);

/** The AGE column (from metadata.creationTimestamp). */
export const AGE_COLUMN = column(
  'Age',
  'CreationTimestamp is a timestamp representing the server time when this object was created.',
);

/** The name cell. */
export function nameOf(object: KubeObject): string {
  return object.metadata.name ?? '';
}

/** The age cell. */
export function ageOf(object: KubeObject, now: number): string {
  return age(object.metadata.creationTimestamp, now);
}

/** A printer of just NAME and AGE, for kinds without columns of their own. */
export const DEFAULT_PRINTER: Printer = {
  columns: [NAME_COLUMN, AGE_COLUMN],
  cells: (object, now) => [nameOf(object), ageOf(object, now)],
};
