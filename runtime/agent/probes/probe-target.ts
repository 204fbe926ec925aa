// What a probe needs to know of the container it checks, and what one attempt found.

import type { PodNetwork } from '../../network/pod-network.js';

export type { ProbeKind } from '../../../controlplane/api/validation/probes.js';

/** A port the container declares (`containers[].ports[]`); only what probes use. */
export interface NamedPort {
  readonly name?: string;
  readonly containerPort: number;
}

/** The container a probe checks: its pod's network and a way to run commands in it. */
export interface ProbeTarget {
  readonly podIP: string;
  readonly network: PodNetwork;
  /** The container's declared ports, which a named probe port (`port: http`) is looked up in. */
  readonly ports?: readonly NamedPort[];
  /**
   * Runs `command` in the container's context (the agent starts a Wasm command
   * with the container's image, env and mounts); resolves with its exit code and
   * combined output. It should end the command when `signal` aborts (the probe
   * has timed out or was stopped); `timeoutMs` is that same deadline, for
   * runtimes that enforce their own.
   */
  exec(
    command: readonly string[],
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<{ exitCode: number; output: string }>;
}

/** The outcome of one probe attempt. */
export interface ProbeResult {
  readonly success: boolean;
  /**
   * The kubelet's wording for events: `HTTP probe failed with statuscode: 500`,
   * `dial tcp 10.244.0.5:8080: connect: connection refused`,
   * `command "cat /tmp/healthy" timed out`, ... For a success: the command's
   * output, or the redirect note of a warning.
   */
  readonly message?: string;
  /**
   * A success the kubelet reports as a `ProbeWarning` event: an HTTP redirect,
   * which probes do not follow.
   */
  readonly warning?: boolean;
}
