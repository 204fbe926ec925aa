// The Pod QoS class, computed as Kubernetes' GetPodQOS does when the API server
// creates a pod: only cpu and memory count, zero quantities are ignored, and a
// pod is Guaranteed when every container limits both and requests equal limits.

import { parseQuantity, type Quantity } from '../../api/quantity.js';
import { isRecord } from '../object-utils.js';

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const COMPUTE = ['cpu', 'memory'] as const;

/** An exact sum of quantities: numerator / denominator. */
interface Fraction {
  readonly n: bigint;
  readonly d: bigint;
}

function add(a: Fraction, b: Fraction): Fraction {
  return { n: a.n * b.d + b.n * a.d, d: a.d * b.d };
}

function equal(a: Fraction, b: Fraction): boolean {
  return a.n * b.d === b.n * a.d;
}

/** A positive quantity, or undefined for zero, negative or malformed ones (validation reports those). */
function positive(value: unknown): Fraction | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  let quantity: Quantity;
  try {
    quantity = parseQuantity(String(value));
  } catch {
    return undefined;
  }
  return quantity.numerator > 0n ? { n: quantity.numerator, d: quantity.denominator } : undefined;
}

function containersOf(spec: Record<string, unknown>): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  for (const list of [spec['initContainers'], spec['containers']]) {
    if (!Array.isArray(list)) continue;
    for (const container of list as unknown[]) if (isRecord(container)) found.push(container);
  }
  return found;
}

/** The QoS class of a pod spec (`spec` of a Pod). */
export function podQosClass(spec: unknown): QosClass {
  if (!isRecord(spec)) return 'BestEffort';
  const requests = new Map<string, Fraction>();
  const limits = new Map<string, Fraction>();
  let guaranteed = true;
  for (const container of containersOf(spec)) {
    const resources = isRecord(container['resources']) ? container['resources'] : {};
    const containerRequests = isRecord(resources['requests']) ? resources['requests'] : {};
    const containerLimits = isRecord(resources['limits']) ? resources['limits'] : {};
    let limitsFound = 0;
    for (const name of COMPUTE) {
      const limit = positive(containerLimits[name]);
      // A request left out defaults to the limit (Kubernetes' defaulting); count it
      // that way so the class does not depend on whether defaults ran first.
      const request =
        positive(containerRequests[name]) ??
        (containerRequests[name] === undefined ? limit : undefined);
      if (request) requests.set(name, add(requests.get(name) ?? { n: 0n, d: 1n }, request));
      if (limit) {
        limitsFound++;
        limits.set(name, add(limits.get(name) ?? { n: 0n, d: 1n }, limit));
      }
    }
    if (limitsFound < COMPUTE.length) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, request] of requests) {
      const limit = limits.get(name);
      if (!limit || !equal(limit, request)) guaranteed = false;
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
