// The generated API types and schema table: current with the JSON Schemas
// (the same check `npm run lint` makes), and covering every served kind.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { API_SCHEMAS, KIND_SCHEMA_IDS } from '../../controlplane/api/generated/schemas.js';
import { apiVersionOf, RESOURCE_TYPES } from '../../controlplane/api/resources.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));

t.test('controlplane/api/generated is current with the schemas', async (t) => {
  const result = await run(process.execPath, ['scripts/generate-api-types.mjs', '--check'], {
    cwd: root,
  });
  t.equal(result.stderr, '');
});

t.test('every served kind has a schema naming its apiVersion and kind', async (t) => {
  for (const type of RESOURCE_TYPES) {
    const id = KIND_SCHEMA_IDS[type.kind];
    const schema = API_SCHEMAS.find((s) => s.$id === id);
    t.ok(schema, `${type.kind} has a schema`);
    const properties = schema?.['properties'] as Record<string, { const?: string }> | undefined;
    t.equal(properties?.['apiVersion']?.const, apiVersionOf(type), `${type.kind} apiVersion`);
    t.equal(properties?.['kind']?.const, type.kind, `${type.kind} kind`);
  }
});
