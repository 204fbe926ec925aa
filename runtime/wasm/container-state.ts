// Bookkeeping shared by the Wasm runtime's container handles: identity, the
// single exit result, logs, and how task outcomes map to Kubernetes' terms.

import { randomBytes } from 'node:crypto';
import { ContainerLog } from '../container-log.js';
import type {
  ContainerHandle,
  ContainerStats,
  ExitResult,
  LogChunk,
  LogOptions,
  StopOptions,
  StopSignal,
  TerminationReason,
} from '../runtime.js';
import type { TaskOutcome } from './sandbox/protocol.js';

/** Exit code of a process ended by `signal`, as shells and Docker report it. */
export function signalExitCode(signal: StopSignal): number {
  return 128 + { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal];
}

/** A trap ends a guest as abort() ends a native process: 128 + SIGABRT. */
export const TRAP_EXIT_CODE = 134;
/** Kubernetes and Docker report an OOM kill as SIGKILL. */
export const OOM_EXIT_CODE = 137;
/** Kubernetes reports a container that failed to start with exit code 128. */
export const START_ERROR_EXIT_CODE = 128;

/** The terminated state a task outcome amounts to (without timestamps). */
export function terminationOf(outcome: TaskOutcome): {
  exitCode: number;
  reason: TerminationReason;
  message?: string;
} {
  switch (outcome.kind) {
    case 'exit':
      return { exitCode: outcome.code, reason: outcome.code === 0 ? 'Completed' : 'Error' };
    case 'trap':
      return outcome.oom
        ? { exitCode: OOM_EXIT_CODE, reason: 'OOMKilled', message: outcome.message }
        : { exitCode: TRAP_EXIT_CODE, reason: 'Error', message: outcome.message };
    case 'failed':
      return { exitCode: START_ERROR_EXIT_CODE, reason: 'StartError', message: outcome.message };
  }
}

/** Identity, logs and the one-time exit of a container. */
export class ContainerState {
  readonly id = randomBytes(32).toString('hex');
  readonly startedAt = new Date();
  readonly log = new ContainerLog();
  readonly #exited: Promise<ExitResult>;
  #resolveExit!: (result: ExitResult) => void;
  #result: ExitResult | undefined;

  constructor(readonly name: string) {
    this.#exited = new Promise((resolve) => (this.#resolveExit = resolve));
  }

  get result(): ExitResult | undefined {
    return this.#result;
  }

  /** Records the exit once; later calls are ignored. Returns the recorded result. */
  finish(termination: Omit<ExitResult, 'startedAt' | 'finishedAt'>): ExitResult {
    if (this.#result) return this.#result;
    const result: ExitResult = {
      ...termination,
      startedAt: this.startedAt,
      finishedAt: new Date(),
    };
    this.#result = result;
    this.log.end();
    this.#resolveExit(result);
    return result;
  }

  wait(): Promise<ExitResult> {
    return this.#exited;
  }

  logs(options?: LogOptions): AsyncIterable<LogChunk> {
    return this.log.read(options);
  }
}

/** What every Wasm container handle shares: identity, the exit, the logs. */
export abstract class WasmContainer implements ContainerHandle {
  protected readonly state: ContainerState;

  constructor(name: string) {
    this.state = new ContainerState(name);
  }

  get id(): string {
    return this.state.id;
  }
  get name(): string {
    return this.state.name;
  }
  get startedAt(): Date {
    return this.state.startedAt;
  }

  wait(): Promise<ExitResult> {
    return this.state.wait();
  }

  logs(options?: LogOptions): AsyncIterable<LogChunk> {
    return this.state.logs(options);
  }

  abstract stats(): ContainerStats;
  abstract stop(options?: StopOptions): Promise<ExitResult>;
}

/** A container that ended before its guest could start (e.g. OOMKilled at start). */
export class EndedContainer extends WasmContainer {
  constructor(
    name: string,
    termination: Omit<ExitResult, 'startedAt' | 'finishedAt'>,
    private readonly memoryLimitBytes: number,
  ) {
    super(name);
    this.state.finish(termination);
  }

  stats(): ContainerStats {
    return { memoryBytes: 0, memoryLimitBytes: this.memoryLimitBytes, instances: 0 };
  }

  stop(): Promise<ExitResult> {
    return this.state.wait();
  }
}
