// Reading request bodies: bounded in size (the apiserver's 3 MiB → 413), in
// JSON, YAML or Kubernetes protobuf by Content-Type, malformed → 400. Bodies
// are read here, per route, rather than by a global body parser, because
// routers mounted beside the API (the OCI registry at /v2) stream their own
// bodies.

import type { IncomingMessage } from 'node:http';
import { parseAllDocuments } from 'yaml';
import type { PatchType } from '../api/cluster-api.js';
import { ApiError, badRequest, failure } from '../api/errors.js';
import type { BodyFormat } from './media-types.js';
import { bodyFormatOf } from './media-types.js';
import { decodeKubernetesProtobuf } from './protobuf/decode.js';

/** The apiserver's default limit on request bodies (its MaxRequestBodyBytes): 3 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

/**
 * How much of an oversized body is read and thrown away before the
 * connection is cut: reading it lets the client see the 413 instead of a reset.
 */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

function tooLarge(limit: number): ApiError {
  return new ApiError(
    failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`),
  );
}

/**
 * The whole body, or 413 once it passes `limit` bytes. Read with 'data'
 * listeners rather than an async iterator: on the create path the iterator's
 * promise per chunk costs more than the rest of the read.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  if (request.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let oversized = Number(request.headers['content-length'] ?? 0) > limit;
    let settled = false;
    // Listeners stay until the request is gone: removing them costs more
    // than a settled promise ignoring a late event. No 'error' listener: an
    // IncomingMessage emits 'error' only to listeners, and 'close' follows.
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else if (oversized) reject(tooLarge(limit));
      else resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size));
    };
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) oversized = true;
      if (!oversized) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      if (size > DRAIN_LIMIT_BYTES) {
        request.destroy();
        settle();
      }
    });
    request.on('end', () => settle());
    // A client that goes away mid-body: 'close' without 'end'.
    request.on('close', () => {
      if (!request.complete) settle(new Error('the client closed the request before its end'));
    });
  });
}

/**
 * Parses a JSON, YAML or Kubernetes protobuf document; 400 with the parser's
 * message when malformed (415 for protobuf Skiff does not read).
 */
export function parseDocument(bytes: Buffer, format: BodyFormat): unknown {
  if (format === 'protobuf') return decodeKubernetesProtobuf(bytes);
  const text = bytes.toString('utf8');
  if (format === 'json') {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw badRequest(`the request body is not valid JSON: ${messageOf(error)}`);
    }
  }
  const documents = parseAllDocuments(text);
  if (documents.length > 1) {
    throw badRequest(
      `the request body holds ${documents.length} YAML documents; send one object per request`,
    );
  }
  const [document] = documents;
  if (!document) return undefined;
  const [error] = document.errors;
  if (error) throw badRequest(`the request body is not valid YAML: ${error.message}`);
  return document.toJS({ maxAliasCount: 100 }) as unknown;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body as a JSON object (create, update, subresources); 400 for anything else. */
export async function readObjectBody(
  request: IncomingMessage,
  limit: number,
): Promise<Record<string, unknown>> {
  const format = bodyFormatOf(request.headers['content-type']);
  const bytes = await readBody(request, limit);
  if (bytes.length === 0) throw badRequest('the request body is empty; an object is required');
  const value = parseDocument(bytes, format);
  if (!isPlainObject(value)) {
    throw badRequest('the request body must be a single object (a JSON object or YAML mapping)');
  }
  if ('metadata' in value && value.metadata !== undefined && !isPlainObject(value.metadata)) {
    throw badRequest('metadata must be an object');
  }
  return value;
}

/** The body of an optional-body request (DELETE's DeleteOptions), or undefined when empty. */
export async function readOptionalObjectBody(
  request: IncomingMessage,
  limit: number,
): Promise<Record<string, unknown> | undefined> {
  const bytes = await readBody(request, limit);
  if (bytes.length === 0 || bytes.toString('utf8').trim() === '') return undefined;
  const value = parseDocument(bytes, bodyFormatOf(request.headers['content-type']));
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw badRequest('the request body must be an object');
  return value;
}

/**
 * A PATCH body: JSON (an array for JSON Patch, an object otherwise), or for
 * server-side apply a YAML (or JSON) object.
 */
export async function readPatchBody(
  request: IncomingMessage,
  limit: number,
  type: PatchType,
): Promise<unknown> {
  const bytes = await readBody(request, limit);
  if (bytes.length === 0) throw badRequest('the patch body is empty');
  const patch = parseDocument(bytes, type === 'apply' ? 'yaml' : 'json');
  if (type === 'json' && !Array.isArray(patch)) {
    throw badRequest('a JSON Patch (application/json-patch+json) must be an array of operations');
  }
  if (type !== 'json' && !isPlainObject(patch)) {
    throw badRequest(
      `a ${type} patch must be a JSON object, got ${Array.isArray(patch) ? 'an array' : typeof patch}`,
    );
  }
  return patch;
}
