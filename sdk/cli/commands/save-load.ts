// `skiff save` / `skiff load`: images as an OCI image layout, a directory or a tar.

import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { asCliError, imageReference, withImageStore } from '../image-context.js';

const isTar = (target: string) => /\.tar$/.test(target);

export function registerSaveLoad(program: Command): void {
  program
    .command('save')
    .description('Write images to an OCI image layout (a directory, or a .tar file)')
    .argument('<image...>', 'images in the local store')
    .requiredOption('-o, --output <path>', 'a directory, or a file ending in .tar')
    .action(async (texts: string[], flags: { output: string }) => {
      await withImageStore(async (store) => {
        const images = [];
        for (const text of texts) {
          const image = await store.get(imageReference(text));
          if (!image) throw new CliError(`${text}: no such image in the local store`);
          images.push(image);
        }
        const { saveImages } = await import('../../../runtime/images/layout/index.js');
        const target = isTar(flags.output) ? { tarFile: flags.output } : { dir: flags.output };
        await saveImages(store, images, target).catch(asCliError);
      });
    });

  program
    .command('load')
    .description('Read images from an OCI image layout (a directory, or a .tar file)')
    .requiredOption('-i, --input <path>', 'a directory, or a .tar file')
    .option('--repository <name>', 'repository for entries whose ref.name is a bare tag')
    .action(async (flags: { input: string; repository?: string }) => {
      await withImageStore(async (store) => {
        const { loadImages } = await import('../../../runtime/images/layout/index.js');
        const source = isTar(flags.input) ? { tarFile: flags.input } : { dir: flags.input };
        const loaded = await loadImages(
          store,
          source,
          flags.repository ? { repository: flags.repository } : {},
        ).catch(asCliError);
        for (const image of loaded) process.stdout.write(`Loaded image: ${image.reference}\n`);
      });
    });
}
