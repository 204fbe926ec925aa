// Finds every `memory.grow` in the code section and rebuilds the section with
// each one replaced by a `call`. Bodies without a grow are copied as one view
// per unchanged run; only rewritten bodies get new size prefixes.

import { WasmFormatError } from './errors.js';
import { FunctionBodyScanner, GrowSites } from './instructions.js';
import { ByteReader } from './reader.js';
import { sectionLabel } from './sections.js';
import type { SectionSpan } from './sections.js';
import { ChunkList, encodeU32Leb } from './writer.js';

/** A function body that contains at least one `memory.grow`. */
export interface GrowingBody {
  readonly functionIndex: number;
  /** Offset of the body's size prefix. */
  readonly sizeStart: number;
  readonly bodyStart: number;
  readonly bodyEnd: number;
  /** Range of its sites in the GrowSites list. */
  readonly firstSite: number;
  readonly endSite: number;
}

/** The result of scanning a code section. */
export interface CodeScan {
  readonly span: SectionSpan | undefined;
  readonly bodyCount: number;
  /** Offset just after the body count. */
  readonly bodiesStart: number;
  readonly sites: GrowSites;
  readonly growingBodies: readonly GrowingBody[];
}

/**
 * Scans every function body of the code section for `memory.grow`.
 *
 * @param firstFunctionIndex index of the first defined function (imported
 *   functions come first in the index space), for error messages
 * @param expectedBodies the function section's count, which must match
 */
export function scanCodeSection(
  bytes: Uint8Array,
  span: SectionSpan | undefined,
  firstFunctionIndex: number,
  expectedBodies: number,
): CodeScan {
  const sites = new GrowSites();
  const growingBodies: GrowingBody[] = [];
  if (span === undefined) {
    if (expectedBodies !== 0) {
      throw new WasmFormatError(
        `malformed: the function section declares ${expectedBodies} functions but there is no code section`,
      );
    }
    return { span, bodyCount: 0, bodiesStart: 0, sites, growingBodies };
  }
  const region = sectionLabel('core', span.id);
  const reader = new ByteReader(bytes, span.payloadStart, span.end, region);
  const bodyCount = reader.readCount('function bodies', 2);
  if (bodyCount !== expectedBodies) {
    throw new WasmFormatError(
      `malformed: the code section has ${bodyCount} bodies but the function section declares ` +
        `${expectedBodies} functions, at byte ${span.payloadStart}`,
      span.payloadStart,
    );
  }
  const bodiesStart = reader.pos;
  const scanner = new FunctionBodyScanner(bytes, sites);
  for (let body = 0; body < bodyCount; body++) {
    const functionIndex = firstFunctionIndex + body;
    const sizeStart = reader.pos;
    const size = reader.readU32(`the size of function ${functionIndex}`);
    const bodyStart = reader.pos;
    if (size > reader.remaining) {
      throw new WasmFormatError(
        `truncated: ${region}: function ${functionIndex} declares a ${size}-byte body but ` +
          `${reader.remaining} bytes remain, at byte ${bodyStart}`,
        bodyStart,
      );
    }
    if (size < 2) {
      throw new WasmFormatError(
        `malformed: function ${functionIndex} has a ${size}-byte body, at byte ${bodyStart}`,
        bodyStart,
      );
    }
    const bodyEnd = bodyStart + size;
    const firstSite = sites.count;
    scanner.scan(bodyStart, bodyEnd, functionIndex);
    if (sites.count > firstSite) {
      growingBodies.push({
        functionIndex,
        sizeStart,
        bodyStart,
        bodyEnd,
        firstSite,
        endSite: sites.count,
      });
    }
    reader.pos = bodyEnd;
  }
  if (!reader.atEnd) {
    throw reader.malformed(`${reader.remaining} bytes after the last function body`);
  }
  return { span, bodyCount, bodiesStart, sites, growingBodies };
}

/**
 * The new code section payload: every grow site replaced by `call`, and
 * `extraBody` (a size-prefixed body) appended as the last function.
 */
export function rewriteCodeSection(
  bytes: Uint8Array,
  scan: CodeScan,
  call: Uint8Array,
  extraBody: Uint8Array,
): ChunkList {
  const payload = new ChunkList();
  payload.push(encodeU32Leb(scan.bodyCount + 1));
  const { sites } = scan;
  let copyFrom = scan.bodiesStart;
  for (const body of scan.growingBodies) {
    payload.push(bytes.subarray(copyFrom, body.sizeStart));
    let size = body.bodyEnd - body.bodyStart;
    for (let site = body.firstSite; site < body.endSite; site++) {
      size += call.length - sites.lengths[site];
    }
    payload.push(encodeU32Leb(size));
    let cursor = body.bodyStart;
    for (let site = body.firstSite; site < body.endSite; site++) {
      const offset = sites.offsets[site];
      payload.push(bytes.subarray(cursor, offset));
      payload.push(call);
      cursor = offset + sites.lengths[site];
    }
    payload.push(bytes.subarray(cursor, body.bodyEnd));
    copyFrom = body.bodyEnd;
  }
  if (scan.span !== undefined) payload.push(bytes.subarray(copyFrom, scan.span.end));
  payload.push(extraBody);
  return payload;
}
