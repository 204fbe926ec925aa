// `wasi:cli/*`: what a guest learns about its invocation (arguments, environment,
// working directory), its standard streams, and how it exits. All of it comes
// from the guest context; nothing of the host process leaks through.

import type { TerminalInput as TerminalInputApi } from '@bytecodealliance/preview2-shim/interfaces/wasi-cli-terminal-input';
import type { TerminalOutput as TerminalOutputApi } from '@bytecodealliance/preview2-shim/interfaces/wasi-cli-terminal-output';
import type { GuestContext } from '../context.js';
import { GuestExit } from '../context.js';
import type { WasiStreamFactory } from './io/stream-factory.js';
import type { WitResult } from './wit.js';

/** `terminal-input` resource; never handed out (stdin is not a terminal). */
export class TerminalInput implements TerminalInputApi {}

/** `terminal-output` resource; never handed out (stdout/stderr are not terminals). */
export class TerminalOutput implements TerminalOutputApi {}

/** The `wasi:cli/*` interfaces for one guest. */
export function createCliImports(
  ctx: GuestContext,
  streams: WasiStreamFactory,
): Record<string, object> {
  // One object per stream for the guest's whole life: every get-stdout hands out
  // a new handle to the same stream, and dropping a handle leaves it open.
  const stdin = streams.inputStream(ctx.stdin);
  const stdout = streams.outputStream(ctx.stdout);
  const stderr = streams.outputStream(ctx.stderr);
  const environment = ctx.env.map(([name, value]): [string, string] => [name, value]);
  const args = [...ctx.args];
  return {
    'wasi:cli/environment': {
      getEnvironment: () => environment.map(([name, value]) => [name, value]),
      getArguments: () => [...args],
      initialCwd: () => ctx.workingDir,
    },
    'wasi:cli/exit': {
      exit(status: WitResult<undefined, undefined>): never {
        throw new GuestExit(status.tag === 'ok' ? 0 : 1);
      },
      exitWithCode(code: number): never {
        throw new GuestExit(code);
      },
    },
    'wasi:cli/stdin': { getStdin: () => stdin },
    'wasi:cli/stdout': { getStdout: () => stdout },
    'wasi:cli/stderr': { getStderr: () => stderr },
    'wasi:cli/terminal-input': { TerminalInput },
    'wasi:cli/terminal-output': { TerminalOutput },
    'wasi:cli/terminal-stdin': { getTerminalStdin: () => undefined },
    'wasi:cli/terminal-stdout': { getTerminalStdout: () => undefined },
    'wasi:cli/terminal-stderr': { getTerminalStderr: () => undefined },
  };
}
