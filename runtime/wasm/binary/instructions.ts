// A function-body walker that knows the immediates of every instruction, so
// that `memory.grow` (0x40 <memidx>) is found exactly and never confused with
// the same byte inside an immediate (the empty block type is also 0x40).
//
// Speed matters (a 13 MB engine module has millions of instructions): the
// walker dispatches on a per-opcode immediate table, skips LEB128 immediates
// without decoding them, and allocates nothing per instruction.

import { WasmFormatError } from './errors.js';

/** How to step over an instruction's immediates. */
const Imm = {
  unknown: 0,
  none: 1,
  /** One LEB128 (index, label, i32/i64 constant, heap type). */
  leb: 2,
  /** Two LEB128s. */
  leb2: 3,
  /** A block type: empty, a value type (maybe `ref null? ht`) or an s33 type index. */
  block: 4,
  brTable: 5,
  /** align/flags (bit 6: a memory index follows), then an offset. */
  memarg: 6,
  memoryGrow: 7,
  bytes4: 8,
  bytes8: 9,
  bytes16: 10,
  /** One byte (a SIMD lane, atomic.fence's reserved byte). */
  byte: 11,
  memargLane: 12,
  selectTyped: 13,
  tryTable: 14,
  /** Flags byte, label, two heap types. */
  brOnCast: 15,
  prefixGc: 16,
  prefixMisc: 17,
  prefixSimd: 18,
  prefixAtomic: 19,
} as const;

type ImmKind = (typeof Imm)[keyof typeof Imm];

const REF_NULLABLE = 0x63;
const REF_NON_NULLABLE = 0x64;
const OPCODE_END = 0x0b;

function table(size: number, ranges: readonly (readonly [number, number, ImmKind])[]): Uint8Array {
  const kinds = new Uint8Array(size);
  for (const [first, last, kind] of ranges) kinds.fill(kind, first, last + 1);
  return kinds;
}

/** Single-byte opcodes: MVP, sign extension, exceptions, tail calls, references. */
const SINGLE = table(256, [
  [0x00, 0x01, Imm.none], // unreachable nop
  [0x02, 0x04, Imm.block], // block loop if
  [0x05, 0x05, Imm.none], // else
  [0x06, 0x06, Imm.block], // try (legacy exceptions)
  [0x07, 0x09, Imm.leb], // catch throw rethrow
  [0x0a, 0x0b, Imm.none], // throw_ref end
  [0x0c, 0x0d, Imm.leb], // br br_if
  [0x0e, 0x0e, Imm.brTable],
  [0x0f, 0x0f, Imm.none], // return
  [0x10, 0x10, Imm.leb], // call
  [0x11, 0x11, Imm.leb2], // call_indirect
  [0x12, 0x12, Imm.leb], // return_call
  [0x13, 0x13, Imm.leb2], // return_call_indirect
  [0x14, 0x15, Imm.leb], // call_ref return_call_ref
  [0x18, 0x18, Imm.leb], // delegate
  [0x19, 0x1b, Imm.none], // catch_all drop select
  [0x1c, 0x1c, Imm.selectTyped],
  [0x1f, 0x1f, Imm.tryTable],
  [0x20, 0x26, Imm.leb], // local.* global.* table.get table.set
  [0x28, 0x3e, Imm.memarg], // loads and stores
  [0x3f, 0x3f, Imm.leb], // memory.size
  [0x40, 0x40, Imm.memoryGrow],
  [0x41, 0x42, Imm.leb], // i32.const i64.const
  [0x43, 0x43, Imm.bytes4], // f32.const
  [0x44, 0x44, Imm.bytes8], // f64.const
  [0x45, 0xc4, Imm.none], // numeric, sign extension
  [0xd0, 0xd0, Imm.leb], // ref.null
  [0xd1, 0xd1, Imm.none], // ref.is_null
  [0xd2, 0xd2, Imm.leb], // ref.func
  [0xd3, 0xd4, Imm.none], // ref.eq ref.as_non_null
  [0xd5, 0xd6, Imm.leb], // br_on_null br_on_non_null
  [0xfb, 0xfb, Imm.prefixGc],
  [0xfc, 0xfc, Imm.prefixMisc],
  [0xfd, 0xfd, Imm.prefixSimd],
  [0xfe, 0xfe, Imm.prefixAtomic],
]);

/** 0xFB: garbage collection. */
const GC = table(31, [
  [0, 1, Imm.leb], // struct.new struct.new_default
  [2, 5, Imm.leb2], // struct.get(_s/_u) struct.set
  [6, 7, Imm.leb], // array.new array.new_default
  [8, 10, Imm.leb2], // array.new_fixed array.new_data array.new_elem
  [11, 14, Imm.leb], // array.get(_s/_u) array.set
  [15, 15, Imm.none], // array.len
  [16, 16, Imm.leb], // array.fill
  [17, 19, Imm.leb2], // array.copy array.init_data array.init_elem
  [20, 23, Imm.leb], // ref.test ref.cast (null)
  [24, 25, Imm.brOnCast], // br_on_cast br_on_cast_fail
  [26, 30, Imm.none], // any.convert_extern extern.convert_any ref.i31 i31.get_s/u
]);

/** 0xFC: saturating truncation, bulk memory, reference-type tables, wide arithmetic. */
const MISC = table(23, [
  [0, 7, Imm.none], // trunc_sat
  [8, 8, Imm.leb2], // memory.init
  [9, 9, Imm.leb], // data.drop
  [10, 10, Imm.leb2], // memory.copy
  [11, 11, Imm.leb], // memory.fill
  [12, 12, Imm.leb2], // table.init
  [13, 13, Imm.leb], // elem.drop
  [14, 14, Imm.leb2], // table.copy
  [15, 17, Imm.leb], // table.grow table.size table.fill
  [19, 22, Imm.none], // i64.add128 i64.sub128 i64.mul_wide_s/u
]);

/** 0xFD: SIMD and relaxed SIMD. */
const SIMD = table(0x114, [
  [0x00, 0x0b, Imm.memarg], // v128.load* v128.store
  [0x0c, 0x0d, Imm.bytes16], // v128.const i8x16.shuffle
  [0x0e, 0x14, Imm.none], // swizzle splats
  [0x15, 0x22, Imm.byte], // extract_lane replace_lane
  [0x23, 0x53, Imm.none], // comparisons, bitwise
  [0x54, 0x5b, Imm.memargLane], // load*_lane store*_lane
  [0x5c, 0x5d, Imm.memarg], // load32_zero load64_zero
  [0x5e, 0xff, Imm.none], // arithmetic and conversions
  [0x100, 0x113, Imm.none], // relaxed SIMD
]);
// Holes the SIMD proposal left unassigned.
for (const hole of [
  0x9a, 0xa2, 0xa5, 0xa6, 0xaf, 0xb0, 0xb2, 0xb3, 0xb4, 0xbb, 0xc2, 0xc5, 0xc6, 0xcf, 0xd0, 0xd2,
  0xd3, 0xd4, 0xe2, 0xee,
]) {
  SIMD[hole] = Imm.unknown;
}

/** 0xFE: threads. */
const ATOMIC = table(0x4f, [
  [0x00, 0x02, Imm.memarg], // memory.atomic.notify wait32 wait64
  [0x03, 0x03, Imm.byte], // atomic.fence
  [0x10, 0x4e, Imm.memarg], // atomic loads, stores, read-modify-writes
]);

/**
 * `memory.grow` instructions found by the walker, in input order. Stored in
 * typed arrays so that recording a site allocates nothing in the common case.
 */
export class GrowSites {
  /** Offset of each site's 0x40 opcode byte. */
  offsets = new Uint32Array(64);
  /** Byte length of each whole instruction (opcode + memory index). */
  lengths = new Uint8Array(64);
  /** Memory index each site grows. */
  memoryIndexes = new Uint32Array(64);
  count = 0;

  /** Records one site. */
  add(offset: number, length: number, memoryIndex: number): void {
    if (this.count === this.offsets.length) this.grow();
    this.offsets[this.count] = offset;
    this.lengths[this.count] = length;
    this.memoryIndexes[this.count] = memoryIndex;
    this.count++;
  }

  private grow(): void {
    const size = this.offsets.length * 2;
    const offsets = new Uint32Array(size);
    offsets.set(this.offsets);
    const lengths = new Uint8Array(size);
    lengths.set(this.lengths);
    const memoryIndexes = new Uint32Array(size);
    memoryIndexes.set(this.memoryIndexes);
    this.offsets = offsets;
    this.lengths = lengths;
    this.memoryIndexes = memoryIndexes;
  }
}

/**
 * Walks function bodies instruction by instruction and records every
 * `memory.grow` into a GrowSites list. One scanner serves a whole module.
 */
export class FunctionBodyScanner {
  /** Value of the last LEB128 decoded by `decodeU32`. */
  private decoded = 0;

  /**
   * @param bytes the whole module (offsets are absolute)
   * @param sites where found `memory.grow` sites are appended
   */
  constructor(
    private readonly bytes: Uint8Array,
    readonly sites: GrowSites,
  ) {}

  /**
   * Scans the body occupying `[start, end)` (local declarations first, then
   * instructions up to and including the final `end`).
   *
   * @param functionIndex index in the function index space, for error messages
   * @throws WasmFormatError on an unknown opcode, an instruction running past
   *   `end`, or a body that does not finish with `end`
   */
  scan(start: number, end: number, functionIndex: number): void {
    const bytes = this.bytes;
    let p = this.skipLocals(start, end, functionIndex);
    let opcodeAt = p;
    while (p < end) {
      opcodeAt = p;
      const opcode = bytes[p++];
      const kind = SINGLE[opcode];
      if (kind === Imm.none) continue;
      if (kind === Imm.leb) {
        while (bytes[p++] & 0x80);
        continue;
      }
      if (kind === Imm.memarg) {
        p = this.skipMemarg(p);
        continue;
      }
      p = this.skipRare(kind, opcode, p, opcodeAt, functionIndex);
    }
    if (p !== end) {
      throw new WasmFormatError(
        `malformed: in function ${functionIndex}, the instruction at byte ${opcodeAt} runs past ` +
          `the end of the body at byte ${end}`,
        opcodeAt,
      );
    }
    if (bytes[end - 1] !== OPCODE_END) {
      throw new WasmFormatError(
        `malformed: function ${functionIndex} does not finish with \`end\`, at byte ${end - 1}`,
        end - 1,
      );
    }
  }

  private skipLocals(start: number, end: number, functionIndex: number): number {
    const bytes = this.bytes;
    let p = this.decodeU32(start);
    const groups = this.decoded;
    if (groups > end - p) {
      throw new WasmFormatError(
        `malformed: function ${functionIndex} declares ${groups} local groups in a ` +
          `${end - start}-byte body, at byte ${start}`,
        start,
      );
    }
    for (let group = 0; group < groups && p < end; group++) {
      while (bytes[p++] & 0x80); // how many locals
      const type = bytes[p++];
      if (type === REF_NULLABLE || type === REF_NON_NULLABLE) while (bytes[p++] & 0x80);
    }
    return p;
  }

  private skipMemarg(at: number): number {
    const bytes = this.bytes;
    let p = at;
    const flags = bytes[p];
    if (flags < 0x40) p++;
    else {
      p = this.decodeU32(p);
      if ((this.decoded & 0x40) !== 0) while (bytes[p++] & 0x80); // memory index
    }
    while (bytes[p++] & 0x80); // offset
    return p;
  }

  /** Everything but the most frequent immediate kinds. */
  private skipRare(
    kind: number,
    opcode: number,
    at: number,
    opcodeAt: number,
    functionIndex: number,
  ): number {
    const bytes = this.bytes;
    let p = at;
    switch (kind) {
      case Imm.block:
        return this.skipBlockType(p);
      case Imm.leb2:
        while (bytes[p++] & 0x80);
        while (bytes[p++] & 0x80);
        return p;
      case Imm.brTable: {
        p = this.decodeU32(p);
        // Every target is a LEB128 of at least one byte; the default follows.
        for (let targets = this.decoded; targets >= 0 && p < bytes.length; targets--) {
          while (bytes[p++] & 0x80);
        }
        return p;
      }
      case Imm.memoryGrow: {
        p = this.decodeU32(p);
        this.sites.add(opcodeAt, p - opcodeAt, this.decoded);
        return p;
      }
      case Imm.bytes4:
        return p + 4;
      case Imm.bytes8:
        return p + 8;
      case Imm.selectTyped: {
        p = this.decodeU32(p);
        for (let types = this.decoded; types > 0 && p < bytes.length; types--) {
          const type = bytes[p++];
          if (type === REF_NULLABLE || type === REF_NON_NULLABLE) while (bytes[p++] & 0x80);
        }
        return p;
      }
      case Imm.tryTable:
        return this.skipTryTable(this.skipBlockType(p), opcodeAt, functionIndex);
      case Imm.prefixGc:
      case Imm.prefixMisc:
      case Imm.prefixSimd:
      case Imm.prefixAtomic:
        return this.skipPrefixed(kind, opcode, p, opcodeAt, functionIndex);
      default:
        throw unknownOpcode(opcode, undefined, opcodeAt, functionIndex);
    }
  }

  private skipPrefixed(
    kind: number,
    prefix: number,
    at: number,
    opcodeAt: number,
    functionIndex: number,
  ): number {
    const bytes = this.bytes;
    let p = this.decodeU32(at);
    const sub = this.decoded;
    const kinds =
      kind === Imm.prefixSimd
        ? SIMD
        : kind === Imm.prefixMisc
          ? MISC
          : kind === Imm.prefixAtomic
            ? ATOMIC
            : GC;
    const subKind = sub < kinds.length ? kinds[sub] : Imm.unknown;
    switch (subKind) {
      case Imm.none:
        return p;
      case Imm.leb:
        while (bytes[p++] & 0x80);
        return p;
      case Imm.leb2:
        while (bytes[p++] & 0x80);
        while (bytes[p++] & 0x80);
        return p;
      case Imm.memarg:
        return this.skipMemarg(p);
      case Imm.memargLane:
        return this.skipMemarg(p) + 1;
      case Imm.byte:
        return p + 1;
      case Imm.bytes16:
        return p + 16;
      case Imm.brOnCast:
        p++; // cast flags
        while (bytes[p++] & 0x80); // label
        while (bytes[p++] & 0x80); // source heap type
        while (bytes[p++] & 0x80); // target heap type
        return p;
      default:
        throw unknownOpcode(prefix, sub, opcodeAt, functionIndex);
    }
  }

  private skipBlockType(at: number): number {
    const bytes = this.bytes;
    let p = at;
    const first = bytes[p];
    if (first === REF_NULLABLE || first === REF_NON_NULLABLE) p++;
    // 0x40 (empty), a one-byte value type, or an s33 type index: all LEB128.
    while (bytes[p++] & 0x80);
    return p;
  }

  private skipTryTable(at: number, opcodeAt: number, functionIndex: number): number {
    const bytes = this.bytes;
    let p = this.decodeU32(at);
    for (let clauses = this.decoded; clauses > 0 && p < bytes.length; clauses--) {
      const clause = bytes[p++];
      if (clause <= 0x01)
        while (bytes[p++] & 0x80); // tag of catch / catch_ref
      else if (clause > 0x03) {
        throw new WasmFormatError(
          `malformed: unknown try_table catch kind ${clause} in function ${functionIndex} ` +
            `(try_table at byte ${opcodeAt})`,
          p - 1,
        );
      }
      while (bytes[p++] & 0x80); // label
    }
    return p;
  }

  /** Decodes an unsigned LEB128 at `at` into `decoded`; returns the offset after it. */
  private decodeU32(at: number): number {
    const bytes = this.bytes;
    let p = at;
    let byte = bytes[p++];
    let value = byte & 0x7f;
    for (let shift = 7; byte & 0x80 && shift < 35; shift += 7) {
      byte = bytes[p++];
      value |= (byte & 0x7f) << shift;
    }
    this.decoded = value >>> 0;
    return p;
  }
}

function unknownOpcode(
  opcode: number,
  sub: number | undefined,
  at: number,
  functionIndex: number,
): WasmFormatError {
  const name =
    sub === undefined
      ? `0x${opcode.toString(16).padStart(2, '0')}`
      : `0x${opcode.toString(16)} ${sub}`;
  return new WasmFormatError(
    `unknown or unsupported opcode ${name} in function ${functionIndex} at byte ${at}`,
    at,
  );
}
