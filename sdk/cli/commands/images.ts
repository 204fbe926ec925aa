// `skiff images`, `skiff images prune`, `skiff rmi`, `skiff tag`: the local store.

import type { Command } from 'commander';
import { stringify } from 'yaml';
import { familiarName, parseReference } from '../../../runtime/images/oci/reference.js';
import type { LocalImage } from '../../../runtime/images/store/image-store-types.js';
import { CliError } from '../cli-error.js';
import { asCliError, imageReference, withImageStore } from '../image-context.js';
import { formatAge, formatSize, formatTable } from '../output/table.js';

const short = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 12);

/** `docker images`' columns; `wide` adds what Skiff knows besides. */
function imagesTable(images: readonly LocalImage[], wide: boolean): string {
  const rows = images.map((image) => {
    const reference = parseReference(image.reference);
    const row = [
      familiarName(reference),
      reference.tag ?? '<none>',
      short(image.indexDigest ?? image.manifestDigest),
      formatSize(image.size),
      image.created ? formatAge(new Date(image.created)) : 'N/A',
    ];
    return wide ? [...row, `${image.platform.os}/${image.platform.architecture}`, image.kind] : row;
  });
  const headers = ['REPOSITORY', 'TAG', 'DIGEST', 'SIZE', 'CREATED'];
  return formatTable(wide ? [...headers, 'PLATFORM', 'KIND'] : headers, rows);
}

export function registerImages(program: Command): void {
  const images = program
    .command('images')
    .description('List the images in the local store')
    .option('-o, --output <format>', 'table (default), wide, json or yaml', 'table')
    .option('-q, --quiet', 'only digests')
    .action(async (flags: { output: string; quiet?: boolean }) => {
      await withImageStore(async (store) => {
        const list = await store.list();
        if (flags.quiet)
          return void process.stdout.write(list.map((i) => i.manifestDigest + '\n').join(''));
        if (flags.output === 'json')
          return void process.stdout.write(JSON.stringify(list, null, 2) + '\n');
        if (flags.output === 'yaml') return void process.stdout.write(stringify(list));
        if (flags.output !== 'table' && flags.output !== 'wide') {
          throw new CliError(`unknown --output "${flags.output}": use table, wide, json or yaml`);
        }
        process.stdout.write(imagesTable(list, flags.output === 'wide'));
      });
    });

  images
    .command('prune')
    .description('Delete the blobs no image in the store uses')
    .action(async () => {
      await withImageStore(async (store) => {
        const { deletedBlobs, reclaimedBytes } = await store.prune();
        for (const digest of deletedBlobs) process.stdout.write(`deleted: ${digest}\n`);
        process.stdout.write(`Total reclaimed space: ${formatSize(reclaimedBytes)}\n`);
      });
    });

  program
    .command('rmi')
    .description('Remove image references from the local store (blobs go at the next prune)')
    .argument('<image...>', 'image references')
    .action(async (texts: string[]) => {
      await withImageStore(async (store) => {
        for (const text of texts) {
          const removed = await store.remove(imageReference(text)).catch(asCliError);
          process.stdout.write(`Untagged: ${removed.reference}\n`);
        }
      });
    });

  program
    .command('tag')
    .description('Give an image in the local store another reference')
    .argument('<source>', 'an image in the store')
    .argument('<target>', 'the new reference, e.g. 127.0.0.1:5000/team/app:v2')
    .action(async (source: string, target: string) => {
      await withImageStore(async (store) => {
        const tagged = await store
          .tag(imageReference(source), imageReference(target))
          .catch(asCliError);
        process.stdout.write(`${tagged.reference}\n`);
      });
    });
}
