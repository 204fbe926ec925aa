// Runs one benchmark as a child process, so its memory readings are its own.

import { spawn } from 'node:child_process';

export interface ChildRun {
  readonly code: number | null;
  readonly stdout: string;
}

/** Runs `node --expose-gc <script> args...`, streaming its stderr (progress) through. */
export function runBenchScript(script: URL, args: readonly string[] = []): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', script.pathname, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (data: string) => (stdout += data));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}
