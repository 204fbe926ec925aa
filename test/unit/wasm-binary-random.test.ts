// Randomised modules: memory.grow buried under random mixes of control flow,
// SIMD, exceptions, calls and decoy immediates, with random deltas, memory
// declarations and limits. Each module's behaviour before and after the
// rewrite is predicted by a small model and checked by running it.

import t from 'tap';
import { limitMemory, OOM_GLOBAL_EXPORT } from '../../runtime/wasm/binary/index.js';
import {
  compareRewrite,
  exportedFunction,
  exportedGlobalValue,
  instantiate,
  seededRandom,
  wasm,
  wat,
} from '../fixtures/binary/wasm-test-kit.js';

const SEED = Number(process.env['SKIFF_WASM_RANDOM_SEED'] ?? 20240611);
const MODULES = 120;

interface Program {
  readonly text: string;
  readonly deltas: readonly number[];
  readonly initialPages: number;
  readonly ownMaximum: number | undefined;
  readonly limitPages: number;
}

type Outcome = { trapped: false; acc: number; steps: number } | { trapped: true; steps: number };

function generate(random: () => number): Program {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const between = (low: number, high: number): number =>
    low + Math.floor(random() * (high - low + 1));
  let labels = 0;

  const decoys = [
    '(if (i32.const 0) (then (drop (i32.const -64)) (unreachable)))',
    '(drop (f32.const 0x1p-143))',
    '(block (br 0) (unreachable))',
    '(local.set $v (v128.const i8x16 0x40 0 0x40 0 0x40 0 0x40 0 0x40 0 0x40 0 0x40 0 0x40 0))',
    '(if (i32.const 0) (then (drop (i32.load offset=64 (i32.const 0))) (unreachable)))',
    '(loop (nop))',
  ];
  const wrappers: readonly ((inner: string) => string)[] = [
    (x) => `(block (result i32) ${x})`,
    (x) => `(loop (result i32) ${x})`,
    (x) => `(if (result i32) (i32.const 1) (then ${x}) (else (i32.const -7)))`,
    (x) => `(if (result i32) (i32.const 0) (then (i32.const -7)) (else ${x}))`,
    (x) => {
      const label = `$L${labels++}`;
      return `(block ${label} (result i32) (br_table ${label} ${label} ${label} ${x} (i32.const ${between(0, 3)})))`;
    },
    (x) => `(select (result i32) ${x} (i32.const 99) (i32.const 1))`,
    (x) => `(select (i32.const 99) ${x} (i32.const 0))`,
    (x) => `(i32x4.extract_lane ${between(0, 3)} (i32x4.splat ${x}))`,
    (x) => `(try (result i32) (do ${x}) (catch_all (i32.const -9)))`,
    (x) => `(try (result i32) (do (throw $t ${x})) (catch $t))`,
    (x) => `(call $id ${x})`,
    (x) => `(call_indirect (type $i2i) ${x} (i32.const 0))`,
    (x) => `(i32.add (i32.const 0) ${x})`,
    (x) => `(block (result i32) ${pick(decoys)} ${x})`,
    (x) => `(i32.trunc_sat_f64_s (f64.convert_i32_s ${x}))`,
    (x) => `(i32.extend16_s ${x})`,
    (x) => `(block (result i32) (block (result i32 i32) ${x} (i32.const 5)) (drop))`,
  ];
  const deltaChoices = [0, 1, 1, 1, 2, 2, 3, 5, 8, -1, 0x10000, 0x7fffffff, -0x80000000];

  const initialPages = between(0, 3);
  const ownMaximum = random() < 0.5 ? undefined : initialPages + between(0, 20);
  const limitPages = initialPages + between(0, 25);
  const deltas: number[] = [];
  const functions: string[] = [];
  const functionCount = between(1, 5);
  for (let f = 0; f < functionCount; f++) {
    const statements: string[] = [];
    for (let s = between(1, 8); s > 0; s--) {
      const delta = random() < 0.9 ? pick(deltaChoices.slice(0, 8)) : pick(deltaChoices);
      deltas.push(delta >>> 0);
      let expression = `(memory.grow (i32.const ${delta | 0}))`;
      for (let depth = between(0, 4); depth > 0; depth--) expression = pick(wrappers)(expression);
      statements.push(
        `(global.set $acc (i32.add (i32.mul (global.get $acc) (i32.const 31)) ${expression}))`,
        '(global.set $steps (i32.add (global.get $steps) (i32.const 1)))',
      );
    }
    functions.push(`(func $f${f} (local $v v128) ${statements.join('\n')})`);
  }
  const calls = functions
    .map((_, f) =>
      random() < 0.5 ? `(call $f${f})` : `(call_indirect (type $void) (i32.const ${f + 1}))`,
    )
    .join(' ');
  const memory = `(memory ${initialPages}${ownMaximum === undefined ? '' : ` ${ownMaximum}`})`;
  const text = `(module
    (type $i2i (func (param i32) (result i32)))
    (type $void (func))
    (tag $t (param i32))
    ${memory}
    (global $acc (export "acc") (mut i32) (i32.const 0))
    (global $steps (export "steps") (mut i32) (i32.const 0))
    (global $started (export "started") (mut i32) (i32.const 0))
    (table ${functions.length + 1} funcref)
    (elem (i32.const 0) $id ${functions.map((_, f) => `$f${f}`).join(' ')})
    (func $id (type $i2i) (local.get 0))
    ${functions.join('\n')}
    (func $start (global.set $started (i32.const 1)))
    (start $start)
    (func (export "run") ${calls}))`;
  return { text, deltas, initialPages, ownMaximum, limitPages };
}

/** What running the program does, with (limited) or without the rewrite. */
function predict(program: Program, limited: boolean): Outcome {
  const ownMaximum = program.ownMaximum ?? 65536;
  const maximum = limited ? Math.min(ownMaximum, program.limitPages) : ownMaximum;
  const trapsAbove = limited && ownMaximum > program.limitPages ? program.limitPages : Infinity;
  let size = program.initialPages;
  let acc = 0;
  let steps = 0;
  for (const delta of program.deltas) {
    if (size + delta > trapsAbove) return { trapped: true, steps };
    let result = -1;
    if (size + delta <= maximum) {
      result = size;
      size += delta;
    }
    acc = (Math.imul(acc, 31) + result) | 0;
    steps++;
  }
  return { trapped: false, acc, steps };
}

function run(bytes: Uint8Array): Outcome & { oom: unknown } {
  const instance = instantiate(bytes);
  const oom = (): unknown =>
    OOM_GLOBAL_EXPORT in instance.exports ? exportedGlobalValue(instance, OOM_GLOBAL_EXPORT) : 0;
  if (exportedGlobalValue(instance, 'started') !== 1) throw new Error('start function did not run');
  const steps = (): number => Number(exportedGlobalValue(instance, 'steps'));
  try {
    exportedFunction(instance, 'run')();
  } catch (error) {
    if (!(error instanceof wasm.RuntimeError)) throw error;
    return { trapped: true, steps: steps(), oom: oom() };
  }
  return {
    trapped: false,
    acc: Number(exportedGlobalValue(instance, 'acc')),
    steps: steps(),
    oom: oom(),
  };
}

t.test(`${MODULES} random modules (seed ${SEED})`, async (t) => {
  const random = seededRandom(SEED);
  let traps = 0;
  let grows = 0;
  for (let i = 0; i < MODULES; i++) {
    const program = generate(random);
    const input = wat(program.text);
    const output = limitMemory(input, { limitPages: program.limitPages });
    const label = `module ${i} (limit ${program.limitPages}, memory ${program.initialPages}..${program.ownMaximum ?? '∞'}, deltas ${program.deltas.join(',')})`;
    if (!wasm.validate(output)) {
      t.fail(`${label}: output does not validate`);
      continue;
    }
    const comparison = await compareRewrite(input, output);
    if (
      comparison.inputGrows !== program.deltas.length ||
      comparison.helperCalls !== program.deltas.length ||
      comparison.missingLines.length > 0
    ) {
      t.fail(`${label}: rewrite mismatch`, { comparison });
      continue;
    }
    grows += program.deltas.length;
    const { oom: originalOom, ...original } = run(input);
    t.same(original, predict(program, false), `${label}: the model predicts the original`);
    t.equal(originalOom, 0);
    const expected = predict(program, true);
    const { oom, ...actual } = run(output);
    t.same(actual, expected, `${label}: limited`);
    t.equal(oom, expected.trapped ? 1 : 0, `${label}: OOM flag`);
    if (expected.trapped) traps++;
  }
  t.comment(`${grows} memory.grow rewritten; ${traps} of ${MODULES} modules hit the limit`);
  t.ok(traps > MODULES / 10 && traps < MODULES, 'the mix has both limited and unlimited runs');
});
