// `skiff exec POD [-c CONTAINER] -- COMMAND [ARGS...]`: kubectl exec, without
// a terminal. The command runs in the container's context on its node (its
// image, environment, mounts and pod network); its output is printed as it
// comes and its exit code becomes ours, as with kubectl.

import type { Command } from 'commander';
import { execInPod } from '../../client/index.js';
import { CliError } from '../cli-error.js';
import { kubeAction, kubeContext, withKubeFlags, type KubeFlags } from './kube-context.js';
import { containerOf, getPod, podName } from './logs.js';

interface ExecFlags extends KubeFlags {
  readonly container?: string;
  readonly stdin?: boolean;
  readonly tty?: boolean;
}

/** Registers `skiff exec`. */
export function registerExec(program: Command): void {
  withKubeFlags(
    program
      .command('exec')
      .description('Run a command in a container of a pod (kubectl exec, non-interactive)')
      .argument('<pod>', 'POD or pod/NAME')
      .argument('<command...>', 'the command and its arguments, after --')
      .option('-c, --container <name>', 'the container (default: the only or first one)')
      .option('-i, --stdin', 'pass stdin to the container (not supported yet)')
      .option('-t, --tty', 'allocate a terminal (not supported yet)')
      .passThroughOptions(),
  ).action(
    kubeAction(async (pod: string, command: string[], flags: ExecFlags) => {
      if (flags.stdin || flags.tty)
        throw new CliError(
          'skiff exec runs commands without stdin or a terminal (-i/-t are not supported yet)',
        );
      const name = podName(
        pod,
        (what) => `cannot exec into ${what}: skiff exec runs in pods (pod/NAME)`,
      );
      const context = await kubeContext(flags);
      const container = containerOf(await getPod(context, name), name, flags.container);
      const writes: Promise<void>[] = [];
      const exitCode = await execInPod(context.api.transport, context.namespace, name, {
        command,
        container,
        onOutput: (data) => {
          if (!process.stdout.write(data))
            writes.push(new Promise((resolve) => process.stdout.once('drain', () => resolve())));
        },
      });
      await Promise.all(writes);
      if (exitCode !== 0) {
        process.stderr.write(`command terminated with exit code ${exitCode}\n`);
        process.exitCode = exitCode;
      }
    }),
  );
}
