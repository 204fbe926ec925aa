// Pushing one blob (OCI distribution spec, "Pushing blobs"): a cross-repository
// mount when a repository on the same registry already has it, else an upload
// session: small blobs in one PUT, big ones in PATCH chunks and a final PUT.
//
// Chunks are buffered (one at a time, `chunkSize` bytes), so a chunk that
// failed can be sent again. A PATCH is not blindly retried: the registry may
// have stored part of it. Instead the client asks the upload how far it got
// (GET on the upload URL → `Range: 0-<last byte>`) and resumes from there.

import type { Readable } from 'node:stream';
import { DigestMismatchError } from '../store/blob-store.js';
import { repositoryScope } from './authenticator.js';
import { RegistryError, type OperationContext } from './errors.js';
import { protocolError, type HttpResponse } from './http-transport.js';
import type { RegistrySession } from './registry-session.js';
import {
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
  sleep,
  type RetryPolicy,
} from './retry-policy.js';

/** Where a blob push ended: already there, mounted from another repository, or sent. */
export type PushBlobResult = 'exists' | 'mounted' | 'uploaded';

/** A blob's bytes, produced on demand: once per upload attempt (again only to start over). */
export type BlobSource = () => Readable | AsyncIterable<Uint8Array>;

export interface UploadOptions {
  /** Blobs up to this size go in one PUT; bigger ones in PATCH chunks of this size. */
  readonly chunkSize: number;
  readonly retry: RetryPolicy;
  /** A repository of the same registry that may hold the blob (tried first). */
  readonly mountFrom?: string;
  readonly signal?: AbortSignal;
}

const OCTETS = 'application/octet-stream';

/**
 * Uploads blob `digest` of `size` bytes into `repository` (the caller has
 * checked it is not there yet). When the bytes fail to get through and the
 * upload cannot be resumed, it starts over (calling `body` again), as often
 * as the retry policy allows. Throws RegistryError for the registry's
 * refusals (a wrong digest: `400 digest invalid`), DigestMismatchError when
 * `body` does not produce `size` bytes.
 */
export async function uploadBlob(
  session: RegistrySession,
  repository: string,
  blob: { readonly digest: string; readonly size: number },
  body: BlobSource,
  options: UploadOptions,
): Promise<Exclude<PushBlobResult, 'exists'>> {
  const context: OperationContext = {
    registry: session.registry,
    repository,
    operation: `push blob ${blob.digest}`,
  };
  for (let attempt = 1; ; attempt++) {
    const upload = new Upload(session, context, repository, blob, options);
    // Failures to open the upload were retried by the transport already.
    if ((await upload.start()) === 'mounted') return 'mounted';
    try {
      await upload.send(body());
      return 'uploaded';
    } catch (error) {
      await upload.cancel();
      const delay = isTransient(error) ? retryDelay(options.retry, attempt) : undefined;
      if (delay === undefined) throw error;
      await sleep(delay, options.signal);
    }
  }
}

/**
 * Failures that starting over may cure: the network, or a registry that was
 * briefly unable. (A registry that holds resume state in its upload URLs, as
 * distribution does, forgets the upload when an acknowledged chunk is lost.)
 */
function isTransient(error: unknown): boolean {
  if (!(error instanceof RegistryError)) return false;
  return (
    error.failure === 'network' || (error.status !== undefined && isRetryableStatus(error.status))
  );
}

class Upload {
  #location: URL | undefined;
  #chunkSize: number;
  readonly #scopes: readonly string[];

  constructor(
    private readonly session: RegistrySession,
    private readonly context: OperationContext,
    private readonly repository: string,
    private readonly blob: { readonly digest: string; readonly size: number },
    private readonly options: UploadOptions,
  ) {
    this.#chunkSize = options.chunkSize;
    this.#scopes = [repositoryScope(repository, ['pull', 'push'])];
  }

  /** Mounts the blob, or opens an upload session. */
  async start(): Promise<'mounted' | 'open'> {
    const { mountFrom, signal } = this.options;
    const uploads = `/v2/${this.repository}/blobs/uploads/`;
    if (mountFrom !== undefined && mountFrom !== this.repository) {
      const query = new URLSearchParams({ mount: this.blob.digest, from: mountFrom });
      const response = await this.session.send(
        { ...this.context, operation: `mount blob ${this.blob.digest} from ${mountFrom}` },
        {
          method: 'POST',
          target: `${uploads}?${query}`,
          scopes: [...this.#scopes, repositoryScope(mountFrom, ['pull'])],
          signal,
        },
      );
      if (response.status === 201) {
        await response.discard();
        return 'mounted';
      }
      // 202: the registry could not mount and opened an ordinary upload.
      if (response.status === 202) return this.#opened(response);
      // Anything else (no mount support, no access to `from`): upload instead.
      await response.discard();
    }
    const response = await this.session.expect(
      this.context,
      { method: 'POST', target: uploads, scopes: this.#scopes, signal },
      [202],
    );
    return this.#opened(response);
  }

  async #opened(response: HttpResponse): Promise<'open'> {
    await response.discard();
    this.#location = this.#locationOf(response);
    // OCI 1.1: a registry may ask for chunks of at least this many bytes.
    const minimum = Number(response.headers.get('oci-chunk-min-length'));
    if (Number.isSafeInteger(minimum) && minimum > this.#chunkSize) this.#chunkSize = minimum;
    return 'open';
  }

  /** Sends the bytes and completes the upload with the digest. */
  async send(source: Readable | AsyncIterable<Uint8Array>): Promise<void> {
    const { size } = this.blob;
    if (size <= this.#chunkSize) {
      const bytes = await readAll(source, size, this.#what());
      await this.#finish(bytes);
      return;
    }
    let offset = 0;
    for await (const chunk of chunksOf(source, this.#chunkSize)) {
      if (offset + chunk.length > size) throw this.#sizeMismatch(`more than ${size} bytes`);
      await this.#patch(chunk, offset);
      offset += chunk.length;
    }
    if (offset !== size) throw this.#sizeMismatch(`${offset} bytes`);
    await this.#finish(new Uint8Array(0));
  }

  /** Abandons the upload session (best effort: the registry expires it anyway). */
  async cancel(): Promise<void> {
    if (!this.#location) return;
    const response = await this.session
      .send(this.context, {
        method: 'DELETE',
        target: this.#location,
        scopes: this.#scopes,
        retry: false,
      })
      .catch(() => undefined);
    await response?.discard();
  }

  async #patch(chunk: Uint8Array, start: number): Promise<void> {
    const { retry, signal } = this.options;
    let sent = 0;
    for (let attempt = 1; ; attempt++) {
      let failure: RegistryError;
      let retryAfter: number | undefined;
      try {
        const response = await this.session.send(this.context, {
          method: 'PATCH',
          target: this.#upload(),
          scopes: this.#scopes,
          headers: {
            'content-type': OCTETS,
            'content-range': `${start + sent}-${start + chunk.length - 1}`,
          },
          body: chunk.subarray(sent),
          retry: false,
          signal,
        });
        if (response.status === 202) {
          await response.discard();
          this.#location = this.#locationOf(response);
          return;
        }
        failure = await this.session.errorFor(this.context, response);
        if (!isRetryableStatus(response.status)) throw failure;
        retryAfter = parseRetryAfter(response.headers.get('retry-after'));
      } catch (error) {
        if (!(error instanceof RegistryError) || error.failure !== 'network') throw error;
        failure = error;
      }
      const delay = retryDelay(retry, attempt, retryAfter);
      if (delay === undefined) throw failure;
      await sleep(delay, signal);
      // Resume where the registry got to, inside this chunk (the bytes before
      // it are gone); when it cannot say, the caller starts over.
      const stored = await this.#progress().catch(() => -1);
      if (stored < start || stored > start + chunk.length) throw failure;
      sent = stored - start;
      if (sent === chunk.length) return;
    }
  }

  /** How many bytes the registry holds for this upload. */
  async #progress(): Promise<number> {
    const { signal } = this.options;
    const response = await this.session.expect(
      { ...this.context, operation: `check upload of ${this.blob.digest}` },
      {
        method: 'GET',
        target: this.#upload(),
        scopes: this.#scopes,
        signal,
      },
      [204],
    );
    await response.discard();
    if (response.headers.has('location')) this.#location = this.#locationOf(response);
    // `Range: 0-<last>`; distribution answers `0-0` for an empty upload too.
    const match = /^(?:bytes=)?0-(\d+)$/.exec(response.headers.get('range') ?? '');
    const last = match ? Number(match[1]) : -1;
    return last > 0 ? last + 1 : 0;
  }

  async #finish(body: Uint8Array): Promise<void> {
    const url = this.session.url(this.#upload());
    url.searchParams.set('digest', this.blob.digest);
    const { signal } = this.options;
    const response = await this.session.send(this.context, {
      method: 'PUT',
      target: url,
      scopes: this.#scopes,
      headers: { 'content-type': OCTETS },
      body,
      signal,
    });
    if (response.status === 201 || response.status === 204) {
      await response.discard();
      return;
    }
    throw await this.session.errorFor(this.context, response);
  }

  #upload(): URL {
    if (!this.#location) throw protocolError(this.context, 'no upload session');
    return this.#location;
  }

  /** The upload URL a response names (read after its body was dropped). */
  #locationOf(response: HttpResponse): URL {
    const location = response.headers.get('location');
    if (!location)
      throw protocolError(this.context, 'the registry sent no upload Location', response.status);
    return new URL(location, response.url);
  }

  #what(): string {
    return `${this.context.registry}/${this.repository}: push blob ${this.blob.digest}`;
  }

  #sizeMismatch(actual: string): DigestMismatchError {
    return new DigestMismatchError(`${this.blob.size} bytes`, actual, this.#what());
  }
}

/** All of `source`; DigestMismatchError when it is not exactly `size` bytes. */
async function readAll(
  source: Readable | AsyncIterable<Uint8Array>,
  size: number,
  what: string,
): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of source as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > size)
      throw new DigestMismatchError(`${size} bytes`, `more than ${size} bytes`, what);
    parts.push(chunk);
  }
  if (total !== size) throw new DigestMismatchError(`${size} bytes`, `${total} bytes`, what);
  return Buffer.concat(parts, total);
}

/** `source` regrouped into buffers of exactly `size` bytes (the last may be shorter). */
export async function* chunksOf(
  source: Readable | AsyncIterable<Uint8Array>,
  size: number,
): AsyncGenerator<Buffer> {
  let parts: Uint8Array[] = [];
  let held = 0;
  for await (const piece of source as AsyncIterable<Uint8Array>) {
    parts.push(piece);
    held += piece.length;
    if (held < size) continue;
    const joined = Buffer.concat(parts, held);
    let at = 0;
    for (; held - at >= size; at += size) yield joined.subarray(at, at + size);
    parts = at < held ? [joined.subarray(at)] : [];
    held -= at;
  }
  if (held > 0) yield Buffer.concat(parts, held);
}
