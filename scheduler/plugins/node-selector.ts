// Node selector terms, matched as Kubernetes' nodeaffinity package does:
// terms are ORed, a term's requirements ANDed; matchExpressions test labels
// (In, NotIn, Exists, DoesNotExist, Gt, Lt), matchFields test `metadata.name`.
// A term that is empty or malformed (Gt with a non-integer, In without values,
// an unknown field) matches no node.

import type {
  NodeSelectorRequirement,
  NodeSelectorTerm,
} from '../../controlplane/api/generated/index.js';
import type { NodeInfo } from '../snapshot/node-info.js';

type Test = (value: string | undefined) => boolean;

/** A compiled term: each test reads a label (or the name, for `field`). */
interface Requirement {
  readonly key: string;
  readonly field: boolean;
  readonly test: Test;
}

/** A compiled term; undefined when it can match nothing. */
export type CompiledTerm = readonly Requirement[] | undefined;

const INTEGER = /^[+-]?\d+$/;

function compare(value: string | undefined, bound: bigint, greater: boolean): boolean {
  if (value === undefined || !INTEGER.test(value)) return false;
  const number = BigInt(value);
  return greater ? number > bound : number < bound;
}

function compileTest(requirement: NodeSelectorRequirement): Test | undefined {
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case 'In':
      if (values.length === 0) return undefined;
      return (value) => value !== undefined && values.includes(value);
    case 'NotIn':
      if (values.length === 0) return undefined;
      return (value) => value === undefined || !values.includes(value);
    case 'Exists':
      return values.length === 0 ? (value) => value !== undefined : undefined;
    case 'DoesNotExist':
      return values.length === 0 ? (value) => value === undefined : undefined;
    case 'Gt':
    case 'Lt': {
      const [only] = values;
      if (values.length !== 1 || only === undefined || !INTEGER.test(only)) return undefined;
      const bound = BigInt(only);
      const greater = requirement.operator === 'Gt';
      return (value) => compare(value, bound, greater);
    }
    default:
      return undefined;
  }
}

/** Compiles one term (undefined: it matches nothing). */
export function compileTerm(term: NodeSelectorTerm): CompiledTerm {
  const requirements: Requirement[] = [];
  for (const expression of term.matchExpressions ?? []) {
    const test = compileTest(expression);
    if (!test) return undefined;
    requirements.push({ key: expression.key, field: false, test });
  }
  for (const field of term.matchFields ?? []) {
    // Kubernetes accepts only `metadata.name In|NotIn [one name]` here.
    const supported =
      field.key === 'metadata.name' &&
      (field.operator === 'In' || field.operator === 'NotIn') &&
      field.values?.length === 1;
    const test = supported ? compileTest(field) : undefined;
    if (!test) return undefined;
    requirements.push({ key: field.key, field: true, test });
  }
  return requirements.length > 0 ? requirements : undefined;
}

/** Whether `node` satisfies a compiled term. */
export function termMatches(term: CompiledTerm, node: NodeInfo): boolean {
  if (!term) return false;
  for (const requirement of term) {
    const value = requirement.field ? node.name : node.labels[requirement.key];
    if (!requirement.test(value)) return false;
  }
  return true;
}

/** Whether `node` satisfies any of the compiled terms. */
export function anyTermMatches(terms: readonly CompiledTerm[], node: NodeInfo): boolean {
  for (const term of terms) if (termMatches(term, node)) return true;
  return false;
}
