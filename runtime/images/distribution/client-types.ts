// The registry client's options and results (registry-client.ts has the calls).

import type { ImageIndex, ImageManifest } from '../oci/types.js';
import type { RegistryCredentials } from './authenticator.js';
import type { RetryPolicy } from './retry-policy.js';

/** How to reach and talk to a registry. */
export interface RegistryClientOptions {
  /** Credentials for Basic auth and for the token server (anonymous without). */
  readonly credentials?: RegistryCredentials;
  /**
   * Speak plain HTTP to this registry: `true`, or a list of registries
   * (`host[:port]`) that includes it. Local registries (localhost, 127.x, ::1)
   * always get plain HTTP, as with Docker.
   */
  readonly insecure?: boolean | readonly string[];
  /** Idle timeout per request: no headers or body bytes for this long fails it (default 30 s). */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Blobs up to this size are pushed in one request; bigger ones in chunks of it (default 8 MiB). */
  readonly chunkSize?: number;
  readonly userAgent?: string;
}

/** Per-call options. */
export interface CallOptions {
  /** Cancels the call; its reason is thrown as is (never wrapped, never retried). */
  readonly signal?: AbortSignal;
}

/** A manifest or index as pulled, verified against its digest. */
export interface PulledManifest {
  /** From Content-Type, else the manifest's own `mediaType`, else its shape. */
  readonly mediaType: string;
  /** Digest of `bytes`: the reference itself when pulled by digest, else `sha256:`. */
  readonly digest: string;
  readonly size: number;
  readonly bytes: Buffer;
  readonly parsed: ImageManifest | ImageIndex;
}
