// The `skiff` command. bin/skiff.js imports this file.

import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error.js';
import { registerAnnotate } from './commands/annotate.js';
import { registerApiResources } from './commands/api-resources.js';
import { registerApply } from './commands/apply.js';
import { registerBuild } from './commands/build.js';
import { registerControlPlane } from './commands/controlplane.js';
import { registerCreate } from './commands/create.js';
import { registerDelete } from './commands/delete.js';
import { registerDescribe } from './commands/describe.js';
import { registerGet } from './commands/get.js';
import { registerExec } from './commands/exec.js';
import { registerImages } from './commands/images.js';
import { registerLabel } from './commands/label.js';
import { registerLogin } from './commands/login.js';
import { registerLogs } from './commands/logs.js';
import { registerPullPush } from './commands/pull-push.js';
import { registerRegistry } from './commands/registry.js';
import { registerNodeJoin } from './commands/node-join.js';
import { registerRun } from './commands/run.js';
import { registerUp } from './commands/up.js';
import { registerCordon } from './commands/cordon.js';
import { registerSaveLoad } from './commands/save-load.js';

const program = new Command('skiff')
  .description('Skiff: a Kubernetes-style orchestrator for WebAssembly')
  .version(process.env.npm_package_version ?? '0.1.0')
  .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'skiff: ')) })
  .enablePositionalOptions()
  .exitOverride();

registerRun(program);
registerBuild(program);
registerPullPush(program);
registerImages(program);
registerSaveLoad(program);
registerLogin(program);
registerRegistry(program);
registerControlPlane(program);
registerUp(program);
registerNodeJoin(program);
registerCordon(program);
registerApply(program);
registerCreate(program);
registerGet(program);
registerDescribe(program);
registerLogs(program);
registerExec(program);
registerDelete(program);
registerLabel(program);
registerAnnotate(program);
registerApiResources(program);

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
