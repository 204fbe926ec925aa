// The pieces limitMemory appends to a module: the limited `memory.grow`
// replacement function, its type, the OOM flag global and that global's export.

import { concatBytes, encodeName, encodeU32Leb } from './writer.js';

/** Export name of the mutable i32 global set to 1 just before a limit trap. */
export const OOM_GLOBAL_EXPORT = 'skiff:oom';

/** Name given to the appended function in the name section (debuggers, stack traces). */
export const LIMITED_GROW_FUNCTION_NAME = 'skiff:limited-memory-grow';

const Op = {
  unreachable: 0x00,
  if: 0x04,
  end: 0x0b,
  call: 0x10,
  localGet: 0x20,
  globalSet: 0x24,
  memorySize: 0x3f,
  memoryGrow: 0x40,
  i32Const: 0x41,
  i64Const: 0x42,
  i64GtU: 0x56,
  i64Add: 0x7c,
  i64ExtendI32U: 0xad,
} as const;

const EMPTY_BLOCK = 0x40;
const I32 = 0x7f;
const FUNC_FORM = 0x60;
const GLOBAL_EXPORT_KIND = 0x03;
const MUTABLE = 0x01;

/** `(func (param i32) (result i32))` as a type section entry. */
export function i32ToI32TypeEntry(): Uint8Array {
  return Uint8Array.of(FUNC_FORM, 1, I32, 1, I32);
}

/** `(global (mut i32) (i32.const 0))` as a global section entry. */
export function oomGlobalEntry(): Uint8Array {
  return Uint8Array.of(I32, MUTABLE, Op.i32Const, 0, Op.end);
}

/** The export section entry `(export "skiff:oom" (global globalIndex))`. */
export function oomExportEntry(globalIndex: number): Uint8Array {
  return concatBytes([
    encodeName(OOM_GLOBAL_EXPORT),
    Uint8Array.of(GLOBAL_EXPORT_KIND),
    encodeU32Leb(globalIndex),
  ]);
}

/** `call functionIndex`: what each `memory.grow 0` becomes. */
export function callInstruction(functionIndex: number): Uint8Array {
  return concatBytes([Uint8Array.of(Op.call), encodeU32Leb(functionIndex)]);
}

/**
 * The code section entry (size-prefixed body) of the replacement for
 * `memory.grow 0`. With a `trapAbovePages` threshold:
 *
 *   if (u64(memory.size) + u64(delta) > trapAbovePages) { oom = 1; unreachable }
 *   return memory.grow(delta)
 *
 * Widening to i64 makes the sum exact for any delta, 0xFFFFFFFF included.
 * Without a threshold the body only forwards to `memory.grow` (the memory's
 * own maximum already keeps it within the limit).
 */
export function limitedGrowBody(
  globalIndex: number,
  trapAbovePages: number | undefined,
): Uint8Array {
  const check =
    trapAbovePages === undefined
      ? new Uint8Array(0)
      : concatBytes([
          Uint8Array.of(Op.localGet, 0, Op.i64ExtendI32U, Op.memorySize, 0, Op.i64ExtendI32U),
          Uint8Array.of(Op.i64Add, Op.i64Const),
          encodeNonNegativeSleb(trapAbovePages),
          Uint8Array.of(Op.i64GtU, Op.if, EMPTY_BLOCK, Op.i32Const, 1, Op.globalSet),
          encodeU32Leb(globalIndex),
          Uint8Array.of(Op.unreachable, Op.end),
        ]);
  const body = concatBytes([
    Uint8Array.of(0), // no locals
    check,
    Uint8Array.of(Op.localGet, 0, Op.memoryGrow, 0, Op.end),
  ]);
  return concatBytes([encodeU32Leb(body.length), body]);
}

/** Signed LEB128 of a non-negative safe integer (an i64.const immediate). */
function encodeNonNegativeSleb(value: number): Uint8Array {
  const bytes: number[] = [];
  let rest = value;
  for (;;) {
    const low = rest % 128;
    rest = Math.floor(rest / 128);
    // Done once the remaining value is zero and the sign bit (0x40) reads as positive.
    if (rest === 0 && (low & 0x40) === 0) {
      bytes.push(low);
      return Uint8Array.from(bytes);
    }
    bytes.push(low | 0x80);
  }
}
