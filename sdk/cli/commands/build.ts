// `skiff build`: a Wasm image from a Dockerfile (the subset that makes sense
// without running anything), or a CNCF Wasm artifact from one .wasm file.

import path from 'node:path';
import type { Command } from 'commander';
import { formatReference } from '../../../runtime/images/oci/reference.js';
import { CliError } from '../cli-error.js';
import { asCliError, imageReference, withImageStore } from '../image-context.js';
import { formatSize } from '../output/table.js';

interface BuildFlags {
  readonly tag?: string;
  readonly file?: string;
  readonly artifact?: boolean;
  readonly quiet?: boolean;
}

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description(
      'Build a Wasm image from a Dockerfile, or a Wasm artifact from a .wasm file (--artifact)',
    )
    .argument('<path>', 'the build context directory (or the .wasm file with --artifact)')
    .option('-t, --tag <name[:tag]>', 'name the image')
    .option('-f, --file <Dockerfile>', 'the Dockerfile (default PATH/Dockerfile)')
    .option('--artifact', 'make a CNCF Wasm OCI artifact from a single module or component')
    .option('-q, --quiet', 'print only the image digest')
    .action(async (target: string, flags: BuildFlags) => {
      if (!flags.tag)
        throw new CliError('build: --tag is required (e.g. -t 127.0.0.1:5000/team/app:v1)');
      const tag = imageReference(flags.tag);
      const log = (line: string) =>
        void (flags.quiet ? undefined : process.stderr.write(line + '\n'));
      const started = performance.now();
      await withImageStore(async (store) => {
        const build = await import('../../../runtime/images/build/index.js');
        const result = flags.artifact
          ? await build.buildArtifact({ store, wasmFile: target, tag }).catch(asCliError)
          : await build
              .buildImage(
                {
                  store,
                  contextDir: target,
                  ...(flags.file ? { dockerfile: path.resolve(flags.file) } : {}),
                  tag,
                },
                (event) => {
                  if (event.kind === 'step')
                    log(`Step ${event.step}/${event.steps} : ${event.text}`);
                  else
                    log(
                      ` ---> layer ${event.digest.slice(7, 19)} (${event.entries} files, ${formatSize(event.size)})${event.existed ? ' (already stored)' : ''}`,
                    );
                },
              )
              .catch(asCliError);
        log(
          `Successfully built ${result.image.manifestDigest} in ${((performance.now() - started) / 1000).toFixed(2)}s`,
        );
        log(`Successfully tagged ${formatReference(tag)}`);
        process.stdout.write(
          `${flags.quiet ? result.image.manifestDigest : formatReference(tag)}\n`,
        );
      });
    });
}
