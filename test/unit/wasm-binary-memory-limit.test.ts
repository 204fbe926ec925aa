import t from 'tap';
import {
  inspectWasm,
  limitMemory,
  MemoryLimitExceededError,
  OOM_GLOBAL_EXPORT,
  WASM_PAGE_BYTES,
  WasmFormatError,
} from '../../runtime/wasm/binary/index.js';
import type { CoreModuleInfo } from '../../runtime/wasm/binary/index.js';
import {
  countOccurrences,
  exportedFunction,
  exportedGlobalValue,
  exportedMemory,
  instantiate,
  printWasm,
  validateWithProposals,
  wasm,
  wat,
  watTools,
} from '../fixtures/binary/wasm-test-kit.js';
import type { WasmInstance } from '../fixtures/binary/wasm-test-kit.js';

/** A module whose exported `grow` runs `memory.grow` on its memory. */
function growModule(memory: string): Uint8Array {
  return wat(`(module
    ${memory}
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) (memory.size)))`);
}

function coreInfo(bytes: Uint8Array): CoreModuleInfo {
  const info = inspectWasm(bytes);
  if (info.kind !== 'core') throw new Error('expected a core module');
  return info;
}

function oomFlag(instance: WasmInstance): unknown {
  return exportedGlobalValue(instance, OOM_GLOBAL_EXPORT);
}

t.test('grows within the limit, traps and flags OOM past it', async (t) => {
  const limited = limitMemory(growModule('(memory (export "memory") 1)'), { limitPages: 4 });
  t.ok(wasm.validate(limited), 'validates');
  const instance = instantiate(limited);
  const grow = exportedFunction(instance, 'grow');
  const memory = exportedMemory(instance);
  t.equal(grow(1), 1, 'first grow returns the old size');
  t.equal(grow(2), 2, 'second grow returns the old size');
  t.equal(memory.buffer.byteLength, 4 * WASM_PAGE_BYTES, 'memory is at the limit');
  t.equal(grow(0), 4, 'a zero grow at the limit is fine');
  t.equal(oomFlag(instance), 0, 'no OOM yet');
  t.throws(() => grow(1), wasm.RuntimeError, 'growing past the limit traps');
  t.equal(oomFlag(instance), 1, 'the OOM flag is set');
  t.equal(memory.buffer.byteLength, 4 * WASM_PAGE_BYTES, 'memory did not grow');
});

t.test("the module's own smaller maximum still yields -1, without a trap", async (t) => {
  const limited = limitMemory(growModule('(memory (export "memory") 1 3)'), { limitPages: 8 });
  t.equal(coreInfo(limited).memories[0]?.maximumPages, 3, 'own maximum kept');
  const instance = instantiate(limited);
  const grow = exportedFunction(instance, 'grow');
  t.equal(grow(2), 1);
  t.equal(grow(1), -1, 'past the own maximum, below the limit');
  t.equal(grow(100), -1, 'past both: the own maximum fails it first');
  t.equal(grow(-1), -1, 'delta 0xFFFFFFFF');
  t.equal(oomFlag(instance), 0, 'never flagged');
});

t.test('an own maximum equal to the limit behaves like the limit itself', async (t) => {
  const instance = instantiate(
    limitMemory(growModule('(memory (export "memory") 1 4)'), { limitPages: 4 }),
  );
  const grow = exportedFunction(instance, 'grow');
  t.equal(grow(3), 1);
  t.equal(grow(1), -1, 'the memory cannot exceed the limit, so the guest sees -1');
  t.equal(oomFlag(instance), 0);
});

t.test('overflow-prone deltas trap instead of wrapping around', async (t) => {
  for (const delta of [-1, 0x7fffffff, -0x80000000, 65536, 65535]) {
    const instance = instantiate(limitMemory(growModule('(memory 1)'), { limitPages: 2 }));
    t.throws(
      () => exportedFunction(instance, 'grow')(delta),
      wasm.RuntimeError,
      `delta ${delta >>> 0}`,
    );
    t.equal(oomFlag(instance), 1, `flagged for delta ${delta >>> 0}`);
    t.equal(exportedFunction(instance, 'size')(), 1, 'size unchanged');
  }
});

t.test('a limit of 4 GiB or more leaves 32-bit grows to the engine', async (t) => {
  const limited = limitMemory(growModule('(memory 1)'), { limitPages: 70000 });
  t.equal(coreInfo(limited).memories[0]?.maximumPages, 65536, 'clamped to what memory32 allows');
  const instance = instantiate(limited);
  t.equal(exportedFunction(instance, 'grow')(-1), -1, 'an impossible grow fails normally');
  t.equal(oomFlag(instance), 0);
});

t.test('maxima are clamped to the limit; a memory without one gets one', async (t) => {
  const cases = [
    { memory: '(memory (export "memory") 2)', expected: 6 },
    { memory: '(memory (export "memory") 2 100)', expected: 6 },
    { memory: '(memory (export "memory") 2 5)', expected: 5 },
    { memory: '(memory (export "memory") 2 6)', expected: 6 },
    { memory: '(memory (export "memory") 2 65536)', expected: 6 },
  ];
  for (const { memory, expected } of cases) {
    const limited = limitMemory(growModule(memory), { limitPages: 6 });
    t.equal(coreInfo(limited).memories[0]?.maximumPages, expected, `${memory} → max ${expected}`);
    const jsMemory = exportedMemory(instantiate(limited));
    t.equal(jsMemory.grow(expected - 2), 2, 'the host may grow up to the maximum');
    t.equal(jsMemory.buffer.byteLength, expected * WASM_PAGE_BYTES);
    t.throws(() => jsMemory.grow(1), RangeError, 'not beyond it');
  }
});

t.test('a shared memory (threads) is clamped too', async (t) => {
  const bytes = wat(`(module (memory 1 1000 shared)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`);
  const limited = limitMemory(bytes, { limitPages: 10 });
  t.ok(wasm.validate(limited));
  t.same(coreInfo(limited).memories[0], {
    index: 0,
    imported: false,
    initialPages: 1,
    maximumPages: 10,
    shared: true,
    memory64: false,
    pageBytes: 65536,
  });
  const instance = instantiate(limited);
  t.equal(exportedFunction(instance, 'grow')(9), 1);
  t.throws(() => exportedFunction(instance, 'grow')(1), wasm.RuntimeError);
  t.equal(oomFlag(instance), 1);
});

t.test('an initial size above the limit is refused', async (t) => {
  const error = t.throws(() => limitMemory(growModule('(memory 17)'), { limitPages: 16 }));
  t.ok(error instanceof MemoryLimitExceededError, 'a MemoryLimitExceededError');
  if (error instanceof MemoryLimitExceededError) {
    t.equal(error.initialBytes, 17 * WASM_PAGE_BYTES);
    t.equal(error.limitBytes, 16 * WASM_PAGE_BYTES);
    t.equal(error.memoryIndex, 0);
    t.match(error.message, /memory 0 starts at 1114112 bytes, above the memory limit of 1 MiB/);
  }
  t.doesNotThrow(() => limitMemory(growModule('(memory 16)'), { limitPages: 16 }), 'equal is fine');
  t.doesNotThrow(() => limitMemory(growModule('(memory 0)'), { limitPages: 0 }), 'zero is fine');
});

t.test('a module without memory comes back unchanged', async (t) => {
  const bytes = wat('(module (func (export "f") (result i32) (i32.const 7)))');
  t.equal(limitMemory(bytes, { limitPages: 1 }), bytes, 'the very same array');
});

t.test('an imported memory keeps its declaration but is still limited', async (t) => {
  const bytes = wat(`(module (import "env" "memory" (memory 1))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`);
  const limited = limitMemory(bytes, { limitPages: 3 });
  t.same(coreInfo(limited).imports, coreInfo(bytes).imports, 'import declaration untouched');
  const memory = new wasm.Memory({ initial: 1 });
  const instance = instantiate(limited, { env: { memory } });
  const grow = exportedFunction(instance, 'grow');
  t.equal(grow(2), 1);
  t.equal(memory.buffer.byteLength, 3 * WASM_PAGE_BYTES);
  t.throws(() => grow(1), wasm.RuntimeError);
  t.equal(oomFlag(instance), 1);

  const bounded = wat(`(module (import "env" "memory" (memory 1 2))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`);
  const boundedInstance = instantiate(limitMemory(bounded, { limitPages: 3 }), {
    env: { memory: new wasm.Memory({ initial: 1, maximum: 2 }) },
  });
  t.equal(exportedFunction(boundedInstance, 'grow')(5), -1, 'own import maximum below the limit');
  t.equal(oomFlag(boundedInstance), 0);
});

t.test('function indices, tables, the start function and exports keep working', async (t) => {
  const bytes = wat(`(module
    (import "env" "log" (func $log (param i32)))
    (import "env" "base" (global $base i32))
    (type $i2i (func (param i32) (result i32)))
    (memory (export "memory") 1)
    (global $started (mut i32) (i32.const 0))
    (table 3 funcref)
    (elem (i32.const 0) $double $grow $triple)
    (func $double (type $i2i) (i32.mul (local.get 0) (i32.const 2)))
    (func $grow (type $i2i) (memory.grow (local.get 0)))
    (func $triple (type $i2i) (i32.mul (local.get 0) (i32.const 3)))
    (func $start (global.set $started (i32.add (global.get $base) (call $double (i32.const 21)))))
    (start $start)
    (func (export "started") (result i32) (global.get $started))
    (func (export "dispatch") (param i32 i32) (result i32)
      (call $log (local.get 0))
      (call_indirect (type $i2i) (local.get 1) (local.get 0)))
    (data (i32.const 16) "skiff"))`);
  const logged: number[] = [];
  const imports = {
    env: { log: (value: number) => logged.push(value), base: 100 },
  };
  const limited = limitMemory(bytes, { limitPages: 2 });
  t.ok(wasm.validate(limited), 'validates');
  const instance = instantiate(limited, imports);
  t.equal(exportedFunction(instance, 'started')(), 142, 'start function ran with its callee');
  const dispatch = exportedFunction(instance, 'dispatch');
  t.equal(dispatch(0, 5), 10, 'table slot 0');
  t.equal(dispatch(2, 5), 15, 'table slot 2');
  t.equal(dispatch(1, 1), 1, 'grow through call_indirect');
  t.throws(() => dispatch(1, 1), wasm.RuntimeError, 'past the limit through call_indirect');
  t.equal(oomFlag(instance), 1);
  t.same(logged, [0, 2, 1, 1]);
  const data = new Uint8Array(exportedMemory(instance).buffer, 16, 5);
  t.equal(new TextDecoder().decode(data), 'skiff', 'data segment intact');
  t.same(
    coreInfo(limited).exports.map((entry) => `${entry.name}:${entry.kind}:${entry.index}`),
    ['memory:memory:0', 'started:func:5', 'dispatch:func:6', 'skiff:oom:global:2'],
    'existing exports unchanged, the OOM global appended after the imported one',
  );
});

t.test('an existing (i32) -> (i32) type is reused, otherwise one is appended', async (t) => {
  const types = async (bytes: Uint8Array): Promise<number> =>
    countOccurrences(await printWasm(bytes), /\(type \(;\d+;\) \(func/);
  const withType = growModule('(memory 1)');
  t.equal(await types(limitMemory(withType, { limitPages: 2 })), await types(withType), 'reused');
  const without = wat(
    '(module (memory 1) (func (export "f") (result i32) (memory.grow (i32.const 1))))',
  );
  t.equal(
    await types(limitMemory(without, { limitPages: 2 })),
    (await types(without)) + 1,
    'added',
  );
});

t.test('sections the module lacks are created in the right order', async (t) => {
  const bytes = wat('(module (memory 1))');
  const limited = limitMemory(bytes, { limitPages: 2 });
  t.ok(wasm.validate(limited), 'validates');
  t.equal(oomFlag(instantiate(limited)), 0, 'the OOM global is exported');
  const dataOnly = wat('(module (memory 1) (data (i32.const 0) "x"))');
  t.ok(wasm.validate(limitMemory(dataOnly, { limitPages: 2 })), 'inserted before the data section');
});

t.test('the appended function gets a name; other custom sections stay byte for byte', async (t) => {
  const module = wat(
    `(module (memory 1) (func $a)
      (func $grow_it (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`,
    { names: true },
  );
  const custom = Uint8Array.of(0, 9, 4, 0x6e, 0x6f, 0x74, 0x65, 1, 2, 3, 4); // "note" 01 02 03 04
  const named = new Uint8Array(module.length + custom.length);
  named.set(module);
  named.set(custom, module.length);
  const limited = limitMemory(named, { limitPages: 2 });
  const text = await printWasm(limited);
  t.match(text, /\(func \$grow_it/, 'existing name kept');
  t.match(text, /\(func \$a/, 'existing name kept');
  t.match(text, /\(func \$"?skiff:limited-memory-grow/, 'appended function named');
  t.match(text, /call \$"?skiff:limited-memory-grow/, 'the call site shows the name');
  t.same(limited.subarray(limited.length - custom.length), custom, 'custom section untouched');

  const unnamed = await printWasm(limitMemory(growModule('(memory 1)'), { limitPages: 2 }));
  t.notMatch(unnamed, /limited-memory-grow/, 'no name section is created');
});

t.test('refuses what it cannot limit', async (t) => {
  t.throws(
    () => limitMemory(limitMemory(growModule('(memory 1)'), { limitPages: 2 }), { limitPages: 2 }),
    { name: 'WasmFormatError', message: /already exports "skiff:oom"/ },
    'a module limited twice',
  );
  const component = await watTools('(component)');
  t.throws(() => limitMemory(component, { limitPages: 2 }), {
    name: 'WasmFormatError',
    message: /this is a component/,
  });
  for (const limitPages of [-1, 1.5, Number.NaN]) {
    t.throws(() => limitMemory(growModule('(memory 1)'), { limitPages }), RangeError);
  }
  t.throws(
    () => limitMemory(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), { limitPages: 1 }),
    WasmFormatError,
  );
});

t.test('multi-memory: grows of memory 1 are refused, memory 1 is clamped', async (t) => {
  const growsSecond = await watTools(`(module (memory 1) (memory $m2 1)
    (func (result i32) (memory.grow (i32.const 0)))
    (func (result i32) (memory.grow $m2 (i32.const 1))))`);
  t.throws(() => limitMemory(growsSecond, { limitPages: 4 }), {
    name: 'WasmFormatError',
    message: /memory\.grow on memory 1 \(multi-memory\) at byte \d+ in function 1 is not supported/,
  });
  const growsFirst = await watTools(`(module (memory 1) (memory $m2 1 9)
    (func (result i32) (memory.grow (i32.const 0))))`);
  const limited = limitMemory(growsFirst, { limitPages: 4 });
  t.same(
    coreInfo(limited).memories.map((memory) => memory.maximumPages),
    [4, 4],
  );
  t.equal(countOccurrences(await printWasm(limited), /memory\.grow/), 1, 'only the helper grows');
});

t.test('memory64: grows are refused, maxima are clamped', async (t) => {
  const grows = await watTools(
    '(module (memory i64 1) (func (result i64) (memory.grow (i64.const 1))))',
  );
  t.throws(() => limitMemory(grows, { limitPages: 4 }), {
    name: 'WasmFormatError',
    message: /memory\.grow on a 64-bit memory \(memory64\) at byte \d+ in function 0/,
  });
  const still = await watTools('(module (memory i64 1 100000) (func (result i64) (memory.size)))');
  const limited = limitMemory(still, { limitPages: 70000 });
  t.equal(coreInfo(limited).memories[0]?.maximumPages, 70000, 'memory64 allows more than 4 GiB');
  t.equal(validateWithProposals(limited), undefined, 'validates with memory64 enabled');
  t.notOk(
    coreInfo(limited).exports.some((entry) => entry.name === OOM_GLOBAL_EXPORT),
    'no grow function for a 64-bit memory',
  );
});

t.test('a custom page size is refused', async (t) => {
  // (memory 1 (pagesize 1)): flags 0x08, initial 1, log2 page size 0.
  const bytes = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 4, 1, 0x08, 1, 0);
  t.equal(coreInfo(bytes).memories[0]?.pageBytes, 1);
  t.throws(() => limitMemory(bytes, { limitPages: 4 }), {
    name: 'WasmFormatError',
    message: /1-byte pages/,
  });
});
