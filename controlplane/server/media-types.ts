// Content negotiation, as the apiserver does it: which representation a client
// accepts (plain JSON, a meta.k8s.io Table, PartialObjectMetadata, aggregated
// discovery) and which format a request body is in. Responses are JSON
// (and `/openapi/v2` in protobuf too, as kubectl asks for it): a client that
// accepts nothing Skiff writes gets 406, a body in a format Skiff does not
// read gets 415.

import type { PatchType } from '../api/cluster-api.js';
import { PATCH_CONTENT_TYPES } from '../api/cluster-api.js';
import { notAcceptable, unsupportedMediaType } from '../api/errors.js';

/** One entry of an Accept header. */
export interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  /** Lower-cased parameter names (`as`, `v`, `g`, `stream`, ...), values as sent. */
  readonly params: Readonly<Record<string, string>>;
  readonly q: number;
}

/** Parses an Accept header, most preferred first (stable for equal q). Absent = `*\/*`. */
export function parseAccept(header: string | undefined): MediaRange[] {
  if (header === undefined || header.trim() === '') {
    return [{ type: '*', subtype: '*', params: {}, q: 1 }];
  }
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [mediaType = '', ...paramTexts] = part.split(';').map((s) => s.trim());
    const [type = '', subtype = ''] = mediaType.toLowerCase().split('/');
    if (type === '' || subtype === '') continue;
    const params: Record<string, string> = {};
    let q = 1;
    for (const text of paramTexts) {
      const eq = text.indexOf('=');
      if (eq <= 0) continue;
      const key = text.slice(0, eq).trim().toLowerCase();
      const value = text
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
      if (key === 'q') q = Number.isFinite(Number(value)) ? Number(value) : 0;
      else params[key] = value;
    }
    if (q > 0) ranges.push({ type, subtype, params, q });
  }
  return ranges
    .map((range, index) => ({ range, index }))
    .sort((a, b) => b.range.q - a.range.q || a.index - b.index)
    .map((entry) => entry.range);
}

function acceptsJson(range: MediaRange): boolean {
  return (
    (range.type === '*' && range.subtype === '*') ||
    (range.type === 'application' && (range.subtype === '*' || range.subtype === 'json'))
  );
}

/** The meta.k8s.io versions that Table and PartialObjectMetadata are served in. */
export type MetaVersion = 'v1' | 'v1beta1';

/** How an object or list response is to be written. */
export type ResponseFormat =
  | { readonly kind: 'json' }
  | { readonly kind: 'table'; readonly version: MetaVersion }
  | { readonly kind: 'metadata'; readonly version: MetaVersion };

const JSON_FORMAT: ResponseFormat = { kind: 'json' };

/** The media types a 406 says Skiff writes. */
const WRITTEN_MEDIA_TYPES = 'application/json';

function metaVersion(range: MediaRange): MetaVersion | undefined {
  if (range.params.g !== 'meta.k8s.io') return undefined;
  return range.params.v === 'v1' || range.params.v === 'v1beta1' ? range.params.v : undefined;
}

/**
 * The representation to answer a read with. `transformable` is true for get,
 * list and watch of resources (which may be served as Tables or metadata);
 * other responses are always the object itself. Throws 406 when nothing fits.
 */
export function negotiateResponse(
  accept: string | undefined,
  transformable: boolean,
): ResponseFormat {
  for (const range of parseAccept(accept)) {
    if (!acceptsJson(range)) continue;
    const as = range.params.as;
    if (as === undefined) return JSON_FORMAT;
    if (!transformable) continue;
    const version = metaVersion(range);
    if (!version) continue;
    if (as === 'Table') return { kind: 'table', version };
    if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') {
      return { kind: 'metadata', version };
    }
  }
  throw notAcceptable(`only the following media types are accepted: ${WRITTEN_MEDIA_TYPES}`);
}

/**
 * Whether `/openapi/v2` is to be written in JSON or in protobuf
 * (`protobufTypes`, the media types of its protobuf form), in the client's
 * preference. Throws 406 when neither fits.
 */
export function negotiateOpenApiV2(
  accept: string | undefined,
  protobufTypes: readonly string[],
): 'json' | 'protobuf' {
  for (const range of parseAccept(accept)) {
    if (protobufTypes.includes(`${range.type}/${range.subtype}`)) return 'protobuf';
    if (acceptsJson(range) && range.params.as === undefined) return 'json';
  }
  throw notAcceptable(
    `only the following media types are accepted: ${WRITTEN_MEDIA_TYPES}, ${protobufTypes.join(', ')}`,
  );
}

/** The aggregated discovery versions a client asked for, in its preference. */
export type DiscoveryVersion = 'v2' | 'v2beta1';

/**
 * Whether `/api` or `/apis` is to be answered with an aggregated
 * APIGroupDiscoveryList (which version), or with the legacy document
 * (undefined). Throws 406 when neither fits.
 */
export function negotiateDiscovery(accept: string | undefined): DiscoveryVersion | undefined {
  for (const range of parseAccept(accept)) {
    if (!acceptsJson(range)) continue;
    const { as, g, v } = range.params;
    if (as === undefined) return undefined;
    if (as === 'APIGroupDiscoveryList' && g === 'apidiscovery.k8s.io') {
      if (v === 'v2' || v === 'v2beta1') return v;
    }
  }
  throw notAcceptable(`only the following media types are accepted: ${WRITTEN_MEDIA_TYPES}`);
}

/** The Content-Type of an aggregated discovery response (clients check it). */
export function discoveryContentType(version: DiscoveryVersion): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}

function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** How an object body (create, update, DeleteOptions) is encoded. */
export type BodyFormat = 'json' | 'yaml' | 'protobuf';

const OBJECT_MEDIA_TYPES = [
  'application/json',
  'application/yaml',
  'application/vnd.kubernetes.protobuf',
];

/** The format of an object body; no Content-Type means JSON (as the apiserver assumes). 415 otherwise. */
export function bodyFormatOf(contentType: string | undefined): BodyFormat {
  const mediaType = mediaTypeOf(contentType);
  if (mediaType === '' || mediaType === 'application/json') return 'json';
  if (mediaType === 'application/yaml') return 'yaml';
  // kubectl's typed commands (`kubectl create configmap|namespace|deployment ...`) send protobuf.
  if (mediaType === 'application/vnd.kubernetes.protobuf') return 'protobuf';
  throw unsupportedMediaType(mediaType, OBJECT_MEDIA_TYPES);
}

/**
 * The patch type of a PATCH body's Content-Type; 415 for anything else
 * (an apply in CBOR included: Skiff reads apply configurations as YAML or JSON).
 */
export function patchTypeOf(contentType: string | undefined): PatchType {
  const mediaType = mediaTypeOf(contentType);
  for (const [type, media] of Object.entries(PATCH_CONTENT_TYPES)) {
    if (media === mediaType) return type as PatchType;
  }
  throw unsupportedMediaType(mediaType || '<none>', Object.values(PATCH_CONTENT_TYPES));
}
