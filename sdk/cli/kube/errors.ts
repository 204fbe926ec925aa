// Errors of the kubectl-like commands, worded as kubectl words them:
// `Error from server (NotFound): pods "x" not found`, `error when creating
// "x.yaml": ...`, `You must be logged in to the server (Unauthorized)`.

import { ApiError } from '../../../controlplane/api/errors.js';
import { ConnectionError, KubeconfigError } from '../../client/index.js';
import { CliError } from '../cli-error.js';

/**
 * The line kubectl prints for `error`; `during` (`error when creating
 * "x.yaml"`) goes before the server's message, as kubectl puts it.
 */
export function formatKubeError(error: unknown, during?: string): string {
  const prefix = during ? `${during}: ` : '';
  if (error instanceof ApiError) {
    if (error.code === 401)
      return `error: You must be logged in to the server (${error.message || 'Unauthorized'})`;
    const reason = error.reason ? ` (${error.reason})` : '';
    return `Error from server${reason}: ${prefix}${error.message}`;
  }
  if (error instanceof ConnectionError) return error.message;
  if (error instanceof KubeconfigError || error instanceof CliError)
    return `error: ${prefix}${error.message}`;
  return `error: ${prefix}${error instanceof Error ? error.message : String(error)}`;
}

/** Reports `error` on stderr and makes the command exit 1 (it carries on). */
export function reportKubeError(error: unknown, during?: string): void {
  process.stderr.write(formatKubeError(error, during) + '\n');
  process.exitCode = 1;
}

/** True for the errors a command reports and survives (the server said no, or could not be reached). */
export function isReportable(error: unknown): boolean {
  return (
    error instanceof ApiError ||
    error instanceof ConnectionError ||
    error instanceof KubeconfigError
  );
}

/** Prints each failure (already worded) on stderr; any makes the command exit 1. */
export function reportFailures(failures: readonly string[]): void {
  for (const failure of failures) process.stderr.write(failure + '\n');
  if (failures.length > 0) process.exitCode = 1;
}
