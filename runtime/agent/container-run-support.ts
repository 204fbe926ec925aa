// What a container runner needs besides its state machine: waits that a
// stopping pod cuts short, Kubernetes' terminated state of an exit, the
// kubelet's back-off wording, and copying a run's output into its log file.

import type { ContainerState } from '../../controlplane/api/generated/index.js';
import { rfc3339 } from '../../controlplane/api/json-values.js';
import type { ContainerHandle, ExitResult } from '../runtime.js';
import type { ContainerLogWriter } from './logs/index.js';

const SIGNAL_NUMBERS = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as const;

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A wait that ends early (resolving false) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function terminatedState(result: ExitResult, containerID: string): ContainerState {
  return {
    terminated: {
      exitCode: result.exitCode,
      reason: result.reason,
      ...(result.message ? { message: result.message } : {}),
      ...(result.signal ? { signal: SIGNAL_NUMBERS[result.signal] } : {}),
      startedAt: rfc3339(result.startedAt),
      finishedAt: rfc3339(result.finishedAt),
      containerID,
    },
  };
}

export async function copyLogs(handle: ContainerHandle, writer: ContainerLogWriter): Promise<void> {
  try {
    for await (const chunk of handle.logs({ follow: true })) writer.write(chunk);
  } finally {
    await writer.close();
  }
}

/** `10s`, `2m40s`, `5m0s`: Go's duration format, as the kubelet's back-off messages use. */
export function formatDelay(ms: number): string {
  const seconds = Math.round(ms / 100) / 10;
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s`;
}
