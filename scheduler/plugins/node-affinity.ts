// NodeAffinity: the pod's spec.nodeSelector (every label equal) and its
// required node affinity must both match the node; its preferred node
// affinity adds the weights of the terms a node matches to the node's score.

import type { Pod } from '../../controlplane/api/generated/index.js';
import {
  defaultNormalizeScore,
  FITS,
  SKIP,
  unfit,
  type FilterPlugin,
  type ScorePlugin,
} from '../framework/types.js';
import { anyTermMatches, compileTerm, termMatches, type CompiledTerm } from './node-selector.js';

const NAME = 'NodeAffinity';

/** kube-scheduler's reason for a node outside the pod's nodeSelector or required affinity. */
export const REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

const MISMATCH = unfit(REASON_NODE_AFFINITY);

interface RequiredState {
  readonly selector: readonly (readonly [string, string])[];
  /** undefined: no required affinity. */
  readonly terms: readonly CompiledTerm[] | undefined;
}

function requiredOf(pod: Pod): RequiredState | typeof SKIP {
  const selector = Object.entries(pod.spec?.nodeSelector ?? {});
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (selector.length === 0 && !required) return SKIP;
  return { selector, terms: required?.nodeSelectorTerms.map(compileTerm) };
}

/** The NodeAffinity filter (nodeSelector and required node affinity). */
export const nodeAffinityFilter: FilterPlugin<RequiredState> = {
  name: NAME,
  prepare: (pod) => requiredOf(pod.pod),
  filter(_pod, node, _snapshot, state) {
    for (const [key, value] of state.selector) if (node.labels[key] !== value) return MISMATCH;
    if (state.terms && !anyTermMatches(state.terms, node)) return MISMATCH;
    return FITS;
  },
};

type Preferred = readonly { readonly weight: number; readonly term: CompiledTerm }[];

/** The NodeAffinity score: the summed weights of the preferred terms a node matches, normalised (weight 2). */
export const nodeAffinityScore: ScorePlugin<Preferred> = {
  name: NAME,
  weight: 2,
  prepare(pod) {
    const preferred =
      pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
    const terms = preferred
      .filter((p) => p.weight !== 0)
      .map((p) => ({ weight: p.weight, term: compileTerm(p.preference) }));
    return terms.length > 0 ? terms : SKIP;
  },
  score(_pod, node, _snapshot, preferred) {
    let sum = 0;
    for (const { weight, term } of preferred) if (termMatches(term, node)) sum += weight;
    return sum;
  },
  normalize(scores, count) {
    defaultNormalizeScore(scores, count, false);
  },
};
