// `meta.k8s.io/v1` Table: the server-side rendering of a list that kubectl
// prints (`kubectl get`), asked for with an Accept header. These types could
// move to controlplane/api/types.ts, which the server's renderer also needs.

import type { KubeObject, ListMeta, ObjectMeta } from '../../controlplane/api/types.js';

/**
 * The Accept header that asks for a Table and falls back to the plain object
 * or list (as kubectl sends it), so servers without tables still answer.
 */
export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

/** `metav1.TableColumnDefinition`. */
export interface TableColumnDefinition {
  readonly name: string;
  /** `string`, `integer`, `number`, `boolean`, `date`. */
  readonly type: string;
  /** `name` for the NAME column; `date-time`, ... */
  readonly format?: string;
  readonly description?: string;
  /** 0: always shown; greater: only with `-o wide`. */
  readonly priority?: number;
}

/** `metav1.TableRow`; `object` is what `includeObject` asked for (metadata by default). */
export interface TableRow {
  readonly cells: readonly unknown[];
  readonly conditions?: readonly { readonly type: string; readonly status: string }[];
  readonly object?: {
    readonly apiVersion?: string;
    readonly kind?: string;
    readonly metadata?: ObjectMeta;
  };
}

/** `metav1.Table`. */
export interface Table {
  readonly apiVersion: string;
  readonly kind: 'Table';
  readonly metadata: ListMeta;
  /** Sent once per response; a watch of tables may send it only in the first event. */
  readonly columnDefinitions?: readonly TableColumnDefinition[];
  readonly rows: readonly TableRow[];
}

/** What an object may carry in place of a row when the server renders no Table. */
export type TableOrObject<T extends KubeObject> = Table | T;

/** True for a Table answer (servers without tables answer with the object or list). */
export function isTable(value: unknown): value is Table {
  return (
    typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Table'
  );
}
