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

/** Where a guest's response goes as it produces it. Called in this order. */
export interface ResponseSink {
  /** The guest set its response (`response-outparam.set` with ok). */
  head(status: number, headers: readonly (readonly [string, Uint8Array])[]): void;
  /** A chunk of body, in order (only after `head`). */
  body(chunk: Uint8Array): void;
  /** The body is complete (`outgoing-body.finish`). */
  end(): void;
  /** The guest answered with an error code instead of a response (`set` with err). */
  error(code: string): void;
}

/** Makes the resources passed to a guest's exported `incoming-handler.handle`. */
export interface IncomingHttpBridge {
  /** A `wasi:http/types.incoming-request` for `request`. */
  incomingRequest(request: IncomingRequestData): object;
  /** A `wasi:http/types.response-outparam` that forwards to `sink`. */
  responseOutparam(sink: ResponseSink): object;
}

/** A complete WASI 0.2 provider set for one guest instance. */
export interface WasiP2Host {
  readonly imports: WasiImportObject;
  readonly http: IncomingHttpBridge;
}
