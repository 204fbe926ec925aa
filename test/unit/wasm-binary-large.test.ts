// limitMemory on big modules: a generated one with thousands of grows, and the
// real engine modules shipped in node_modules (StarlingMonkey's core module is
// what a JS component runs on). Times are logged, not asserted: they depend on
// the machine. They are measured in a child process because tap's coverage
// instrumentation slows the code under test down several times.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { inspectWasm, limitMemory } from '../../runtime/wasm/binary/index.js';
import {
  compareRewrite,
  exportedFunction,
  instantiate,
  wasm,
  wat,
} from '../fixtures/binary/wasm-test-kit.js';

/** Path of a .wasm file inside an installed package, if the package is there. */
function packagedWasm(packageName: string, file: string): string | undefined {
  // Compiled to dist/test/unit/: the repository root is three levels up.
  const url = new URL(`../../../node_modules/${packageName}/${file}`, import.meta.url);
  const path = fileURLToPath(url);
  return existsSync(path) ? path : undefined;
}

const TOOLKIT = new URL('../../runtime/wasm/binary/index.js', import.meta.url).href;

const TIMING_SCRIPT = `
  import { readFileSync } from 'node:fs';
  const { limitMemory } = await import(process.argv[1]);
  const bytes = new Uint8Array(readFileSync(0));
  const limitPages = Number(process.argv[2]);
  const times = [];
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    limitMemory(bytes, { limitPages });
    times.push(performance.now() - start);
  }
  process.stdout.write(JSON.stringify({ first: times[0], fastest: Math.min(...times) }));
`;

/**
 * limitMemory's output, and its time in ms (first call and fastest of five)
 * measured in a fresh Node process without coverage instrumentation.
 */
function timeLimitMemory(bytes: Uint8Array, limitPages: number) {
  const env = { ...process.env };
  delete env['NODE_V8_COVERAGE'];
  delete env['NODE_OPTIONS'];
  const measured: unknown = JSON.parse(
    execFileSync(
      process.execPath,
      ['--input-type=module', '-e', TIMING_SCRIPT, TOOLKIT, String(limitPages)],
      { input: bytes, env, encoding: 'utf8', maxBuffer: 1024 * 1024 },
    ),
  );
  const { first, fastest } = measured as { first: number; fastest: number };
  return { output: limitMemory(bytes, { limitPages }), first, fastest };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

t.test('a generated module with thousands of functions and grows', async (t) => {
  const functions: string[] = [];
  const FUNCTIONS = 6000;
  for (let f = 0; f < FUNCTIONS; f++) {
    functions.push(`(func $f${f} (export "f${f}") (param $d i32) (result i32) (local $v v128) (local $x i64)
      (local.set $v (v128.const i32x4 0x40 0x4000 ${f} 7))
      (local.set $x (i64.const ${f * 977}))
      (block $out
        (loop $again
          (br_if $out (i64.gt_u (local.get $x) (i64.const ${f * 977 + 3})))
          (local.set $x (i64.add (local.get $x) (i64.const 1)))
          (i32.store offset=64 (i32.const 0) (i32.wrap_i64 (local.get $x)))
          (br $again)))
      (if (result i32) (i32.eqz (local.get $d))
        (then (i32x4.extract_lane 2 (local.get $v)))
        (else (memory.grow (local.get $d)))))`);
  }
  const input = wat(`(module (memory 1) ${functions.join('\n')})`);
  const { output, first, fastest } = timeLimitMemory(input, 100);
  t.comment(
    `generated: ${input.length} bytes (${mib(input.length)}), ${FUNCTIONS} grows: ` +
      `limitMemory ${first.toFixed(1)} ms cold, ${fastest.toFixed(1)} ms warm`,
  );
  t.ok(wasm.validate(output), 'validates');
  const comparison = await compareRewrite(input, output);
  t.equal(comparison.inputGrows, FUNCTIONS);
  t.equal(comparison.helperCalls, FUNCTIONS);
  t.same(comparison.missingLines, []);
  const instance = instantiate(output);
  t.equal(exportedFunction(instance, 'f123')(0), 123, 'a function without growing');
  t.equal(exportedFunction(instance, 'f5999')(50), 1, 'growing within the limit');
  t.throws(() => exportedFunction(instance, 'f0')(50), wasm.RuntimeError, 'and past it');
});

const ENGINE_MODULES = [
  ['@bytecodealliance/componentize-js', 'lib/starlingmonkey_embedding.debug.wasm'],
  ['@bytecodealliance/componentize-js', 'lib/starlingmonkey_embedding_weval.wasm'],
  ['@bytecodealliance/componentize-js', 'lib/starlingmonkey_embedding.wasm'],
  ['@bytecodealliance/componentize-js', 'lib/spidermonkey-embedding-splicer.core.wasm'],
] as const;

for (const [packageName, file] of ENGINE_MODULES) {
  const path = packagedWasm(packageName, file);
  t.test(
    `real engine module ${file}`,
    { skip: path === undefined && 'not installed' },
    async (t) => {
      const input = new Uint8Array(readFileSync(path!));
      const limitPages = 2048;
      const { output, first, fastest } = timeLimitMemory(input, limitPages);
      t.comment(
        `${file}: ${input.length} bytes (${mib(input.length)}): limitMemory ` +
          `${first.toFixed(1)} ms cold, ${fastest.toFixed(1)} ms warm; output +${output.length - input.length} bytes`,
      );
      t.ok(wasm.validate(output), 'validates');
      const info = inspectWasm(output);
      t.equal(info.kind === 'core' && info.memories[0]?.maximumPages, limitPages, 'memory clamped');
      // A full line-by-line comparison prints the module twice (about 3 s per
      // 4 MB); done for the smallest engine module, and for all with SKIFF_SLOW_TESTS=1.
      if (file.includes('splicer') || process.env['SKIFF_SLOW_TESTS'] === '1') {
        const comparison = await compareRewrite(input, output);
        t.ok(comparison.inputGrows > 0, `${comparison.inputGrows} memory.grow in the module`);
        t.equal(comparison.helperCalls, comparison.inputGrows, 'all of them rewritten');
        t.same(comparison.missingLines, [], 'nothing else changed');
      }
    },
  );
}
