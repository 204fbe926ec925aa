// Errors the CLI reports as one line and an exit code, never a stack trace.

/** Docker's exit code when the container could not be run at all. */
export const RUN_ERROR_EXIT_CODE = 125;

/** A failure shown to the user as `skiff: <message>`, exiting with `exitCode`. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
