#!/usr/bin/env node
// Wraps a WASI preview 1 core module into a WASI 0.2 component:
//   node samples/tools/componentize.mjs --adapter command|reactor \
//     [--wit DIR --world NAME] [--wasi-version 0.2.12] CORE.wasm OUT.wasm
//
// The preview1 adapter (from jco) turns the module's wasi_snapshot_preview1
// imports into WASI 0.2 imports: "command" also exports wasi:cli/run (calling
// _start), "reactor" exports nothing of its own. --wit/--world first embed the
// world the module implements (its own exports and imports beyond preview 1);
// a plain command needs none. WASI WIT packages the WIT directory does not
// bring in deps/ come from jco's copy for --wasi-version, staged in a temp
// directory so no copy of them lives in the repository.
//
// Output depends only on the inputs and the tool versions (no paths or times),
// which samples/build.sh --check relies on.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const usage =
  'usage: componentize.mjs --adapter command|reactor [--wit DIR --world NAME] ' +
  '[--wasi-version 0.2.12] CORE.wasm OUT.wasm';

function fail(message) {
  process.stderr.write(`componentize: ${message}\n`);
  process.exit(1);
}

function parseCommandLine() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        adapter: { type: 'string' },
        wit: { type: 'string' },
        world: { type: 'string' },
        'wasi-version': { type: 'string', default: '0.2.12' },
      },
    });
  } catch (error) {
    fail(`${error.message}\n${usage}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 2) fail(usage);
  if (values.adapter !== 'command' && values.adapter !== 'reactor') {
    fail(`--adapter must be "command" or "reactor"\n${usage}`);
  }
  if (Boolean(values.wit) !== Boolean(values.world))
    fail(`--wit and --world go together\n${usage}`);
  return {
    adapter: values.adapter,
    witDir: values.wit && resolve(values.wit),
    world: values.world,
    wasiVersion: values['wasi-version'],
    input: resolve(positionals[0]),
    output: resolve(positionals[1]),
  };
}

// Imports resolve from this script's location, so the build works from any cwd.
async function jcoFiles(adapter, wasiVersion) {
  let jco;
  try {
    jco = await import('@bytecodealliance/jco');
  } catch {
    fail('@bytecodealliance/jco is not installed: run "npm install" at the repository root');
  }
  const adapterUrl =
    adapter === 'command' ? jco.preview1AdapterCommandPath() : jco.preview1AdapterReactorPath();
  // jco keeps its WASI WIT beside the adapters, in lib/wit/builtin/<version>.
  const wasiWitUrl = new URL(`wit/builtin/${wasiVersion}/`, adapterUrl);
  return { adapter: fileURLToPath(adapterUrl), wasiWit: fileURLToPath(wasiWitUrl) };
}

// Copies the WIT directory, then adds each of jco's WASI packages for the
// version as deps/<name>/ unless the directory brings its own.
function stageWit(witDir, wasiWit, stageDir) {
  cpSync(witDir, stageDir, { recursive: true });
  for (const name of readdirSync(wasiWit).sort()) {
    const target = join(stageDir, 'deps', name);
    if (!existsSync(target)) cpSync(join(wasiWit, name), target, { recursive: true });
  }
}

async function componentize({ adapter, witDir, world, wasiVersion, input, output }) {
  // wasm-tools runs as a component on preview2-shim, which grants no file
  // system unless told: give it the staging directory only.
  const { _setPreopens } = await import('@bytecodealliance/preview2-shim/filesystem');
  const { componentEmbed, componentNew } =
    await import('@bytecodealliance/jco-transpile/wasm-tools');

  const files = await jcoFiles(adapter, wasiVersion);
  let module = readFileSync(input);
  if (witDir) {
    if (!existsSync(files.wasiWit)) {
      fail(`jco has no WIT for WASI ${wasiVersion} (looked in ${files.wasiWit})`);
    }
    const stageDir = mkdtempSync(join(tmpdir(), 'componentize-'));
    try {
      stageWit(witDir, files.wasiWit, stageDir);
      _setPreopens({ [stageDir]: stageDir });
      module = await componentEmbed({ binary: module, witPath: stageDir, world });
    } finally {
      rmSync(stageDir, { recursive: true, force: true });
    }
  }
  const adapterBytes = readFileSync(files.adapter);
  const component = await componentNew(module, [['wasi_snapshot_preview1', adapterBytes]]);
  await writeFile(output, component);
}

componentize(parseCommandLine()).catch((error) => fail(error?.message ?? String(error)));
