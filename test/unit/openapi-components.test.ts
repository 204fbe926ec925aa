// The OpenAPI v3 component schemas: Kubernetes' names and forms, references
// that resolve inside their document, and the patch annotations kubectl apply
// reads agreeing with the table the server's strategic merge patch follows.

import t from 'tap';
import type { Test } from 'tap';
import { conversionOf } from '../../controlplane/api/conversion/index.js';
import { listMapKeys, patchMetaFor, type PatchMeta } from '../../controlplane/api/patch-meta.js';
import { servedGroupVersions, typesAt } from '../../controlplane/server/discovery/documents.js';
import { openApiDocument } from '../../controlplane/server/discovery/openapi.js';

interface Schema {
  readonly $ref?: string;
  readonly allOf?: readonly Schema[];
  readonly type?: unknown;
  readonly items?: Schema;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly additionalProperties?: unknown;
  readonly [extension: string]: unknown;
}

type Components = Readonly<Record<string, Schema>>;

function componentsOf(group: string, version: string): Components {
  const document = openApiDocument(group, version) as { components: { schemas: Components } };
  return document.components.schemas;
}

/** Follows `allOf[0]` and `$ref` as kubectl's PatchMetaFromOpenAPIV3 does. */
function resolve(schema: Schema, components: Components): Schema {
  const inner = schema.allOf?.[0] ?? schema;
  if (inner.$ref === undefined) return inner;
  const found = components[inner.$ref.replace('#/components/schemas/', '')];
  if (!found) throw new Error(`unresolved ${inner.$ref}`);
  return found;
}

function* nodes(value: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(value)) for (const item of value) yield* nodes(item);
  else if (value && typeof value === 'object') {
    yield value as Record<string, unknown>;
    for (const child of Object.values(value)) yield* nodes(child);
  }
}

/** The kind's component. */
function kindSchema(components: Components, kind: string): Schema {
  const found = Object.values(components).find((schema) =>
    (schema['x-kubernetes-group-version-kind'] as { kind: string }[] | undefined)?.some(
      (gvk) => gvk.kind === kind,
    ),
  );
  if (!found) throw new Error(`no component for ${kind}`);
  return found;
}

t.test('every reference resolves inside its own document, in OpenAPI 3.0 form', async (t) => {
  const unresolved: string[] = [];
  const jsonSchemaOnly: string[] = [];
  let references = 0;
  for (const { group, version } of servedGroupVersions()) {
    const components = componentsOf(group, version);
    for (const node of nodes(openApiDocument(group, version))) {
      const ref = node['$ref'];
      if (typeof ref !== 'string') continue;
      references++;
      if (!components[ref.replace('#/components/schemas/', '')]) unresolved.push(ref);
    }
    for (const node of nodes(components)) {
      for (const keyword of ['const', 'definitions', '$schema', 'pattern']) {
        if (keyword in node) jsonSchemaOnly.push(keyword);
      }
      if (Array.isArray(node['type'])) jsonSchemaOnly.push('type: [...]');
      if (node['additionalProperties'] === false)
        jsonSchemaOnly.push('additionalProperties: false');
    }
  }
  t.ok(references > 100, `${references} references`);
  t.same(unresolved, [], 'every reference names a component of its document');
  t.same(jsonSchemaOnly, [], 'no JSON Schema-only keywords');
});

t.test("kinds carry their group-version-kind, and Kubernetes' package names", async (t) => {
  const core = componentsOf('', 'v1');
  t.same(core['io.k8s.api.core.v1.Pod']?.['x-kubernetes-group-version-kind'], [
    { group: '', kind: 'Pod', version: 'v1' },
  ]);
  t.ok(core['io.k8s.api.core.v1.PodSpec'], 'a struct is a component');
  t.ok(core['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'], 'metav1 types are apimachinery');
  t.same(core['io.k8s.apimachinery.pkg.api.resource.Quantity'], {
    oneOf: [{ type: 'string' }, { type: 'number' }],
  });
  t.same(core['io.k8s.apimachinery.pkg.util.intstr.IntOrString'], {
    format: 'int-or-string',
    oneOf: [{ type: 'integer' }, { type: 'string' }],
  });
  t.same(core['io.k8s.apimachinery.pkg.apis.meta.v1.Time'], {
    type: 'string',
    format: 'date-time',
  });
  const port = core['io.k8s.api.core.v1.ContainerPort']?.properties?.['protocol'];
  t.match(port, { type: 'string', enum: ['SCTP', 'TCP', 'UDP'] }, 'named strings are in place');
  t.equal(core['io.k8s.api.core.v1.Protocol'], undefined);

  const apps = componentsOf('apps', 'v1');
  t.same(apps['io.k8s.api.apps.v1.Deployment']?.['x-kubernetes-group-version-kind'], [
    { group: 'apps', kind: 'Deployment', version: 'v1' },
  ]);
  t.ok(apps['io.k8s.api.core.v1.PodSpec'], 'a document has every type its kinds reach');
  t.equal(apps['io.k8s.api.core.v1.Pod'], undefined, 'and no other kind');
  const hpa = componentsOf('autoscaling', 'v2');
  t.ok(hpa['io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler']);

  // Converted versions have their served form's schema, named as Kubernetes names it.
  const hpaV1 = componentsOf('autoscaling', 'v1')[
    'io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler'
  ];
  t.same(hpaV1?.['x-kubernetes-group-version-kind'], [
    { group: 'autoscaling', kind: 'HorizontalPodAutoscaler', version: 'v1' },
  ]);
  t.ok(hpaV1?.properties?.['spec'], 'with its fields');
  const spec = hpaV1?.properties?.['spec'];
  t.match(spec?.properties, { targetCPUUtilizationPercentage: { type: 'integer' } });
  t.notOk(spec?.properties?.['metrics'], "not autoscaling/v2's");
  const event = componentsOf('events.k8s.io', 'v1')['io.k8s.api.events.v1.Event'];
  t.same(event?.['x-kubernetes-group-version-kind'], [
    { group: 'events.k8s.io', kind: 'Event', version: 'v1' },
  ]);
  t.ok(event?.properties?.['regarding'] && event.properties['note'], 'in the newer form');
  t.notOk(event?.properties?.['involvedObject']);
});

t.test('operations refer to their kind', async (t) => {
  const document = openApiDocument('', 'v1') as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
  const read = document.paths['/api/v1/namespaces/{namespace}/pods/{name}']?.['get'];
  t.match(read, {
    responses: {
      '200': {
        content: {
          'application/json': { schema: { $ref: '#/components/schemas/io.k8s.api.core.v1.Pod' } },
        },
      },
    },
  });
});

/** Walks a kind's patch meta along its schema; checks each annotated field. */
function checkPatchMeta(
  t: Test,
  components: Components,
  schema: Schema,
  meta: PatchMeta,
  at: string,
): void {
  const resolved = resolve(schema, components);
  for (const [field, fieldMeta] of Object.entries(meta.fields ?? {})) {
    const property = resolved.properties?.[field];
    if (!property) {
      t.ok(NOT_SERVED.has(field), `${at}.${field} is in the schema`);
      continue;
    }
    const strategy = [fieldMeta.list && 'merge', fieldMeta.retainKeys && 'retainKeys']
      .filter(Boolean)
      .join(',');
    t.equal(property['x-kubernetes-patch-strategy'], strategy || undefined, `${at}.${field}`);
    t.equal(property['x-kubernetes-patch-merge-key'], fieldMeta.list?.mergeKey, `${at}.${field}`);
    const keys = fieldMeta.atomic ? [] : listMapKeys(fieldMeta);
    t.same(
      property['x-kubernetes-list-map-keys'],
      keys.length > 0 ? keys : undefined,
      `${at}.${field}: server-side apply's keys`,
    );
    if (fieldMeta.fields) checkPatchMeta(t, components, property, fieldMeta, `${at}.${field}`);
    if (fieldMeta.items?.fields && property.items) {
      checkPatchMeta(t, components, property.items, fieldMeta.items, `${at}.${field}[]`);
    }
  }
}

/**
 * Kubernetes fields with patch tags that Skiff's schemas do not have (the
 * server refuses them): the table keeps their tags all the same.
 */
const NOT_SERVED = new Set([
  'volumeDevices',
  'ephemeralContainers',
  'topologySpreadConstraints',
  'schedulingGates',
  'resourceClaims',
]);

t.test('the patch annotations are the strategic merge patch table, field by field', async (t) => {
  for (const { group, version } of servedGroupVersions()) {
    const components = componentsOf(group, version);
    for (const type of typesAt(group, version)) {
      // A converted version's fields are not its stored kind's: its component has metadata's rules only.
      if (!type.verbs.includes('patch') || conversionOf(type)) continue;
      checkPatchMeta(
        t,
        components,
        kindSchema(components, type.kind),
        patchMetaFor(type.kind),
        type.kind,
      );
    }
  }
  const core = componentsOf('', 'v1');
  t.match(core['io.k8s.api.core.v1.PodSpec']?.properties?.['containers'], {
    'x-kubernetes-patch-merge-key': 'name',
    'x-kubernetes-patch-strategy': 'merge',
  });
  t.match(core['io.k8s.api.core.v1.PodSpec']?.properties?.['volumes'], {
    'x-kubernetes-patch-strategy': 'merge,retainKeys',
  });
  t.equal(
    core['io.k8s.api.core.v1.PodSpec']?.properties?.['tolerations']?.[
      'x-kubernetes-patch-strategy'
    ],
    undefined,
    'atomic lists have no strategy',
  );
  const apps = componentsOf('apps', 'v1');
  t.match(apps['io.k8s.api.apps.v1.DeploymentSpec']?.properties?.['strategy'], {
    'x-kubernetes-patch-strategy': 'retainKeys',
  });
  t.match(
    apps['io.k8s.api.apps.v1.DeploymentSpec']?.properties?.['selector'],
    { 'x-kubernetes-map-type': 'atomic' },
    'a label selector is one field for server-side apply',
  );
  t.match(core['io.k8s.api.core.v1.Container']?.properties?.['ports'], {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['containerPort', 'protocol'],
    'x-kubernetes-patch-merge-key': 'containerPort',
  });
  t.match(core['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']?.properties?.['finalizers'], {
    'x-kubernetes-list-type': 'set',
  });
});
