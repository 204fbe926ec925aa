// `skiff pull` and `skiff push`, with docker's progress output.

import type { Command } from 'commander';
import { familiarName, formatReference } from '../../../runtime/images/oci/reference.js';
import type { ImageReference } from '../../../runtime/images/oci/reference.js';
import type { LocalImageStore } from '../../../runtime/images/store/index.js';
import type { LocalImage } from '../../../runtime/images/store/image-store-types.js';
import { CliError } from '../cli-error.js';
import {
  asCliError,
  clientFor,
  collect,
  imageReference,
  withImageStore,
} from '../image-context.js';
import { transferDisplay } from '../output/transfer-progress.js';

interface TransferFlags {
  readonly insecure: string[];
  readonly quiet?: boolean;
}

/** Pulls `reference` into `store`, showing progress on stderr unless quiet. */
export async function pullWithProgress(
  store: LocalImageStore,
  reference: ImageReference,
  options: { insecure?: readonly string[]; quiet?: boolean } = {},
): Promise<LocalImage> {
  const { pullImage } = await import('../../../runtime/images/transfer/pull.js');
  const display = options.quiet ? undefined : transferDisplay(process.stderr, 'Pull');
  try {
    const client = await clientFor(reference.registry, options.insecure);
    if (!options.quiet)
      process.stderr.write(
        `${reference.tag ?? reference.digest}: Pulling from ${familiarName(reference)}\n`,
      );
    const image = await pullImage({
      store,
      client,
      reference,
      ...(display ? { onEvent: display.listener } : {}),
    });
    display?.stop();
    if (!options.quiet) {
      process.stderr.write(`Digest: ${image.indexDigest ?? image.manifestDigest}\n`);
      process.stderr.write(
        `Status: Downloaded ${formatReference(reference)} (${image.kind}, ${image.platform.os}/${image.platform.architecture})\n`,
      );
    }
    return image;
  } catch (error) {
    display?.stop();
    return asCliError(error);
  }
}

export function registerPullPush(program: Command): void {
  program
    .command('pull')
    .description('Pull an image from a registry into the local image store')
    .argument('<image>', 'image reference, e.g. 127.0.0.1:5000/team/kubia:v1')
    .option('--insecure <registry>', 'use plain HTTP for this registry (repeatable)', collect, [])
    .option('-q, --quiet', 'print only the image reference')
    .action(async (text: string, flags: TransferFlags) => {
      const reference = imageReference(text);
      await withImageStore(async (store) => {
        await pullWithProgress(store, reference, flags);
        process.stdout.write(`${formatReference(reference)}\n`);
      });
    });

  program
    .command('push')
    .description('Push an image from the local image store to its registry')
    .argument('<image>', 'image reference (its registry is where it goes)')
    .option('--insecure <registry>', 'use plain HTTP for this registry (repeatable)', collect, [])
    .option('-q, --quiet', 'print only the pushed digest')
    .action(async (text: string, flags: TransferFlags) => {
      const target = imageReference(text);
      await withImageStore(async (store) => {
        const image = await store.get(target);
        if (!image)
          throw new CliError(`${text}: no such image in the local store (skiff images lists them)`);
        const { pushImage } = await import('../../../runtime/images/transfer/push.js');
        const display = flags.quiet ? undefined : transferDisplay(process.stderr, 'Push');
        try {
          if (!flags.quiet)
            process.stderr.write(
              `The push refers to repository [${target.registry}/${target.repository}]\n`,
            );
          const client = await clientFor(target.registry, flags.insecure);
          const { digest } = await pushImage({
            store,
            client,
            image,
            target,
            ...(display ? { onEvent: display.listener } : {}),
          });
          display?.stop();
          process.stdout.write(`${formatReference({ ...target, digest })}\n`);
        } catch (error) {
          display?.stop();
          asCliError(error);
        }
      });
    });
}
