// Messages between the host thread and a sandbox worker.
//
// A worker runs one task at a time: a command to completion, or one HTTP
// request on a fresh guest instance. Everything a task needs crosses in one
// `SandboxTask` message (compiled modules are posted, not recompiled); output and
// responses stream back as `WorkerMessage`s, and the task ends with `done`.

import type { Mount } from '../../runtime.js';
import type { IncomingRequestData } from '../guest/wasi-p2/provider-types.js';

/** What a guest instance is granted: the worker builds its GuestContext from this. */
export interface GuestSetup {
  readonly args: readonly string[];
  readonly env: readonly (readonly [string, string])[];
  readonly workingDir?: string;
  readonly mounts: readonly Mount[];
  /** Control block (see control-block.ts) shared with the host for this task. */
  readonly control: SharedArrayBuffer;
  /** A SharedByteQueue carrying stdin; absent means stdin is empty. */
  readonly stdin?: SharedArrayBuffer;
}

/** A request body-less copy of IncomingRequestData that can cross threads. */
export interface HttpRequestMessage {
  readonly method: string;
  readonly scheme: string;
  readonly authority: string;
  readonly pathWithQuery: string;
  readonly headers: readonly (readonly [string, Uint8Array])[];
  readonly body: Uint8Array;
  /** The client's address, for CGI's REMOTE_ADDR. */
  readonly remoteAddress: string;
  readonly serverPort: number;
}

/** A jco-transpiled component: its glue module and its compiled core modules. */
export interface ComponentCode {
  /** file: URL of the transpiled ES module exporting `instantiate`. */
  readonly glueUrl: string;
  /** Core module file names (as the glue asks for them) → compiled module. */
  readonly coreModules: Readonly<Record<string, WebAssembly.Module>>;
}

export type SandboxTask =
  | {
      readonly kind: 'core-command';
      readonly module: WebAssembly.Module;
      readonly guest: GuestSetup;
    }
  | { readonly kind: 'component-command'; readonly code: ComponentCode; readonly guest: GuestSetup }
  | {
      readonly kind: 'core-wagi-request';
      readonly module: WebAssembly.Module;
      readonly guest: GuestSetup;
      readonly request: HttpRequestMessage;
    }
  | {
      readonly kind: 'component-http-request';
      readonly code: ComponentCode;
      readonly guest: GuestSetup;
      readonly request: HttpRequestMessage;
    };

/** How a task's guest ended. */
export type TaskOutcome =
  | { readonly kind: 'exit'; readonly code: number }
  /** A Wasm trap or a host error surfaced as one; `oom` when it was the memory limit. */
  | { readonly kind: 'trap'; readonly message: string; readonly oom: boolean }
  /** The task could not start (e.g. instantiation failed); nothing ran. */
  | { readonly kind: 'failed'; readonly message: string };

export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'output'; readonly fd: 1 | 2; readonly data: Uint8Array }
  | {
      readonly type: 'http-head';
      readonly status: number;
      readonly headers: readonly (readonly [string, Uint8Array])[];
    }
  | { readonly type: 'http-body'; readonly data: Uint8Array }
  | { readonly type: 'http-end' }
  | { readonly type: 'http-error'; readonly code: string }
  | { readonly type: 'done'; readonly outcome: TaskOutcome; readonly memoryBytes: number };

/** Converts the wire form of a request into the guest-facing form (body as a source). */
export function requestWithBody(
  request: HttpRequestMessage,
  body: IncomingRequestData['body'],
): IncomingRequestData {
  const { method, scheme, authority, pathWithQuery, headers } = request;
  return { method, scheme, authority, pathWithQuery, headers, body };
}
