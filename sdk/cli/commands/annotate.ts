// `skiff annotate TYPE NAME k=v k-`: kubectl annotate.

import type { Command } from 'commander';
import { editMetadata, type EditFlags } from '../kube/metadata-edit.js';
import { kubeAction, kubeContext, withKubeFlags, type KubeFlags } from './kube-context.js';

/** Registers `skiff annotate`. */
export function registerAnnotate(program: Command): void {
  withKubeFlags(
    program
      .command('annotate')
      .description(
        'Update the annotations of resources (kubectl annotate): KEY=VALUE sets, KEY- removes',
      )
      .argument('<args...>', 'TYPE NAME... or TYPE/NAME..., then KEY=VALUE... and KEY-...')
      .option('--overwrite', 'allow changing the value of an existing annotation')
      .option('-l, --selector <selector>', 'annotate the objects matching this selector')
      .option('--all', 'annotate every object of the type in the namespace'),
  ).action(
    kubeAction(async (args: string[], flags: EditFlags & KubeFlags) => {
      const context = await kubeContext(flags);
      if ((await editMetadata(context, 'annotations', args, flags)) > 0) process.exitCode = 1;
    }),
  );
}
