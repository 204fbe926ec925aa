import t from 'tap';
import type { Test } from 'tap';
import { limitMemory, OOM_GLOBAL_EXPORT } from '../../runtime/wasm/binary/index.js';
import {
  compareRewrite,
  exportedFunction,
  exportedGlobalValue,
  instantiate,
  validateWithProposals,
  wasm,
  wat,
  watTools,
} from '../fixtures/binary/wasm-test-kit.js';

/**
 * Limits `input`, then checks that exactly its `expectedGrows` memory.grow
 * instructions became calls and nothing else changed.
 */
async function checkRewrite(
  t: Test,
  input: Uint8Array,
  expectedGrows: number,
  limitPages = 64,
): Promise<Uint8Array> {
  const output = limitMemory(input, { limitPages });
  const comparison = await compareRewrite(input, output);
  t.equal(comparison.inputGrows, expectedGrows, `the input has ${expectedGrows} memory.grow`);
  t.equal(comparison.helperCalls, expectedGrows, 'each became a call of the appended function');
  t.equal(comparison.outputGrows, 1, "only the appended function's own memory.grow is left");
  t.same(comparison.missingLines, [], 'nothing else changed');
  t.ok(
    comparison.extraLines.length <= 24,
    `only appended entries added: ${comparison.extraLines.length}`,
  );
  return output;
}

// Byte patterns that look like `memory.grow 0` (40 00) or like an empty block
// type, placed in immediates: a scanner that does not decode every immediate
// finds grows that are not there or misses ones that are.
const DECOYS = `
    (if (i32.eqz (i32.const 0)) (then) (else
      (drop (i32.const -64)) (unreachable)
      (drop (f32.const 0x1p-143)) (unreachable)
      (drop (f64.const 0x1p-1067)) (unreachable)
      (drop (i32.load offset=64 (i32.const 0))) (unreachable)
      (drop (i32.atomic.rmw.add offset=64 (i32.const 0) (i32.const 0))) (unreachable)
      (drop (v128.const i8x16 0x40 0 0x40 0 0x40 0 0x40 0 0x40 0 0x40 0 0x40 0 0x40 0))
      (block (unreachable))
      (loop (unreachable))))`;

t.test('finds memory.grow in every control construct of Node-runnable features', async (t) => {
  const types = Array.from(
    { length: 64 },
    (_, i) => `(type $pad${i} (func (param f32) (result i32)))`,
  ).join('\n');
  const input = wat(`(module
    ${types}
    (type $pair (func (result i32 i32)))
    (type $i2i (func (param i32) (result i32)))
    (tag $oops (param i32))
    (memory (export "memory") 1)
    (global $acc (export "acc") (mut i32) (i32.const 0))
    (table 2 funcref)
    (elem (i32.const 0) $grow $id)
    (func $id (type $i2i) (local.get 0))
    (func $grow (type $i2i) (memory.grow (local.get 0)))
    (func $add (param i32) (global.set $acc (i32.add (global.get $acc) (local.get 0))))
    (func (export "run") (param $d i32) (result i32)
      (local $v v128) (local $pad f64) (local $r externref)
      ${DECOYS}
      (call $add (block (result i32) (block (result i32) (memory.grow (local.get $d)))))
      (call $add (loop (result i32) (memory.grow (local.get $d))))
      (call $add (if (result i32) (i32.const 1)
        (then (memory.grow (local.get $d))) (else (memory.grow (local.get $d)))))
      (call $add (if (result i32) (i32.const 0)
        (then (memory.grow (local.get $d))) (else (memory.grow (local.get $d)))))
      (call $add (block $out (result i32)
        (br_table $out $out $out (memory.grow (local.get $d)) (i32.const 1))))
      (call $add (select (result i32) (memory.grow (local.get $d)) (i32.const 99) (i32.const 1)))
      (call $add (select (i32.const 99) (memory.grow (local.get $d)) (i32.const 0)))
      (local.set $v (i32x4.splat (memory.grow (local.get $d))))
      (call $add (i32x4.extract_lane 3 (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
        (local.get $v) (v128.const i32x4 0x40 0x40 0x40 0x40))))
      (call $add (try (result i32)
        (do (throw $oops (memory.grow (local.get $d))))
        (catch $oops)))
      (call $add (try (result i32)
        (do (memory.grow (local.get $d)))
        (catch_all (memory.grow (local.get $d)))))
      (call $add (block (type $pair) (memory.grow (local.get $d)) (i32.const 0)) (drop))
      (call $add (f32.const 1)
        (block (type $pad63) (param f32) (result i32) (drop) (memory.grow (local.get $d))))
      (call $add (call_indirect (type $i2i) (local.get $d) (i32.const 0)))
      (call $add (i32.trunc_sat_f32_s (f32.convert_i32_s (memory.grow (local.get $d)))))
      (call $add (i32.extend8_s (memory.grow (local.get $d))))
      (drop (i32.atomic.rmw.add (i32.const 0) (memory.grow (local.get $d))))
      (memory.fill (i32.const 0) (i32.const 0) (memory.grow (local.get $d)))
      (return_call $id (memory.grow (local.get $d))))
    (func (export "tail") (param i32) (result i32)
      (return_call_indirect (type $i2i) (local.get 0) (i32.const 0))))`);
  t.ok(wasm.validate(input), 'the input validates');
  const output = await checkRewrite(t, input, 21, 30);
  t.ok(wasm.validate(output), 'the output validates');
  const instance = instantiate(output);
  const run = exportedFunction(instance, 'run');
  // 18 grows run, each returning the old size: 1, 2, ... The first 15 are summed.
  t.equal(run(1), 18, 'the grow in the tail call returns the size before it');
  t.equal(exportedGlobalValue(instance, 'acc'), (15 * 16) / 2, 'every grow that feeds the sum ran');
  t.equal(exportedFunction(instance, 'tail')(1), 19, 'return_call_indirect to the grow function');
  t.throws(() => run(1), wasm.RuntimeError, 'the next run crosses the 30-page limit');
  t.equal(exportedGlobalValue(instance, OOM_GLOBAL_EXPORT), 1);
});

t.test('typed function references and tail calls through references', async (t) => {
  const input = await watTools(`(module
    (type $i2i (func (param i32) (result i32)))
    (memory 1)
    (elem declare func $grow)
    (func $grow (type $i2i) (memory.grow (local.get 0)))
    (func (export "run") (param i32) (result i32)
      (local $f (ref null $i2i)) (local $g (ref $i2i))
      ${DECOYS}
      (local.set $f (ref.func $grow))
      (local.set $g (ref.as_non_null (local.get $f)))
      (drop (call_ref $i2i (memory.grow (local.get 0)) (local.get $g)))
      (block $null
        (drop (call_ref $i2i (memory.grow (i32.const 0)) (br_on_null $null (local.get $f)))))
      (drop (block $nn (result (ref $i2i))
        (br_on_non_null $nn (local.get $f))
        (drop (memory.grow (i32.const 0)))
        (unreachable)))
      (drop (ref.eq (ref.null none) (ref.null none)))
      (return_call_ref $i2i (memory.grow (local.get 0)) (local.get $g))))`);
  // Node 20's V8 (11.3) predates the final encoding of (ref null? ht) types, so
  // it cannot validate these; wasm-tools decoding every instruction is the check.
  await checkRewrite(t, input, 5);
});

t.test('garbage collection instructions', async (t) => {
  const input = await watTools(`(module
    (type $box (struct (field (mut i32))))
    (type $arr (array (mut i32)))
    (rec (type $a (sub (struct))) (type $b (sub $a (struct (field i32)))))
    (memory 1)
    (func (export "run") (param i32) (result i32)
      (local $x (ref null $box)) (local $any anyref)
      (local.set $x (struct.new $box (memory.grow (local.get 0))))
      (struct.set $box 0 (local.get $x) (memory.grow (struct.get $box 0 (local.get $x))))
      (drop (array.new $arr (memory.grow (i32.const 0)) (i32.const 64)))
      (drop (array.new_fixed $arr 2 (i32.const 64) (memory.grow (i32.const 0))))
      (local.set $any (ref.i31 (memory.grow (i32.const 0))))
      (drop (block $l (result anyref)
        (br_on_cast $l anyref (ref i31) (local.get $any))
        (drop (memory.grow (i32.const 0)))))
      (drop (ref.test (ref $b) (struct.new $b (memory.grow (i32.const 0)))))
      (i31.get_s (ref.cast (ref i31) (local.get $any)))))`);
  await checkRewrite(t, input, 7);
});

t.test('exception handling with try_table and throw_ref', async (t) => {
  const input = await watTools(`(module
    (tag $e (param i32))
    (memory 1)
    (func (export "run") (param i32) (result i32)
      (block $caught (result i32)
        (block $all
          (block $ref (result exnref)
            (try_table (catch $e $caught) (catch_ref $e $ref) (catch_all $all) (catch_all_ref $ref)
              (throw $e (memory.grow (local.get 0)))))
          (drop (memory.grow (i32.const 0)))
          (throw_ref))
        (memory.grow (i32.const 0)))))`);
  await checkRewrite(t, input, 3);
});

t.test('relaxed SIMD, lane loads and stores, and extended constants', async (t) => {
  const input = await watTools(`(module
    (memory 1)
    (global $g i32 (i32.add (i32.const 64) (i32.mul (i32.const 2) (i32.const 3))))
    (func (export "run") (param i32) (result i32)
      (local $v v128)
      (local.set $v (i8x16.relaxed_swizzle
        (v128.load8_lane offset=64 15 (memory.grow (local.get 0)) (local.get $v))
        (v128.load32_zero offset=64 (memory.grow (i32.const 0)))))
      (v128.store16_lane offset=64 align=1 7 (memory.grow (i32.const 0)) (local.get $v))
      (local.set $v (f32x4.relaxed_madd (local.get $v) (local.get $v)
        (f32x4.splat (f32.convert_i32_u (memory.grow (i32.const 0))))))
      (i32x4.extract_lane 1 (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $v) (local.get $v)
        (i32x4.splat (memory.grow (global.get $g)))))))`);
  const output = await checkRewrite(t, input, 5);
  t.equal(
    validateWithProposals(input),
    undefined,
    'the input validates (relaxed SIMD, extended-const)',
  );
  t.equal(validateWithProposals(output), undefined, 'so does the output');
});

t.test('multi-memory memargs carry a memory index', async (t) => {
  const input = await watTools(`(module
    (memory $a 1) (memory $b 1)
    (func (export "run") (param i32) (result i32)
      (i32.store $b offset=64 (i32.const 0) (i32.load $b offset=64 (memory.grow $a (local.get 0))))
      (memory.copy $a $b (i32.const 0) (i32.const 0) (memory.grow $a (i32.const 0)))
      (i32.load8_u $b (memory.size $b))))`);
  await checkRewrite(t, input, 2);
});

/** A module with one function whose body bytes are `body` (locals included). */
function moduleWithBody(body: readonly number[]): Uint8Array {
  const section = (id: number, payload: readonly number[]): number[] => [
    id,
    payload.length,
    ...payload,
  ];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, [1, 0x60, 0, 0]),
    ...section(3, [2, 0, 0]),
    ...section(5, [1, 0, 1]),
    ...section(10, [2, 2, 0, 0x0b, body.length, ...body]),
  ]);
}

t.test('unknown opcodes and broken bodies name the function and the byte', async (t) => {
  t.throws(() => limitMemory(moduleWithBody([0, 0x01, 0x17, 0x0b]), { limitPages: 4 }), {
    name: 'WasmFormatError',
    message: 'unknown or unsupported opcode 0x17 in function 1 at byte 33',
    offset: 33,
  });
  t.throws(() => limitMemory(moduleWithBody([0, 0xfd, 0x9a, 0x01, 0x0b]), { limitPages: 4 }), {
    message: /unknown or unsupported opcode 0xfd 154 in function 1 at byte 32/,
  });
  t.throws(() => limitMemory(moduleWithBody([0, 0xfe, 0x04, 0x0b]), { limitPages: 4 }), {
    message: /opcode 0xfe 4 in function 1/,
  });
  t.throws(() => limitMemory(moduleWithBody([0, 0x41, 0x80, 0x80]), { limitPages: 4 }), {
    name: 'WasmFormatError',
    message: /in function 1, the instruction at byte 32 runs past the end of the body at byte 35/,
  });
  t.throws(() => limitMemory(moduleWithBody([0, 0x01, 0x01]), { limitPages: 4 }), {
    message: /function 1 does not finish with `end`, at byte 33/,
  });
  t.throws(() => limitMemory(moduleWithBody([0x7f, 0x0b]), { limitPages: 4 }), {
    message: /function 1 declares 127 local groups in a 2-byte body/,
  });
  t.doesNotThrow(
    () => limitMemory(moduleWithBody([1, 1, 0x63, 0x70, 0x0b]), { limitPages: 4 }),
    'a (ref null func) local',
  );
});
