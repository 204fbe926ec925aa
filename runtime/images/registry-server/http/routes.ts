// The spec's URL layout, relative to where the router is mounted (`/v2`).
// Repository names contain slashes, so paths are matched here by their tail
// (`.../manifests/<ref>`, `.../blobs/<digest>`, ...), longest name first,
// rather than by Express path patterns.

/** An endpoint of the Distribution API, with its path parameters. */
export type Route =
  | { readonly kind: 'base' }
  | { readonly kind: 'catalog' }
  | { readonly kind: 'tags'; readonly name: string }
  | { readonly kind: 'manifest'; readonly name: string; readonly reference: string }
  | { readonly kind: 'blob'; readonly name: string; readonly digest: string }
  | { readonly kind: 'uploads'; readonly name: string }
  | { readonly kind: 'upload'; readonly name: string; readonly id: string }
  | { readonly kind: 'referrers'; readonly name: string; readonly digest: string };

/** The kinds of route. */
export type RouteKind = Route['kind'];

// Uploads come before blobs: `<name>/blobs/uploads/<id>` is an upload session,
// never the blob `<id>` of a repository whose name ends in `/blobs/uploads`.
const PATTERNS: readonly [RegExp, (m: RegExpExecArray) => Route][] = [
  [/^\/?$/, () => ({ kind: 'base' })],
  [/^\/_catalog$/, () => ({ kind: 'catalog' })],
  [/^\/(.+)\/blobs\/uploads\/?$/, (m) => ({ kind: 'uploads', name: part(m, 1) })],
  [
    /^\/(.+)\/blobs\/uploads\/([^/]+)$/,
    (m) => ({ kind: 'upload', name: part(m, 1), id: part(m, 2) }),
  ],
  [/^\/(.+)\/blobs\/([^/]+)$/, (m) => ({ kind: 'blob', name: part(m, 1), digest: part(m, 2) })],
  [
    /^\/(.+)\/manifests\/([^/]+)$/,
    (m) => ({ kind: 'manifest', name: part(m, 1), reference: part(m, 2) }),
  ],
  [/^\/(.+)\/tags\/list$/, (m) => ({ kind: 'tags', name: part(m, 1) })],
  [
    /^\/(.+)\/referrers\/([^/]+)$/,
    (m) => ({ kind: 'referrers', name: part(m, 1), digest: part(m, 2) }),
  ],
];

// A path parameter, percent-decoded (some clients send `sha256%3A...`). What
// does not decode is kept as is, and fails validation later.
function part(match: RegExpExecArray, index: number): string {
  const raw = match[index] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** The route `path` (relative to the mount point, no query) names, or undefined. */
export function matchRoute(path: string): Route | undefined {
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(path);
    if (match) return build(match);
  }
  return undefined;
}
