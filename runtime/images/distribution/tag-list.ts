// The tags list API's pages (`GET /v2/<name>/tags/list?n=&last=`): each page's
// JSON, and the `Link: <…>; rel="next"` header that points to the next one.

/** The tags of one page, or a reason string when the body is not a tag list. */
export function readTagPage(body: string): string[] | string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'the tag list is not valid JSON';
  }
  if (typeof json !== 'object' || json === null) return 'the tag list is not a JSON object';
  const { tags } = json as { tags?: unknown };
  // A repository without tags may say `"tags": null`.
  if (tags === null || tags === undefined) return [];
  if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string')) {
    return 'the tag list has malformed "tags"';
  }
  return tags as string[];
}

/** The `rel="next"` target of a Link header (RFC 8288), resolved against the page's URL. */
export function nextPage(link: string | null, base: URL): URL | undefined {
  if (!link) return undefined;
  // Links are comma-separated, but a URL may contain commas: split before `<` only.
  for (const part of link.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    const params = match?.[2] ?? '';
    if (match && /;\s*rel\s*=\s*"?(?:[^";]*\s)?next(?:\s[^";]*)?"?\s*(?:;|$)/i.test(params)) {
      return new URL(match[1] ?? '', base);
    }
  }
  return undefined;
}
