#!/usr/bin/env node
// Generates controlplane/api/generated/ from the JSON Schemas in
// controlplane/api/schemas/: one TypeScript file of types per schema file
// (json-schema-to-typescript), `schemas.ts` (the schemas as data, so the
// validator needs no file access at run time) and `index.ts`.
//
//   node scripts/generate-api-types.mjs           write the files (`npm run generate`)
//   node scripts/generate-api-types.mjs --check   exit 1 when a file is stale (`npm run lint` and
//                                                 `npm run check` run this, so CI catches stale files)
//
// Each definition is compiled on its own, with every `$ref` replaced by the
// referenced type's name (`tsType`) and an import, so that a type is declared
// exactly once, in the file of the schema that defines it. ObjectMeta,
// OwnerReference and LabelSelector are the hand-written contract types of
// controlplane/api/types.ts; the schemas still validate them. A schema file
// whose root has a `title` and `type: object` is a kind: its type extends
// KubeObject, so it can be used wherever the API takes any object.

import { mkdir, readFile, readdir, unlink, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { compile } from 'json-schema-to-typescript';
import prettier from 'prettier';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMA_DIR = path.join(ROOT, 'controlplane/api/schemas');
const OUT_DIR = path.join(ROOT, 'controlplane/api/generated');
const SCRIPT = 'scripts/generate-api-types.mjs';

/** Schema definitions whose TypeScript type is hand-written in controlplane/api/types.ts. */
const CONTRACT_TYPES = new Set(['ObjectMeta', 'OwnerReference', 'LabelSelector']);

const COMPILE_OPTIONS = {
  bannerComment: '',
  format: false,
  unknownAny: true,
  additionalProperties: true,
  declareExternallyReferenced: false,
  unreachableDefinitions: false,
  strictIndexSignatures: false,
  ignoreMinAndMaxItems: true,
  enableConstEnums: false,
};

async function loadSchemas() {
  const files = (await readdir(SCHEMA_DIR)).filter((f) => f.endsWith('.schema.json')).sort();
  const schemas = [];
  for (const file of files) {
    const schema = JSON.parse(await readFile(path.join(SCHEMA_DIR, file), 'utf8'));
    if (schema.$id !== file) throw new Error(`${file}: $id must be "${file}"`);
    schemas.push({ file, stem: file.replace(/\.schema\.json$/, ''), schema });
  }
  return schemas;
}

/** A schema file's root is a kind when it describes an object with a title. */
function kindOf(schema) {
  return schema.type === 'object' && typeof schema.title === 'string' ? schema.title : undefined;
}

/** Type name → the stem of the file that declares it ('' for the contract types). */
function indexNames(schemas) {
  const owner = new Map();
  const claim = (name, stem) => {
    if (owner.has(name))
      throw new Error(`type ${name} is defined twice (${owner.get(name)}, ${stem})`);
    owner.set(name, CONTRACT_TYPES.has(name) ? '' : stem);
  };
  for (const { stem, schema } of schemas) {
    const kind = kindOf(schema);
    if (kind) claim(kind, stem);
    for (const name of Object.keys(schema.definitions ?? {})) claim(name, stem);
  }
  return owner;
}

/** The definition name a `$ref` points to, checking that it exists. */
function refTarget(ref, file, schemasByFile) {
  const match = /^([a-z0-9-]+\.schema\.json)?#\/definitions\/([A-Za-z0-9]+)$/.exec(ref);
  if (!match) throw new Error(`${file}: unsupported $ref ${ref}`);
  const targetFile = match[1] ?? file;
  const name = match[2];
  if (!schemasByFile.get(targetFile)?.definitions?.[name])
    throw new Error(`${file}: dangling $ref ${ref}`);
  return name;
}

/** A copy of `node` with each `$ref` replaced by `tsType`, noting the names used. */
function withTypeNames(node, file, schemasByFile, used) {
  if (Array.isArray(node))
    return node.map((item) => withTypeNames(item, file, schemasByFile, used));
  if (node === null || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string') {
    const name = refTarget(node.$ref, file, schemasByFile);
    used.add(name);
    // A description beside the reference is the field's own: keep it for the doc comment.
    return typeof node.description === 'string'
      ? { tsType: name, description: node.description }
      : { tsType: name };
  }
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || key === '$id' || key === 'definitions' || key === 'format') continue;
    out[key] =
      key === 'properties'
        ? mapValues(value, file, schemasByFile, used)
        : withTypeNames(value, file, schemasByFile, used);
  }
  return out;
}

function mapValues(properties, file, schemasByFile, used) {
  return Object.fromEntries(
    Object.entries(properties).map(([name, value]) => [
      name,
      withTypeNames(value, file, schemasByFile, used),
    ]),
  );
}

async function compileOne(name, schema, file, schemasByFile, used) {
  const prepared = { ...withTypeNames(schema, file, schemasByFile, used), title: name };
  return (await compile(prepared, name, COMPILE_OPTIONS)).trim();
}

function importLines(used, stem, owner, isKindFile) {
  const byModule = new Map();
  const add = (module, name) => byModule.set(module, [...(byModule.get(module) ?? []), name]);
  for (const name of [...used].sort()) {
    const from = owner.get(name);
    if (from === stem) continue;
    add(from === '' ? '../types.js' : `./${from}.js`, name);
  }
  if (isKindFile) add('../types.js', 'KubeObject');
  return [...byModule.keys()]
    .sort()
    .map(
      (module) =>
        `import type { ${[...new Set(byModule.get(module))].sort().join(', ')} } from '${module}';`,
    );
}

async function format(text, target) {
  const options = (await prettier.resolveConfig(target)) ?? {};
  return prettier.format(text, { ...options, filepath: target });
}

function header(what) {
  return `// Generated by ${SCRIPT} from ${what}.\n// Do not edit: change the schema and run \`npm run generate\`.\n`;
}

async function typesFile({ file, stem, schema }, owner, schemasByFile) {
  const used = new Set();
  const blocks = [];
  const kind = kindOf(schema);
  if (kind) {
    const code = await compileOne(kind, schema, file, schemasByFile, used);
    const declaration = `export interface ${kind} {`;
    if (!code.includes(declaration))
      throw new Error(`${file}: no interface ${kind} in the compiled output`);
    blocks.push(code.replace(declaration, `export interface ${kind} extends KubeObject {`));
  }
  for (const [name, definition] of Object.entries(schema.definitions ?? {})) {
    if (CONTRACT_TYPES.has(name)) continue;
    blocks.push(await compileOne(name, definition, file, schemasByFile, used));
  }
  const imports = importLines(used, stem, owner, Boolean(kind));
  const text = [header(`controlplane/api/schemas/${file}`), ...imports, '', ...blocks].join('\n');
  return format(text, path.join(OUT_DIR, `${stem}.ts`));
}

async function schemasFile(schemas) {
  const kinds = schemas
    .filter((s) => kindOf(s.schema))
    .map((s) => `  ${kindOf(s.schema)}: '${s.file}',`);
  const text = `${header('controlplane/api/schemas/*.schema.json')}
/** A JSON Schema document (draft-07) with its \`$id\`. */
export interface ApiSchema {
  readonly $id: string;
  readonly [keyword: string]: unknown;
}

/** Every schema of controlplane/api/schemas, for ajv; refs between them use the file names as ids. */
export const API_SCHEMAS: readonly ApiSchema[] = ${JSON.stringify(schemas.map((s) => s.schema))};

/** The \`$id\` of each kind's schema. */
export const KIND_SCHEMA_IDS: Readonly<Record<string, string>> = {
${kinds.join('\n')}
};
`;
  return format(text, path.join(OUT_DIR, 'schemas.ts'));
}

async function indexFile(schemas) {
  const kindFiles = schemas.filter((s) => kindOf(s.schema));
  const kinds = kindFiles.map((s) => kindOf(s.schema));
  const text = `${header('controlplane/api/schemas/*.schema.json')}
${kindFiles.map((s) => `import type { ${kindOf(s.schema)} } from './${s.stem}.js';`).join('\n')}

${schemas.map((s) => `export type * from './${s.stem}.js';`).join('\n')}

/** Each served kind's type, by kind name. */
export interface KubeKinds {
${kinds.map((k) => `  ${k}: ${k};`).join('\n')}
}

/** Any object of a served kind. */
export type AnyKubeKind = KubeKinds[keyof KubeKinds];
`;
  return format(text, path.join(OUT_DIR, 'index.ts'));
}

async function generate() {
  const schemas = await loadSchemas();
  const owner = indexNames(schemas);
  const schemasByFile = new Map(schemas.map((s) => [s.file, s.schema]));
  const outputs = new Map();
  for (const entry of schemas)
    outputs.set(`${entry.stem}.ts`, await typesFile(entry, owner, schemasByFile));
  outputs.set('schemas.ts', await schemasFile(schemas));
  outputs.set('index.ts', await indexFile(schemas));
  return outputs;
}

async function existing() {
  try {
    return (await readdir(OUT_DIR)).filter((f) => f.endsWith('.ts'));
  } catch {
    return [];
  }
}

async function main() {
  const check = process.argv.includes('--check');
  const outputs = await generate();
  const stale = [];
  if (!check) await mkdir(OUT_DIR, { recursive: true });
  for (const [name, text] of outputs) {
    const target = path.join(OUT_DIR, name);
    const current = await readFile(target, 'utf8').catch(() => undefined);
    if (current === text) continue;
    stale.push(name);
    if (!check) await writeFile(target, text);
  }
  for (const name of await existing()) {
    if (outputs.has(name)) continue;
    stale.push(name);
    if (!check) await unlink(path.join(OUT_DIR, name));
  }
  if (check && stale.length > 0) {
    console.error(
      `controlplane/api/generated is stale (${stale.join(', ')}): run \`npm run generate\` (node ${SCRIPT})`,
    );
    process.exitCode = 1;
  } else if (!check) {
    console.log(stale.length > 0 ? `updated ${stale.join(', ')}` : 'up to date');
  }
}

await main();
