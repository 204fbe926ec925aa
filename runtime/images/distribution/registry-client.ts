// A client of one OCI Distribution registry (`/v2/` API): manifests, blobs,
// tags. Pulls verify what they can here (manifest digests); blob bytes are
// verified by whoever stores them (BlobStore.stage), or here on request.

import { Readable } from 'node:stream';
import { MANIFEST_ACCEPT } from '../oci/media-types.js';
import type { Descriptor } from '../oci/types.js';
import { DigestMismatchError } from '../store/blob-store.js';
import { repositoryScope } from './authenticator.js';
import { uploadBlob, type BlobSource, type PushBlobResult } from './blob-upload.js';
import type { CallOptions, PulledManifest, RegistryClientOptions } from './client-types.js';
import { digestOf, isDigest, verifyDigest, verifyingStream } from './digests.js';
import { RegistryError, type OperationContext } from './errors.js';
import { HttpTransport, protocolError } from './http-transport.js';
import { parseManifest } from './manifest-content.js';
import { RegistrySession } from './registry-session.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import { nextPage, readTagPage } from './tag-list.js';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024;
/** Registries must accept manifests of 4 MiB; more is refused rather than buffered. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const MAX_TAG_PAGES = 10_000;
const MAX_TAG_PAGE_BYTES = 16 * 1024 * 1024;
// Docker's grammar (reference.ts); checked here too because names become URL paths.
const REPOSITORY =
  /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const REFERENCE =
  /^(?:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,})$/;

/** A client for `registry` (`host[:port]`, e.g. `127.0.0.1:5000`, `docker.io`). */
export function registryClient(
  registry: string,
  options: RegistryClientOptions = {},
): RegistryClient {
  return new RegistryClient(registry, options);
}

/**
 * One registry's API. Every call throws RegistryError for refusals, network
 * failures and unusable answers, and DigestMismatchError for content that is
 * not what its digest says.
 */
export class RegistryClient {
  readonly #session: RegistrySession;
  readonly #chunkSize: number;
  readonly #retry: RetryPolicy;

  constructor(
    readonly registry: string,
    options: RegistryClientOptions = {},
  ) {
    const insecure = Array.isArray(options.insecure)
      ? options.insecure.includes(registry)
      : options.insecure === true;
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    const transport = new HttpTransport({
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      retry: this.#retry,
      userAgent: options.userAgent ?? 'skiff/0.1',
    });
    this.#session = new RegistrySession(registry, {
      insecure,
      transport,
      credentials: options.credentials,
    });
    this.#chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  }

  /** The registry's API root, e.g. `http://127.0.0.1:5000/`. */
  get baseUrl(): URL {
    return new URL(this.#session.baseUrl);
  }

  /** Checks the registry speaks the v2 API and accepts us (`GET /v2/`, authenticating as asked). */
  async ping(options: CallOptions = {}): Promise<void> {
    const context = { registry: this.registry, operation: 'check access' };
    const request = { method: 'GET', target: '/v2/', scopes: [], signal: options.signal } as const;
    await (await this.#session.expect(context, request, [200])).discard();
  }

  /**
   * Pulls a manifest or index by tag or digest. Its digest must equal the
   * reference when that is a digest, and the `Docker-Content-Digest` header
   * when there is one: DigestMismatchError otherwise.
   */
  async getManifest(
    repository: string,
    reference: string,
    options: CallOptions = {},
  ): Promise<PulledManifest> {
    const context = this.#context(repository, `pull manifest ${reference}`, reference);
    const response = await this.#session.expect(
      context,
      {
        method: 'GET',
        target: `/v2/${repository}/manifests/${reference}`,
        scopes: [pull(repository)],
        headers: { accept: MANIFEST_ACCEPT },
        signal: options.signal,
      },
      [200],
    );
    const bytes = await response.bytes(MAX_MANIFEST_BYTES);
    const what = `${this.registry}/${repository}: ${context.operation}`;
    if (isDigest(reference)) verifyDigest(bytes, reference, what);
    const announced = response.headers.get('docker-content-digest')?.trim();
    if (announced) verifyDigest(bytes, announced, `${what} (Docker-Content-Digest)`);
    const parsed = parseManifest(bytes, response.headers.get('content-type'));
    if (typeof parsed === 'string') throw protocolError(context, parsed, response.status);
    return {
      mediaType: parsed.mediaType,
      digest: isDigest(reference) ? reference : digestOf(bytes),
      size: bytes.length,
      bytes,
      parsed: parsed.value,
    };
  }

  /**
   * A manifest's descriptor (HEAD), or undefined when the registry does not
   * have it. Registries that omit `Docker-Content-Digest` cost a GET.
   */
  async headManifest(
    repository: string,
    reference: string,
    options: CallOptions = {},
  ): Promise<Descriptor | undefined> {
    const context = this.#context(repository, `check manifest ${reference}`, reference);
    const response = await this.#session.expect(
      context,
      {
        method: 'HEAD',
        target: `/v2/${repository}/manifests/${reference}`,
        scopes: [pull(repository)],
        headers: { accept: MANIFEST_ACCEPT },
        signal: options.signal,
      },
      [200, 404],
    );
    await response.discard();
    if (response.status === 404) return undefined;
    const digest = response.headers.get('docker-content-digest')?.trim();
    const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim();
    const size = Number(response.headers.get('content-length') ?? NaN);
    if (!digest || !mediaType || !Number.isSafeInteger(size)) {
      const pulled = await this.getManifest(repository, reference, options);
      return { mediaType: pulled.mediaType, digest: pulled.digest, size: pulled.size };
    }
    if (isDigest(reference) && digest !== reference) {
      throw new DigestMismatchError(
        reference,
        digest,
        `${this.registry}/${repository}: ${context.operation}`,
      );
    }
    return { mediaType, digest, size };
  }

  /**
   * Streams a blob, following redirects to storage. A Content-Length other
   * than `descriptor.size` fails at once. The bytes are checked only with
   * `verify` (the stream then fails at its end on a wrong digest or size);
   * otherwise stage them through BlobStore.stage, which checks them.
   */
  async getBlob(
    repository: string,
    descriptor: { readonly digest: string; readonly size?: number },
    options: CallOptions & { readonly verify?: boolean } = {},
  ): Promise<Readable> {
    const context = this.#context(repository, `pull blob ${descriptor.digest}`, descriptor.digest);
    const response = await this.#session.expect(
      context,
      {
        method: 'GET',
        target: `/v2/${repository}/blobs/${descriptor.digest}`,
        scopes: [pull(repository)],
        signal: options.signal,
      },
      [200],
    );
    const announced = Number(response.headers.get('content-length') ?? NaN);
    const what = `${this.registry}/${repository}: ${context.operation}`;
    if (
      descriptor.size !== undefined &&
      Number.isSafeInteger(announced) &&
      announced !== descriptor.size
    ) {
      await response.discard();
      throw new DigestMismatchError(`${descriptor.size} bytes`, `${announced} bytes`, what);
    }
    const body = response.stream();
    return options.verify ? Readable.from(verifyingStream(body, descriptor, what)) : body;
  }

  /** True when the repository has blob `digest` (HEAD). */
  async hasBlob(repository: string, digest: string, options: CallOptions = {}): Promise<boolean> {
    const context = this.#context(repository, `check blob ${digest}`, digest);
    const response = await this.#session.expect(
      context,
      {
        method: 'HEAD',
        target: `/v2/${repository}/blobs/${digest}`,
        scopes: [pull(repository)],
        signal: options.signal,
      },
      [200, 404],
    );
    await response.discard();
    return response.status === 200;
  }

  /**
   * Pushes a blob unless the repository has it (`exists`): a cross-repository
   * mount from `mountFrom` when given (`mounted`), else an upload (`uploaded`;
   * one PUT up to `chunkSize`, PATCH chunks above). `body` is called once,
   * and again only when a failed upload must start over (a lost chunk the
   * registry cannot resume from); DigestMismatchError when it does not yield
   * `size` bytes.
   */
  async pushBlob(
    repository: string,
    blob: { readonly digest: string; readonly size: number },
    body: BlobSource,
    options: CallOptions & { readonly mountFrom?: string } = {},
  ): Promise<PushBlobResult> {
    this.#context(repository, `push blob ${blob.digest}`, blob.digest);
    if (options.mountFrom !== undefined) this.#context(options.mountFrom, 'mount blob');
    if (await this.hasBlob(repository, blob.digest, options)) return 'exists';
    try {
      return await uploadBlob(this.#session, repository, blob, body, {
        chunkSize: this.#chunkSize,
        retry: this.#retry,
        mountFrom: options.mountFrom,
        signal: options.signal,
      });
    } catch (error) {
      // A final PUT whose answer was lost is "upload unknown" when retried.
      if (error instanceof RegistryError && error.status === 404) {
        const there = await this.hasBlob(repository, blob.digest, options).catch(() => false);
        if (there) return 'uploaded';
      }
      throw error;
    }
  }

  /**
   * Pushes a manifest under `reference` (a tag, or its own digest) and returns
   * its sha256 digest. The registry must store it under that digest.
   */
  async putManifest(
    repository: string,
    reference: string,
    mediaType: string,
    bytes: Uint8Array,
    options: CallOptions = {},
  ): Promise<{ digest: string }> {
    const context = this.#context(repository, `push manifest ${reference}`, reference);
    const what = `${this.registry}/${repository}: ${context.operation}`;
    if (isDigest(reference)) verifyDigest(bytes, reference, what);
    const digest = isDigest(reference) ? reference : digestOf(bytes);
    const response = await this.#session.expect(
      context,
      {
        method: 'PUT',
        target: `/v2/${repository}/manifests/${reference}`,
        scopes: [push(repository)],
        headers: { 'content-type': mediaType },
        body: bytes,
        signal: options.signal,
      },
      [200, 201, 202, 204],
    );
    await response.discard();
    const stored = response.headers.get('docker-content-digest')?.trim();
    if (stored && stored !== digest) {
      throw new DigestMismatchError(digest, stored, `${what} (the registry's digest)`);
    }
    return { digest };
  }

  /** Every tag of the repository, following `Link` pagination (`pageSize` per page). */
  async listTags(
    repository: string,
    options: CallOptions & { readonly pageSize?: number } = {},
  ): Promise<string[]> {
    const context = this.#context(repository, 'list tags');
    let next: URL | undefined = this.#session.url(`/v2/${repository}/tags/list`);
    if (options.pageSize !== undefined) next.searchParams.set('n', String(options.pageSize));
    const tags: string[] = [];
    for (let pages = 0; next && pages < MAX_TAG_PAGES; pages++) {
      const response = await this.#session.expect(
        context,
        { method: 'GET', target: next, scopes: [pull(repository)], signal: options.signal },
        [200],
      );
      const page = readTagPage(await response.text(MAX_TAG_PAGE_BYTES));
      if (typeof page === 'string') throw protocolError(context, page, response.status);
      tags.push(...page);
      next = nextPage(response.headers.get('link'), response.url);
      if (next && next.origin !== this.#session.baseUrl.origin) {
        throw protocolError(context, `the next page is on another host (${next.host})`);
      }
    }
    return tags;
  }

  /** Deletes a manifest (by digest; by tag too where the registry allows it). */
  async deleteManifest(
    repository: string,
    reference: string,
    options: CallOptions = {},
  ): Promise<void> {
    const context = this.#context(repository, `delete manifest ${reference}`, reference);
    const response = await this.#session.expect(
      context,
      {
        method: 'DELETE',
        target: `/v2/${repository}/manifests/${reference}`,
        scopes: [repositoryScope(repository, ['delete'])],
        signal: options.signal,
      },
      [200, 202, 204],
    );
    await response.discard();
  }

  /** The context errors name; refuses names that would not make a safe URL path. */
  #context(repository: string, operation: string, reference?: string): OperationContext {
    const context = { registry: this.registry, repository, operation };
    if (!REPOSITORY.test(repository)) {
      throw protocolError(context, `invalid repository name "${repository}"`);
    }
    if (reference !== undefined && !REFERENCE.test(reference)) {
      throw protocolError(context, `invalid tag or digest "${reference}"`);
    }
    return context;
  }
}

function pull(repository: string): string {
  return repositoryScope(repository, ['pull']);
}

function push(repository: string): string {
  return repositoryScope(repository, ['pull', 'push']);
}
