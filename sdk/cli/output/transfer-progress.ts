// Progress of pulls and pushes: per-layer bars on a terminal (like `docker
// pull`), one plain line per step otherwise (logs, CI, pipes).

import cliProgress from 'cli-progress';
import type { TransferEvent, TransferListener } from '../../../runtime/images/transfer-events.js';
import { formatSize } from './table.js';

const short = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 12);

export interface TransferDisplay {
  readonly listener: TransferListener;
  /** Stops drawing (bars are left as they are). */
  stop(): void;
}

/** Chooses bars for a TTY, lines otherwise. `verb` is `Pull` or `Push`. */
export function transferDisplay(
  stream: NodeJS.WriteStream,
  verb: 'Pull' | 'Push',
): TransferDisplay {
  return stream.isTTY ? barsDisplay(stream, verb) : linesDisplay(stream, verb);
}

function linesDisplay(stream: NodeJS.WriteStream, verb: 'Pull' | 'Push'): TransferDisplay {
  const write = (line: string) => stream.write(line + '\n');
  const listener = (event: TransferEvent) => {
    switch (event.type) {
      case 'note':
        return write(event.message);
      case 'blob':
        if (event.role === 'manifest') return;
        return write(
          event.present
            ? `${short(event.digest)}: ${verb === 'Pull' ? 'Already exists' : 'Layer already exists'}`
            : `${short(event.digest)}: ${verb === 'Pull' ? 'Pulling' : 'Pushing'} ${event.role} (${formatSize(event.size)})`,
        );
      case 'done':
        return write(`${short(event.digest)}: ${verb} complete`);
      case 'bytes':
        return;
    }
  };
  return { listener, stop: () => undefined };
}

function barsDisplay(stream: NodeJS.WriteStream, verb: 'Pull' | 'Push'): TransferDisplay {
  const bars = new cliProgress.MultiBar(
    {
      stream,
      format: '{id}: {status} [{bar}] {done}/{size}',
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
      autopadding: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const byDigest = new Map<string, { bar: cliProgress.SingleBar; size: number }>();
  const listener = (event: TransferEvent) => {
    switch (event.type) {
      case 'note':
        return bars.log(event.message + '\n');
      case 'blob': {
        if (event.role === 'manifest') return;
        const status = event.present ? (verb === 'Pull' ? 'Already exists' : 'Exists') : 'Waiting';
        const bar = bars.create(Math.max(1, event.size), event.present ? event.size : 0, {
          id: short(event.digest),
          status: status.padEnd(14),
          done: formatSize(event.present ? event.size : 0),
          size: formatSize(event.size),
        });
        byDigest.set(event.digest, { bar, size: event.size });
        return;
      }
      case 'bytes': {
        const entry = byDigest.get(event.digest);
        entry?.bar.update(event.transferred, {
          status: (verb === 'Pull' ? 'Downloading' : 'Pushing').padEnd(14),
          done: formatSize(event.transferred),
        });
        return;
      }
      case 'done': {
        const entry = byDigest.get(event.digest);
        entry?.bar.update(entry.size, {
          status: `${verb} complete`.padEnd(14),
          done: formatSize(entry.size),
        });
        return;
      }
    }
  };
  return { listener, stop: () => bars.stop() };
}
