// The `skiff` command. bin/skiff.js imports this file.

import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error.js';
import { registerRun } from './commands/run.js';

const program = new Command('skiff')
  .description('Skiff: a Kubernetes-style orchestrator for WebAssembly')
  .version(process.env.npm_package_version ?? '0.1.0')
  .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'skiff: ')) })
  .enablePositionalOptions()
  .exitOverride();

registerRun(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version are "errors" to commander; their exit code is 0.
    process.exitCode = error.exitCode;
  } else if (error instanceof CliError) {
    process.stderr.write(`skiff: ${error.message}\n`);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(
      `skiff: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  }
}
