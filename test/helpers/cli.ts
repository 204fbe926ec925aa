// Runs the `skiff` command as a user would, in a child process.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { skiffBin } from './paths.js';

/** A SKIFF_HOME shared by this test process's CLI runs (so caches stay warm). */
export const testSkiffHome = mkdtempSync(path.join(os.tmpdir(), 'skiff-home-'));

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly input?: string;
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  readonly timeoutMs?: number;
}

/** Starts `skiff args...`; the caller talks to the process. */
export function startSkiff(args: readonly string[], options: CliOptions = {}): ChildProcess {
  return spawn(process.execPath, [skiffBin, ...args], {
    cwd: options.cwd,
    env: { ...process.env, SKIFF_HOME: testSkiffHome, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Output and exit status of a finished process. */
export function finished(child: ChildProcess, timeoutMs = 60_000): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (data: string) => (stdout += data));
  child.stderr?.setEncoding('utf8').on('data', (data: string) => (stderr += data));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`skiff did not exit within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs `skiff args...` to completion. */
export function skiff(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const child = startSkiff(args, options);
  child.stdin?.end(options.input ?? '');
  return finished(child, options.timeoutMs);
}

/** Resolves when `child` has written `pattern` to stderr; returns what it wrote. */
export function stderrMatching(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs = 30_000,
): Promise<string> {
  let seen = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${pattern} on stderr; got: ${seen}`)),
      timeoutMs,
    );
    child.stderr?.on('data', (data: Buffer) => {
      seen += data.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve(seen);
      }
    });
  });
}
