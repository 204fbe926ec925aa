// The `skiff` command. bin/skiff.js imports this file.

import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error.js';
import { hoistGlobalFlags } from './kube/global-flags.js';

type Register = (program: Command) => void;

/**
 * Each command's module, by the top-level command names it registers. Only
 * the module of the command being run is loaded: a long-running `skiff node
 * join` should not carry the image builder, the API server or the YAML
 * printers in its memory (loading them all costs ~27 MiB of RSS).
 */
const commandModules: ReadonlyArray<readonly [readonly string[], () => Promise<Register>]> = [
  [['run'], async () => (await import('./commands/run.js')).registerRun],
  [['build'], async () => (await import('./commands/build.js')).registerBuild],
  [['pull', 'push'], async () => (await import('./commands/pull-push.js')).registerPullPush],
  [['images', 'rmi', 'tag'], async () => (await import('./commands/images.js')).registerImages],
  [['save', 'load'], async () => (await import('./commands/save-load.js')).registerSaveLoad],
  [['login', 'logout'], async () => (await import('./commands/login.js')).registerLogin],
  [['registry'], async () => (await import('./commands/registry.js')).registerRegistry],
  [['controlplane'], async () => (await import('./commands/controlplane.js')).registerControlPlane],
  [['up'], async () => (await import('./commands/up.js')).registerUp],
  [['node'], async () => (await import('./commands/node-join.js')).registerNodeJoin],
  [
    ['cordon', 'uncordon', 'drain'],
    async () => (await import('./commands/cordon.js')).registerCordon,
  ],
  [['apply'], async () => (await import('./commands/apply.js')).registerApply],
  [['create'], async () => (await import('./commands/create.js')).registerCreate],
  [['get'], async () => (await import('./commands/get.js')).registerGet],
  [['describe'], async () => (await import('./commands/describe.js')).registerDescribe],
  [['logs'], async () => (await import('./commands/logs.js')).registerLogs],
  [['exec'], async () => (await import('./commands/exec.js')).registerExec],
  [['delete'], async () => (await import('./commands/delete.js')).registerDelete],
  [['diff'], async () => (await import('./commands/diff.js')).registerDiff],
  [['patch'], async () => (await import('./commands/patch.js')).registerPatch],
  [['replace'], async () => (await import('./commands/replace.js')).registerReplace],
  [['edit'], async () => (await import('./commands/edit.js')).registerEdit],
  [['scale'], async () => (await import('./commands/scale.js')).registerScale],
  [['set'], async () => (await import('./commands/set.js')).registerSet],
  [['wait'], async () => (await import('./commands/wait.js')).registerWait],
  [['label'], async () => (await import('./commands/label.js')).registerLabel],
  [['annotate'], async () => (await import('./commands/annotate.js')).registerAnnotate],
  [['auth'], async () => (await import('./commands/auth.js')).registerAuth],
  [['config'], async () => (await import('./commands/config.js')).registerConfig],
  [['explain'], async () => (await import('./commands/explain.js')).registerExplain],
  [
    ['api-resources', 'api-versions'],
    async () => (await import('./commands/api-resources.js')).registerApiResources,
  ],
];

// A reader that goes away (`skiff get pods | head`) ends the command
// quietly, as SIGPIPE ends kubectl, instead of an unhandled EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

const program = new Command('skiff')
  .description('Skiff: a Kubernetes-style orchestrator for WebAssembly')
  .version(process.env.npm_package_version ?? '0.1.0')
  .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'skiff: ')) })
  .enablePositionalOptions()
  .exitOverride();

// The program has no options of its own but --help/--version (kubectl's
// global flags before the command are moved after it), so the first
// argument names the command; anything else (help, a typo to suggest a
// command for) registers them all, in the order help lists them.
const args = hoistGlobalFlags(process.argv.slice(2));
const named = commandModules.find(([names]) => names.includes(args[0] ?? ''));
for (const [, load] of named ? [named] : commandModules) (await load())(program);

try {
  await program.parseAsync(args, { from: 'user' });
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
