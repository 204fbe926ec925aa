// exec probes: a command run in the container; exit 0 is a success (pkg/probe/exec).

import type { ExecAction } from '../../../controlplane/api/generated/index.js';
import type { ProbeResult, ProbeTarget } from './probe-target.js';

/** The kubelet keeps at most this much of a command's output (maxReadLength). */
export const MAX_EXEC_OUTPUT_BYTES = 10 * 1024;

/**
 * Runs the probe's command through the target and waits at most `timeoutMs`:
 * success on exit 0; `command "…" exited with N: <output>` on another code;
 * `command "…" timed out` (the kubelet's words) when the deadline passes first,
 * the command's signal aborted then so the agent ends it. A command that could
 * not start is a failure with its error's message.
 */
export async function execProbe(
  action: ExecAction,
  target: ProbeTarget,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ProbeResult> {
  const command = action.command ?? [];
  // Go's %q of the command line joined by spaces, as the CRI's ExecSync timeout error has it.
  const quoted = JSON.stringify(command.join(' '));
  let onDeadline = (): void => undefined;
  const timedOut = new Promise<ProbeResult>((resolve) => {
    onDeadline = () => resolve({ success: false, message: `command ${quoted} timed out` });
    if (signal.aborted) onDeadline();
    else signal.addEventListener('abort', onDeadline, { once: true });
  });
  const ran = target.exec(command, timeoutMs, signal).then(
    ({ exitCode, output }): ProbeResult => {
      if (exitCode === 0) return { success: true };
      const shown = capOutput(output);
      return {
        success: false,
        message: `command ${quoted} exited with ${exitCode}${shown ? `: ${shown}` : ''}`,
      };
    },
    (error: unknown): ProbeResult => ({
      success: false,
      message: error instanceof Error ? error.message : String(error),
    }),
  );
  try {
    // The deadline wins over whatever the command reports once it was told to end.
    return await Promise.race([timedOut, ran]);
  } finally {
    signal.removeEventListener('abort', onDeadline);
  }
}

function capOutput(output: string): string {
  const bytes = Buffer.from(output);
  const kept =
    bytes.length > MAX_EXEC_OUTPUT_BYTES ? bytes.subarray(0, MAX_EXEC_OUTPUT_BYTES) : bytes;
  return kept.toString().trimEnd();
}
