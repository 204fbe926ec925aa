// Image references, with Docker's rules: `[registry/]repository[:tag][@digest]`.
// A reference without a registry is on Docker Hub (`docker.io`, `library/` for
// one-component names); without a tag or digest it means `:latest`.

export const DEFAULT_REGISTRY = 'docker.io';
export const DEFAULT_TAG = 'latest';

/** A parsed image reference. */
export interface ImageReference {
  /** `host[:port]`, e.g. `127.0.0.1:5000` or `docker.io`. */
  readonly registry: string;
  /** Repository path, e.g. `team/kubia` or `library/busybox`. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** A malformed reference; the message says which part is wrong. */
export class ReferenceError extends Error {
  override readonly name = 'ReferenceError';
}

const COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;

/** True when `text` is a `sha256:` digest in canonical form. */
export function isSha256Digest(text: string): boolean {
  return SHA256.test(text);
}

function looksLikeRegistry(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

/** Parses `text`; throws ReferenceError naming what is invalid. */
export function parseReference(text: string): ImageReference {
  if (text.length === 0 || text.length > 255 + 128 + 72)
    throw new ReferenceError(`invalid reference "${text}"`);
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new ReferenceError(`invalid digest "${digest}" in "${text}"`);
    if (digest.startsWith('sha256:') && !SHA256.test(digest)) {
      throw new ReferenceError(`invalid sha256 digest "${digest}" in "${text}"`);
    }
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new ReferenceError(`invalid tag "${tag}" in "${text}"`);
  }
  const parts = rest.split('/');
  let registry = DEFAULT_REGISTRY;
  if (parts.length > 1 && looksLikeRegistry(parts[0] ?? '')) registry = parts.shift() ?? registry;
  if (registry === 'index.docker.io') registry = DEFAULT_REGISTRY;
  if (parts.length === 0 || parts.some((p) => !COMPONENT.test(p))) {
    throw new ReferenceError(
      `invalid repository name "${parts.join('/')}" in "${text}": use lowercase letters, digits and separators (. _ __ -)`,
    );
  }
  if (registry === DEFAULT_REGISTRY && parts.length === 1) parts.unshift('library');
  const repository = parts.join('/');
  if (tag === undefined && digest === undefined) tag = DEFAULT_TAG;
  return {
    registry,
    repository,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

/** The canonical text of a reference: `registry/repository[:tag][@digest]`. */
export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** How people usually write it: Docker Hub's registry and `library/` left out. */
export function familiarName(ref: ImageReference): string {
  if (ref.registry !== DEFAULT_REGISTRY) return `${ref.registry}/${ref.repository}`;
  return ref.repository.startsWith('library/')
    ? ref.repository.slice('library/'.length)
    : ref.repository;
}

/** `registry/repository`, the part a tag or digest is attached to. */
export function repositoryOf(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}`;
}

/** True for registries spoken to over plain HTTP by default (as Docker does). */
export function isLocalRegistry(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
