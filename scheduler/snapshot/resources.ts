// Resource amounts as the scheduler counts them (Kubernetes' framework.Resource):
// CPU in millicores, memory and ephemeral storage in bytes, extended resources
// and hugepages by name. Quantities are parsed once per distinct string, since
// clusters repeat the same few (`100m`, `128Mi`) on every pod.

import type { ResourceList } from '../../controlplane/api/generated/index.js';
import {
  parseQuantity,
  quantityMilliValue,
  quantityValue,
} from '../../controlplane/api/quantity.js';

/** Amounts of every resource the scheduler checks. */
export interface ResourceAmounts {
  milliCpu: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended resources (`example.com/gpu`) and `hugepages-*`, absent when none. */
  scalar: Map<string, number> | undefined;
}

/** Zero of everything. */
export function emptyAmounts(): ResourceAmounts {
  return { milliCpu: 0, memory: 0, ephemeralStorage: 0, scalar: undefined };
}

/**
 * Whether Kubernetes counts `name` as a scalar resource: an extended resource
 * (a domain-prefixed name outside `kubernetes.io/`) or hugepages. Other names
 * (`storage`, typos) are ignored by the scheduler, as by Kubernetes.
 */
export function isScalarResource(name: string): boolean {
  if (name.startsWith('hugepages-')) return true;
  const slash = name.indexOf('/');
  if (slash <= 0) return false;
  const domain = name.slice(0, slash);
  return domain !== 'kubernetes.io' && !domain.endsWith('.kubernetes.io');
}

const valueCache = new Map<string, number>();
const milliCache = new Map<string, number>();
const CACHE_LIMIT = 10_000;

function cached(cache: Map<string, number>, text: string, parse: (text: string) => number): number {
  let value = cache.get(text);
  if (value === undefined) {
    try {
      value = parse(text);
    } catch {
      // The API validates quantities; a malformed one in a hand-built object counts as none.
      value = 0;
    }
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(text, value);
  }
  return value;
}

/** A quantity's whole value, rounded up (Kubernetes' `Value()`); 0 when malformed. */
export function quantityNumber(text: string | number): number {
  if (typeof text === 'number') return Math.ceil(text);
  return cached(valueCache, text, (t) => Number(quantityValue(parseQuantity(t))));
}

/** A quantity in thousandths, rounded up (Kubernetes' `MilliValue()`); 0 when malformed. */
export function quantityMilli(text: string | number): number {
  if (typeof text === 'number') return Math.ceil(text * 1000);
  return cached(milliCache, text, (t) => Number(quantityMilliValue(parseQuantity(t))));
}

/** Adds `value` of `name` to `amounts` (cpu, memory, ephemeral-storage or a scalar; `pods` and others ignored). */
export function addQuantity(amounts: ResourceAmounts, name: string, value: string | number): void {
  switch (name) {
    case 'cpu':
      amounts.milliCpu += quantityMilli(value);
      return;
    case 'memory':
      amounts.memory += quantityNumber(value);
      return;
    case 'ephemeral-storage':
      amounts.ephemeralStorage += quantityNumber(value);
      return;
    default:
      if (!isScalarResource(name)) return;
      amounts.scalar ??= new Map();
      amounts.scalar.set(name, (amounts.scalar.get(name) ?? 0) + quantityNumber(value));
  }
}

/** The amounts of a ResourceList (`pods` and unknown names ignored). */
export function amountsOf(list: ResourceList | undefined): ResourceAmounts {
  const amounts = emptyAmounts();
  if (list) for (const name in list) addQuantity(amounts, name, list[name] as string | number);
  return amounts;
}

/** `target += sign * delta`, in place. */
export function addAmounts(
  target: ResourceAmounts,
  delta: ResourceAmounts,
  sign: 1 | -1 = 1,
): void {
  target.milliCpu += sign * delta.milliCpu;
  target.memory += sign * delta.memory;
  target.ephemeralStorage += sign * delta.ephemeralStorage;
  if (!delta.scalar) return;
  target.scalar ??= new Map();
  for (const [name, value] of delta.scalar) {
    const next = (target.scalar.get(name) ?? 0) + sign * value;
    if (next === 0) target.scalar.delete(name);
    else target.scalar.set(name, next);
  }
}

/** `target = max(target, other)` per resource, in place. */
export function maxAmounts(target: ResourceAmounts, other: ResourceAmounts): void {
  target.milliCpu = Math.max(target.milliCpu, other.milliCpu);
  target.memory = Math.max(target.memory, other.memory);
  target.ephemeralStorage = Math.max(target.ephemeralStorage, other.ephemeralStorage);
  if (!other.scalar) return;
  target.scalar ??= new Map();
  for (const [name, value] of other.scalar)
    target.scalar.set(name, Math.max(target.scalar.get(name) ?? 0, value));
}

/** `target = source`, in place. */
export function setAmounts(target: ResourceAmounts, source: ResourceAmounts): void {
  target.milliCpu = source.milliCpu;
  target.memory = source.memory;
  target.ephemeralStorage = source.ephemeralStorage;
  target.scalar = source.scalar ? new Map(source.scalar) : undefined;
}
