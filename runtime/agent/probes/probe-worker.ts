// Runs one probe of one container on its schedule, like the kubelet's prober
// worker (pkg/kubelet/prober/worker.go): an attempt every period, results
// folded into a state through the success and failure thresholds.

import type { Probe } from '../../../controlplane/api/generated/index.js';
import { probeWithin } from './probe-once.js';
import type { ProbeKind, ProbeResult, ProbeTarget } from './probe-target.js';
import type { ProbeTiming } from './probe-timing.js';
import { probeTiming } from './probe-timing.js';

/**
 * What a probe says of its container. `success` after successThreshold
 * consecutive successes, `failure` after failureThreshold consecutive failures,
 * unchanged in between. Before that: `failure` for readiness (not ready until
 * proven), `unknown` for liveness and startup. `message` is the last attempt's.
 */
export interface ProbeState {
  readonly status: 'unknown' | 'success' | 'failure';
  readonly message?: string;
  readonly consecutiveFailures: number;
}

export interface ProbeWorkerOptions {
  readonly kind: ProbeKind;
  readonly probe: Probe;
  readonly target: ProbeTarget;
  /** Called when `status` changes (never for the initial state), with the attempt's message. */
  onResult(state: ProbeState): void;
  /**
   * Called after every attempt, before onResult: the kubelet records an event
   * for each failed attempt (see probeEvent), not only when a threshold is crossed.
   */
  onAttempt?(result: ProbeResult, state: ProbeState): void;
  /** Multiplies every delay, period and timeout (tests use 0.1 etc.). Default 1. */
  readonly timeScale?: number;
  /** When the container started; the initial delay counts from it. Default: start(). */
  readonly containerStartedAt?: Date;
}

/**
 * One probe of one container instance. The first attempt comes
 * initialDelaySeconds after the container started, then one every
 * periodSeconds (measured from the start of the previous attempt; an attempt
 * never overlaps the next). successThreshold is 1 for liveness and startup
 * probes, as validation requires. Like the kubelet's worker, it stops probing
 * on its own once a liveness or startup probe has failed (the container is to
 * be restarted: a new container gets a new worker) and once a startup probe
 * has succeeded (liveness and readiness take over: the agent starts their
 * workers then). stop() ends it for good; an attempt in flight is abandoned and
 * reports nothing.
 */
export class ProbeWorker {
  readonly #options: ProbeWorkerOptions;
  readonly #timing: ProbeTiming;
  readonly #scale: number;
  #state: ProbeState;
  #consecutiveSuccesses = 0;
  #timer: NodeJS.Timeout | undefined;
  #attempt: AbortController | undefined;
  #started = false;
  #stopped = false;

  constructor(options: ProbeWorkerOptions) {
    const scale = options.timeScale ?? 1;
    if (!(scale > 0)) throw new RangeError(`timeScale must be positive, not ${scale}`);
    this.#options = options;
    this.#scale = scale;
    const timing = probeTiming(options.probe);
    this.#timing = options.kind === 'readiness' ? timing : { ...timing, successThreshold: 1 };
    this.#state = {
      status: options.kind === 'readiness' ? 'failure' : 'unknown',
      consecutiveFailures: 0,
    };
  }

  get state(): ProbeState {
    return this.#state;
  }

  /** Starts probing. Calling it again, or after stop(), does nothing. */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    const startedAt = this.#options.containerStartedAt?.getTime() ?? Date.now();
    const delayMs = this.#timing.initialDelaySeconds * 1000 * this.#scale;
    this.#schedule(Math.max(0, startedAt + delayMs - Date.now()));
  }

  /** Stops probing for good; no callback is called after it returns. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#attempt?.abort(new Error('the probe worker was stopped'));
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => void this.#probe(), delayMs);
  }

  async #probe(): Promise<void> {
    const began = performance.now();
    const attempt = new AbortController();
    this.#attempt = attempt;
    const timeoutMs = this.#timing.timeoutSeconds * 1000 * this.#scale;
    let result: ProbeResult;
    try {
      result = await probeWithin(
        this.#options.probe,
        this.#options.target,
        timeoutMs,
        attempt.signal,
      );
    } catch {
      return; // stopped while the attempt ran
    } finally {
      this.#attempt = undefined;
    }
    if (this.#stopped) return;
    const previous = this.#state.status;
    this.#record(result);
    if (!this.#holds()) {
      const periodMs = this.#timing.periodSeconds * 1000 * this.#scale;
      this.#schedule(Math.max(0, periodMs - (performance.now() - began)));
    }
    this.#options.onAttempt?.(result, this.#state);
    if (this.#state.status !== previous && !this.#stopped) this.#options.onResult(this.#state);
  }

  #record(result: ProbeResult): void {
    const failures = result.success ? 0 : this.#state.consecutiveFailures + 1;
    this.#consecutiveSuccesses = result.success ? this.#consecutiveSuccesses + 1 : 0;
    let status = this.#state.status;
    if (this.#consecutiveSuccesses >= this.#timing.successThreshold) status = 'success';
    if (failures >= this.#timing.failureThreshold) status = 'failure';
    this.#state = {
      status,
      consecutiveFailures: failures,
      ...(result.message !== undefined ? { message: result.message } : {}),
    };
  }

  /** The kubelet's onHold: a failed liveness or startup probe, or a passed startup probe, probes no more. */
  #holds(): boolean {
    const { kind } = this.#options;
    if (kind === 'readiness') return false;
    return (
      this.#state.status === 'failure' || (kind === 'startup' && this.#state.status === 'success')
    );
  }
}
