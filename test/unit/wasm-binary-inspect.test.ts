import { readFileSync } from 'node:fs';
import t from 'tap';
import type { Test } from 'tap';
import { inspectWasm, WasmFormatError } from '../../runtime/wasm/binary/index.js';
import type {
  ComponentInfo,
  CoreModuleInfo,
  WasmBinaryInfo,
} from '../../runtime/wasm/binary/index.js';
import { wat, watTools } from '../fixtures/binary/wasm-test-kit.js';

const KUBIA = new URL('../../../test/fixtures/binary/kubia-proto.wasm', import.meta.url);

function core(info: WasmBinaryInfo): CoreModuleInfo {
  if (info.kind !== 'core') throw new Error(`expected a core module, got ${info.kind}`);
  return info;
}

function component(info: WasmBinaryInfo): ComponentInfo {
  if (info.kind !== 'component') throw new Error(`expected a component, got ${info.kind}`);
  return info;
}

function formatError(t: Test, bytes: Uint8Array, pattern: RegExp, message: string): void {
  t.throws(() => inspectWasm(bytes), { name: 'WasmFormatError', message: pattern }, message);
}

t.test('rejects what is not a WebAssembly binary, saying why', async (t) => {
  formatError(t, new Uint8Array(0), /not a WebAssembly binary \(empty input\)/, 'empty');
  formatError(
    t,
    new TextEncoder().encode('hello world, not wasm'),
    /not a WebAssembly binary \(bad magic\).*68 65 6c 6c/,
    'garbage',
  );
  formatError(
    t,
    new TextEncoder().encode('(module (func))'),
    /bad magic.*WebAssembly text/,
    'text format',
  );
  formatError(t, Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0), /bad magic.*gzip/, 'gzip');
  formatError(t, Uint8Array.of(0, 0x61, 0x73), /truncated: .* at byte 3/, 'cut inside the magic');
  formatError(t, Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0), /truncated: .* at byte 6/, 'cut header');
  formatError(
    t,
    Uint8Array.of(0, 0x61, 0x73, 0x6d, 2, 0, 0, 0),
    /unsupported WebAssembly version 2/,
    'core version 2',
  );
  formatError(
    t,
    Uint8Array.of(0, 0x61, 0x73, 0x6d, 0x0a, 0, 1, 0),
    /unsupported WebAssembly component version 0x0a/,
    'old component version',
  );
  const error = t.throws(() => inspectWasm(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)));
  t.ok(error instanceof WasmFormatError, 'a WasmFormatError instance');
});

t.test('reports truncation naming the section and the byte', async (t) => {
  const bytes = wat(`(module
    (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
    (memory 1) (func (export "_start")))`);
  // Cut in the middle of the import section's payload (the type section ends at byte 22).
  formatError(
    t,
    bytes.subarray(0, 30),
    /^truncated: the import section \(id 2\) at byte 22 declares \d+ bytes but only 6 remain, at byte 30$/,
    'section longer than the input',
  );
  // A section size that is itself cut off.
  const header = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 10, 0x80);
  formatError(t, header, /truncated: the header of the code section.*at byte 10/, 'cut size');
  // A section whose content overruns its declared size: import "a" with a 5-byte name cut off.
  const lying = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 2, 4, 1, 1, 0x61, 5);
  formatError(
    t,
    lying,
    /^truncated: import section \(id 2\) ends inside an import name at byte 14$/,
    'entry',
  );
  // An implausible count.
  const counted = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 7, 2, 0xff, 0x7f);
  formatError(
    t,
    counted,
    /export section \(id 7\) declares 16383 exports but only 0 bytes/,
    'count',
  );
  // Sections out of order.
  const disorder = Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 3, 1, 0, 1, 1, 0);
  formatError(t, disorder, /type section \(id 1\) at byte 11 is repeated or out of order/, 'order');
  formatError(
    t,
    Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 0x2a, 0),
    /unknown section id 42 at byte 8/,
    'unknown section',
  );
});

t.test('a minimal module', async (t) => {
  const info = core(inspectWasm(Uint8Array.of(0, 0x61, 0x73, 0x6d, 1, 0, 0, 0)));
  t.same(info, {
    kind: 'core',
    imports: [],
    exports: [],
    memories: [],
    hasStartSection: false,
    exportsStart: false,
    exportsInitialize: false,
    exportsMemory: false,
  });
});

t.test("a core module's imports, exports and memories", async (t) => {
  const bytes = wat(`(module
    (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
    (import "env" "table" (table 1 funcref))
    (import "env" "memory" (memory 2 10))
    (import "env" "g" (global (mut i32)))
    (import "env" "tag" (tag (param i32)))
    (memory 3)
    (memory 1 5 shared)
    (func $start)
    (func (export "_start"))
    (func (export "_initialize"))
    (global (export "counter") i32 (i32.const 0))
    (start $start)
    (export "memory" (memory 1))
    (export "imported-memory" (memory 0)))`);
  const info = core(inspectWasm(bytes));
  t.same(info.imports, [
    { module: 'wasi_snapshot_preview1', name: 'fd_write', kind: 'func' },
    { module: 'env', name: 'table', kind: 'table' },
    {
      module: 'env',
      name: 'memory',
      kind: 'memory',
      memory: {
        initialPages: 2,
        maximumPages: 10,
        shared: false,
        memory64: false,
        pageBytes: 65536,
      },
    },
    { module: 'env', name: 'g', kind: 'global' },
    { module: 'env', name: 'tag', kind: 'tag' },
  ]);
  t.same(info.exports, [
    { name: '_start', kind: 'func', index: 2 },
    { name: '_initialize', kind: 'func', index: 3 },
    { name: 'counter', kind: 'global', index: 1 },
    { name: 'memory', kind: 'memory', index: 1 },
    { name: 'imported-memory', kind: 'memory', index: 0 },
  ]);
  t.same(info.memories, [
    {
      index: 0,
      imported: true,
      initialPages: 2,
      maximumPages: 10,
      shared: false,
      memory64: false,
      pageBytes: 65536,
    },
    {
      index: 1,
      imported: false,
      initialPages: 3,
      maximumPages: undefined,
      shared: false,
      memory64: false,
      pageBytes: 65536,
    },
    {
      index: 2,
      imported: false,
      initialPages: 1,
      maximumPages: 5,
      shared: true,
      memory64: false,
      pageBytes: 65536,
    },
  ]);
  t.equal(info.hasStartSection, true);
  t.equal(info.exportsStart, true);
  t.equal(info.exportsInitialize, true);
  t.equal(info.exportsMemory, true);
  t.equal(JSON.parse(JSON.stringify(info)).memories[1].maximumPages, undefined, 'JSON-safe');
});

t.test('a memory64 memory and reference-typed imports', async (t) => {
  const bytes = await watTools(`(module
    (type $f (func))
    (import "env" "t" (table 1 (ref null $f)))
    (import "env" "g" (global (ref null $f)))
    (memory i64 1 100000)
    (export "memory" (memory 0)))`);
  const info = core(inspectWasm(bytes));
  t.same(
    info.imports.map((entry) => entry.kind),
    ['table', 'global'],
  );
  t.same(info.memories, [
    {
      index: 0,
      imported: false,
      initialPages: 1,
      maximumPages: 100000,
      shared: false,
      memory64: true,
      pageBytes: 65536,
    },
  ]);
  t.equal(info.exportsStart, false);
  t.equal(info.exportsMemory, true);
});

t.test('exports named like WASI entry points but of another kind do not count', async (t) => {
  const info = core(
    inspectWasm(
      wat(`(module (global (export "_start") i32 (i32.const 0)) (func (export "memory")))`),
    ),
  );
  t.equal(info.exportsStart, false);
  t.equal(info.exportsMemory, false);
});

t.test('a real wasi:http component (kubia)', async (t) => {
  const info = component(inspectWasm(readFileSync(KUBIA)));
  const imports = info.imports.map((entry) => `${entry.name} ${entry.sort}`);
  const exports = info.exports.map((entry) => `${entry.name} ${entry.sort}`);
  t.ok(imports.length > 0, 'has imports');
  t.ok(
    imports.every((entry) => entry.endsWith(' instance') || entry.endsWith(' type')),
    `only instance/type imports: ${imports.join(', ')}`,
  );
  t.ok(
    imports.some((entry) => /^wasi:http\/types@0\.2\.\d+ instance$/.test(entry)),
    'imports wasi:http/types',
  );
  t.ok(
    exports.some((entry) => /^wasi:http\/incoming-handler@0\.2\.\d+ instance$/.test(entry)),
    `exports wasi:http/incoming-handler: ${exports.join(', ')}`,
  );
});

t.test('component import and export sorts', async (t) => {
  const bytes = await watTools(`(component
    (import "wasi:http/types@0.2.12" (instance))
    (import "log" (func))
    (import "cfg" (type (sub resource)))
    (import "inner" (component))
    (import "m" (core module))
    (import "v" (value string))
    (core module $m)
    (component $c)
    (func $f (import "f2"))
    (instance $i)
    (export "wasi:http/incoming-handler@0.2.12" (instance $i))
    (export "mod" (core module $m))
    (export "comp" (component $c))
    (export "run" (func $f))
    (export "run2" (func $f) (func))
    (export "v2" (value 0)))`);
  const info = component(inspectWasm(bytes));
  t.same(info.imports, [
    { name: 'wasi:http/types@0.2.12', sort: 'instance' },
    { name: 'log', sort: 'func' },
    { name: 'cfg', sort: 'type' },
    { name: 'inner', sort: 'component' },
    { name: 'm', sort: 'core-module' },
    { name: 'v', sort: 'value' },
    { name: 'f2', sort: 'func' },
  ]);
  t.same(info.exports, [
    { name: 'wasi:http/incoming-handler@0.2.12', sort: 'instance' },
    { name: 'mod', sort: 'core-module' },
    { name: 'comp', sort: 'component' },
    { name: 'run', sort: 'func' },
    { name: 'run2', sort: 'func' },
    { name: 'v2', sort: 'value' },
  ]);
});

t.test('a truncated component names the section', async (t) => {
  const bytes = readFileSync(KUBIA);
  formatError(
    t,
    bytes.subarray(0, 1000),
    /^truncated: the component [a-z ]+ section \(id \d+\) at byte \d+ declares \d+ bytes but only \d+ remain, at byte 1000$/,
    'cut component',
  );
});
