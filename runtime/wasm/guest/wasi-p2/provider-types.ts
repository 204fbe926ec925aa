// Contracts between the pieces of Skiff's WASI 0.2 host (the providers a
// jco-transpiled component is instantiated with). The streams/io provider, the
// filesystem provider and the HTTP provider are written separately; these types
// are how they meet, and how the sandbox worker drives an HTTP request through
// a guest's `wasi:http/incoming-handler`.

import type { ByteSink, ByteSource } from '../context.js';

/**
 * Makes wasi:io resources over the guest context's byte sources and sinks. Every
 * resource returned is an instance of the classes in the `wasi:io/*` import
 * object of the same provider set (jco's glue checks resources with instanceof).
 */
export interface StreamFactory {
  /** A `wasi:io/streams.input-stream` reading from `source`. */
  inputStream(source: ByteSource): object;
  /** A `wasi:io/streams.output-stream` writing to `sink`. */
  outputStream(sink: ByteSink): object;
  /**
   * A `wasi:io/poll.pollable` that is ready once `isReady()` returns true; `block()`
   * waits with `GuestContext.waitForActivity`.
   */
  pollable(isReady: () => boolean): object;
}

/** The `wasi:filesystem` part of the import object: `types` and `preopens` namespaces. */
export interface FilesystemProvider {
  /** `wasi:filesystem/types`: `Descriptor`, `DirectoryEntryStream`, `filesystemErrorCode`. */
  readonly types: object;
  /** `wasi:filesystem/preopens`: `getDirectories()`. */
  readonly preopens: object;
}

/** Builds the filesystem provider once the stream factory exists. */
export type FilesystemProviderFactory = (streams: StreamFactory) => FilesystemProvider;

/**
 * A jco import object: keys are interface names without versions, as jco's
 * `--instantiation async` glue looks them up (`wasi:cli/environment`, ...).
 */
export type WasiImportObject = Record<string, object>;

/** An HTTP request as it arrives at a guest; the body is fully available. */
export interface IncomingRequestData {
  /** `GET`, `POST`, ... (any token; the standard ones map to wasi:http's method cases). */
  readonly method: string;
  /** `http` or `https`. */
  readonly scheme: string;
  /** `host[:port]` from the request. */
  readonly authority: string;
  /** Path and query, e.g. `/a/b?c=d`. */
  readonly pathWithQuery: string;
  /** Header lines in order; names lower-case. */
  readonly headers: readonly (readonly [string, Uint8Array])[];
  readonly body: ByteSource;
}

/** Where a guest's response goes: `head`, `body`*, then `end` or `error`; or `error` alone. */
export interface ResponseSink {
  /** The guest set its response (`response-outparam.set` with ok). */
  head(status: number, headers: readonly (readonly [string, Uint8Array])[]): void;
  /** A chunk of body, in order (only after `head`). */
  body(chunk: Uint8Array): void;
  /** The body is complete (`outgoing-body.finish`). */
  end(): void;
  /**
   * The request failed; `code` is a wasi:http error-code tag. Before `head`: the
   * guest set an error or never set a response (`internal-error`): answer 5xx.
   * After `head`: the body is broken (`HTTP-response-incomplete`, ...): abort.
   */
  error(code: string): void;
}

/** Makes the resources passed to a guest's exported `incoming-handler.handle`. */
export interface IncomingHttpBridge {
  /** A `wasi:http/types.incoming-request` for `request`. */
  incomingRequest(request: IncomingRequestData): object;
  /** A `wasi:http/types.response-outparam` that forwards to `sink`. */
  responseOutparam(sink: ResponseSink): object;
  /** After `handle` returned or threw: reports a response never set or never finished. */
  settle(outparam: object): void;
}

/** A complete WASI 0.2 provider set for one guest instance. */
export interface WasiP2Host {
  readonly imports: WasiImportObject;
  readonly http: IncomingHttpBridge;
}

/**
 * The interfaces a WASI 0.2 host provides, by unversioned name; any 0.2.x
 * version of them is accepted. A component importing anything else cannot run.
 */
export const WASI_P2_INTERFACES: readonly string[] = [
  'wasi:cli/environment',
  'wasi:cli/exit',
  'wasi:cli/stdin',
  'wasi:cli/stdout',
  'wasi:cli/stderr',
  'wasi:cli/terminal-input',
  'wasi:cli/terminal-output',
  'wasi:cli/terminal-stdin',
  'wasi:cli/terminal-stdout',
  'wasi:cli/terminal-stderr',
  'wasi:clocks/monotonic-clock',
  'wasi:clocks/wall-clock',
  'wasi:clocks/timezone',
  'wasi:filesystem/types',
  'wasi:filesystem/preopens',
  'wasi:io/error',
  'wasi:io/poll',
  'wasi:io/streams',
  'wasi:random/random',
  'wasi:random/insecure',
  'wasi:random/insecure-seed',
  'wasi:sockets/instance-network',
  'wasi:sockets/network',
  'wasi:sockets/tcp',
  'wasi:sockets/tcp-create-socket',
  'wasi:sockets/udp',
  'wasi:sockets/udp-create-socket',
  'wasi:sockets/ip-name-lookup',
  'wasi:http/types',
  'wasi:http/outgoing-handler',
];
