// Label requirements: what a label selector is once parsed (from the string
// form, `app=kubia,tier in (web,api),!canary`) or converted (from a
// LabelSelector object). They match label sets and print back in
// Kubernetes' canonical string form.

import type { LabelSelector } from '../types.js';

/** Kubernetes' selection.Operator values, as the string form writes them. */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** One requirement: `key operator values`. Exists and `!` (does not exist) have no values. */
export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

/** A selector that does not parse or convert; `message` is Kubernetes' wording. */
export class SelectorError extends Error {
  override readonly name = 'SelectorError';
}

type Labels = Readonly<Record<string, string>>;

function has(labels: Labels, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, key);
}

function integerValue(text: string | undefined): bigint | undefined {
  return text !== undefined && /^[+-]?\d+$/.test(text) ? BigInt(text) : undefined;
}

/** Whether `labels` satisfy one requirement (a missing key satisfies `!=`, `notin` and `!`). */
export function matchesRequirement(requirement: LabelRequirement, labels: Labels): boolean {
  const present = has(labels, requirement.key);
  const value = labels[requirement.key];
  switch (requirement.operator) {
    case '=':
    case '==':
    case 'in':
      return present && requirement.values.includes(value ?? '');
    case '!=':
    case 'notin':
      return !present || !requirement.values.includes(value ?? '');
    case 'exists':
      return present;
    case '!':
      return !present;
    case 'gt':
    case 'lt': {
      const actual = integerValue(value);
      const bound = integerValue(requirement.values[0]);
      if (
        !present ||
        actual === undefined ||
        bound === undefined ||
        requirement.values.length !== 1
      )
        return false;
      return requirement.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

/** Whether `labels` satisfy every requirement (an empty list matches everything). */
export function matchesRequirements(
  requirements: readonly LabelRequirement[],
  labels: Labels,
): boolean {
  return requirements.every((r) => matchesRequirement(r, labels));
}

/** Sorted by key, stably, as Kubernetes orders a selector's requirements. */
export function sortRequirements(requirements: readonly LabelRequirement[]): LabelRequirement[] {
  return [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The requirements of a LabelSelector object (`LabelSelectorAsSelector`):
 * matchLabels as `=`, matchExpressions as in / notin / exists / `!`.
 */
export function requirementsOfLabelSelector(selector: LabelSelector): LabelRequirement[] {
  const requirements: LabelRequirement[] = Object.entries(selector.matchLabels ?? {}).map(
    ([key, value]) => ({
      key,
      operator: '=',
      values: [value],
    }),
  );
  for (const expression of selector.matchExpressions ?? []) {
    const values = expression.values ?? [];
    switch (expression.operator) {
      case 'In':
        requirements.push({ key: expression.key, operator: 'in', values });
        break;
      case 'NotIn':
        requirements.push({ key: expression.key, operator: 'notin', values });
        break;
      case 'Exists':
        requirements.push({ key: expression.key, operator: 'exists', values: [] });
        break;
      case 'DoesNotExist':
        requirements.push({ key: expression.key, operator: '!', values: [] });
        break;
      default:
        throw new SelectorError(
          `${JSON.stringify(String(expression.operator))} is not a valid label selector operator`,
        );
    }
  }
  return sortRequirements(requirements);
}

/**
 * Whether `labels` match a LabelSelector object. As in Kubernetes, an empty
 * selector matches everything and an absent one (undefined) nothing.
 */
export function matchesLabelSelector(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return false;
  return matchesRequirements(requirementsOfLabelSelector(selector), labels);
}

/** One requirement in the string form: `app=kubia`, `tier in (api,web)`, `!canary`. */
export function formatRequirement(requirement: LabelRequirement): string {
  const { key, operator } = requirement;
  const values = [...requirement.values].sort().join(',');
  switch (operator) {
    case 'exists':
      return key;
    case '!':
      return `!${key}`;
    case 'in':
    case 'notin':
      return `${key} ${operator} (${values})`;
    case 'gt':
      return `${key}>${values}`;
    case 'lt':
      return `${key}<${values}`;
    default:
      return `${key}${operator}${values}`;
  }
}

/** Requirements in the string form, comma-separated, in the given order. */
export function formatRequirements(requirements: readonly LabelRequirement[]): string {
  return requirements.map(formatRequirement).join(',');
}

/**
 * A LabelSelector object in the string form kubectl shows and Scale's
 * `status.selector` carries (`app=kubia,tier in (api,web)`); '' when empty.
 */
export function formatLabelSelector(selector: LabelSelector): string {
  return formatRequirements(requirementsOfLabelSelector(selector));
}
