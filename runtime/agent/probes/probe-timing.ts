// A probe's schedule and thresholds with Kubernetes' defaults filled in.

import type { Probe } from '../../../controlplane/api/generated/index.js';

/** A probe's timing fields, every one set. */
export interface ProbeTiming {
  readonly initialDelaySeconds: number;
  readonly timeoutSeconds: number;
  readonly periodSeconds: number;
  readonly successThreshold: number;
  readonly failureThreshold: number;
}

/**
 * The probe's timing as the kubelet runs it: a field left out or 0 takes the
 * API's default (SetDefaults_Probe: timeout 1, period 10, success 1, failure 3;
 * no initial delay), so a probe that skipped defaulting behaves the same.
 */
export function probeTiming(probe: Probe): ProbeTiming {
  const positive = (value: number | undefined, fallback: number): number =>
    value !== undefined && value > 0 ? value : fallback;
  return {
    initialDelaySeconds: Math.max(0, probe.initialDelaySeconds ?? 0),
    timeoutSeconds: positive(probe.timeoutSeconds, 1),
    periodSeconds: positive(probe.periodSeconds, 10),
    successThreshold: positive(probe.successThreshold, 1),
    failureThreshold: positive(probe.failureThreshold, 3),
  };
}
