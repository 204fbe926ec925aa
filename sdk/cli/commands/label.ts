// `skiff label TYPE NAME k=v k-`: kubectl label.

import type { Command } from 'commander';
import { editMetadata, type EditFlags } from '../kube/metadata-edit.js';
import { kubeAction, kubeContext, withKubeFlags, type KubeFlags } from './kube-context.js';

/** Registers `skiff label`. */
export function registerLabel(program: Command): void {
  withKubeFlags(
    program
      .command('label')
      .description('Update the labels of resources (kubectl label): KEY=VALUE sets, KEY- removes')
      .argument('<args...>', 'TYPE NAME... or TYPE/NAME..., then KEY=VALUE... and KEY-...')
      .option('--overwrite', 'allow changing the value of an existing label')
      .option('-l, --selector <selector>', 'label the objects matching this selector')
      .option('--all', 'label every object of the type in the namespace'),
  ).action(
    kubeAction(async (args: string[], flags: EditFlags & KubeFlags) => {
      const context = await kubeContext(flags);
      if ((await editMetadata(context, 'labels', args, flags)) > 0) process.exitCode = 1;
    }),
  );
}
