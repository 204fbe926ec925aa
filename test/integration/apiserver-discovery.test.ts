// What clients read before and beside the resources: /version, discovery
// (legacy documents and the aggregated v2 kubectl 1.32 asks for), OpenAPI
// (what `kubectl apply` probes for server-side field validation), Table
// responses with kubectl's columns, the health endpoints and /metrics.

import protobuf from 'protobufjs/minimal.js';
import t from 'tap';
import type { KubeObject, Status } from '../../controlplane/api/types.js';
import { KUBERNETES_GIT_VERSION } from '../../controlplane/server/index.js';
import type { Pod } from './apiserver-support.js';
import {
  createOk,
  deployment,
  deploymentsPath,
  pod,
  podsPath,
  startApiServer,
} from './apiserver-support.js';

const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';
/** What kubectl get sends. */
const KUBECTL_GET = `${TABLE},application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json`;
const AGGREGATED = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
/** What kubectl 1.32 sends for discovery. */
const KUBECTL_DISCOVERY = `${AGGREGATED},application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json`;

interface ApiResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  group?: string;
  version?: string;
}
interface ResourceList {
  kind: string;
  apiVersion: string;
  groupVersion: string;
  resources: ApiResource[];
}
interface GroupVersionRef {
  groupVersion: string;
  version: string;
}
interface ApiGroup {
  name: string;
  versions: GroupVersionRef[];
  preferredVersion: GroupVersionRef;
}
interface DiscoveryResource {
  resource: string;
  responseKind: { group: string; version: string; kind: string };
  scope: string;
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  subresources?: {
    subresource: string;
    responseKind: { group: string; version: string; kind: string };
    verbs: string[];
  }[];
}
interface DiscoveryList {
  kind: string;
  apiVersion: string;
  items: {
    metadata: { name?: string };
    versions: { version: string; resources: DiscoveryResource[]; freshness: string }[];
  }[];
}
interface Column {
  name: string;
  type: string;
  format: string;
  priority: number;
  description: string;
}
interface Table {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string };
  columnDefinitions: Column[];
  rows: { cells: unknown[]; object?: KubeObject }[];
}

const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

/**
 * What the test reads of gnostic's openapi.v2.Document (OpenAPIv2.proto):
 * `swagger` (1), the paths (8: Paths, its field 2 one NamedPathItem per path)
 * and the definition names (9: Definitions, its field 1 NamedSchemas, whose
 * field 1 is the name), read with protobufjs' bare reader.
 */
function openApiV2Message(bytes: Uint8Array): {
  swagger: string;
  paths: number;
  definitions: string[];
} {
  const fields = (buffer: Uint8Array): [number, Uint8Array | undefined][] => {
    const reader = protobuf.Reader.create(buffer);
    const found: [number, Uint8Array | undefined][] = [];
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if ((tag & 7) === 2) found.push([tag >>> 3, reader.bytes()]);
      else {
        reader.skipType(tag & 7);
        found.push([tag >>> 3, undefined]);
      }
    }
    return found;
  };
  const text = (buffer: Uint8Array | undefined) => new TextDecoder().decode(buffer);
  const top = fields(bytes);
  const field = (number: number) => top.find(([n]) => n === number)?.[1] ?? new Uint8Array();
  return {
    swagger: text(field(1)),
    paths: fields(field(8)).filter(([n]) => n === 2).length,
    definitions: fields(field(9)).map(([, named]) =>
      text(fields(named ?? new Uint8Array()).find(([n]) => n === 1)?.[1]),
    ),
  };
}

t.test('/version answers like a Kubernetes 1.32 apiserver, without a token', async (t) => {
  const server = await startApiServer(t);
  const reply = await server.request<Record<string, string>>('/version', { token: null });
  t.equal(reply.status, 200);
  t.equal(reply.body['major'], '1');
  t.equal(reply.body['minor'], '32');
  t.equal(reply.body['gitVersion'], KUBERNETES_GIT_VERSION);
  t.match(
    reply.body['gitVersion'],
    /^v1\.32\.\d+/,
    'semver that kubectl compares for version skew',
  );
  for (const field of [
    'gitCommit',
    'gitTreeState',
    'buildDate',
    'goVersion',
    'compiler',
    'platform',
  ]) {
    t.type(reply.body[field], 'string', `${field} is present`);
  }
});

t.test(
  'legacy discovery: /api, /api/v1, /apis, /apis/{group}, /apis/{group}/{version}',
  async (t) => {
    const server = await startApiServer(t);
    const api = await server.request<{
      kind: string;
      versions: string[];
      serverAddressByClientCIDRs: unknown[];
    }>('/api');
    t.equal(api.status, 200);
    t.equal(api.body.kind, 'APIVersions');
    t.same(api.body.versions, ['v1']);
    t.ok(api.body.serverAddressByClientCIDRs.length > 0);

    const core = await server.request<ResourceList>('/api/v1');
    t.equal(core.body.kind, 'APIResourceList');
    t.equal(core.body.groupVersion, 'v1');
    const byName = new Map(core.body.resources.map((r) => [r.name, r]));
    const pods = byName.get('pods');
    t.match(pods, {
      name: 'pods',
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      shortNames: ['po'],
      categories: ['all'],
    });
    t.same([...(pods?.verbs ?? [])].sort(), ALL_VERBS, 'pods have every verb');
    t.match(byName.get('pods/status'), {
      namespaced: true,
      kind: 'Pod',
      verbs: ['get', 'patch', 'update'],
    });
    t.match(byName.get('pods/binding'), { kind: 'Binding', verbs: ['create'] });
    t.match(byName.get('nodes'), { namespaced: false, kind: 'Node', shortNames: ['no'] });
    t.match(byName.get('namespaces'), { namespaced: false, kind: 'Namespace', shortNames: ['ns'] });
    for (const name of ['services', 'configmaps', 'secrets', 'endpoints', 'events'])
      t.ok(byName.has(name), `${name} are served`);

    const apis = await server.request<{ kind: string; groups: ApiGroup[] }>('/apis');
    t.equal(apis.body.kind, 'APIGroupList');
    const apps = apis.body.groups.find((g) => g.name === 'apps');
    t.same(apps?.preferredVersion, { groupVersion: 'apps/v1', version: 'v1' });
    t.same(apis.body.groups.map((g) => g.name).sort(), [
      'apps',
      'authentication.k8s.io',
      'authorization.k8s.io',
      'autoscaling',
      'coordination.k8s.io',
      'events.k8s.io',
    ]);

    const group = await server.request<ApiGroup & { kind: string }>('/apis/apps');
    t.equal(group.body.kind, 'APIGroup');
    t.equal(group.body.name, 'apps');

    const appsV1 = await server.request<ResourceList>('/apis/apps/v1');
    t.equal(appsV1.body.groupVersion, 'apps/v1');
    const appsResources = new Map(appsV1.body.resources.map((r) => [r.name, r]));
    t.match(appsResources.get('deployments'), {
      kind: 'Deployment',
      namespaced: true,
      shortNames: ['deploy'],
    });
    t.match(
      appsResources.get('deployments/scale'),
      { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      'scale speaks autoscaling/v1',
    );
    t.match(appsResources.get('replicasets'), { kind: 'ReplicaSet', shortNames: ['rs'] });

    t.equal((await server.request('/apis/nothing')).status, 404, 'an unknown group');
    t.equal((await server.request('/apis/apps/v2')).status, 404, 'an unknown version');
  },
);

t.test('aggregated discovery, as kubectl 1.32 asks for it', async (t) => {
  const server = await startApiServer(t);
  for (const [path, legacy] of [
    ['/api', true],
    ['/apis', false],
  ] as const) {
    const reply = await server.request<DiscoveryList>(path, {
      headers: { accept: KUBECTL_DISCOVERY },
    });
    t.equal(reply.status, 200);
    t.equal(
      reply.headers.get('content-type'),
      AGGREGATED,
      `${path}: the Content-Type names the aggregated document (client-go checks it)`,
    );
    t.equal(reply.body.kind, 'APIGroupDiscoveryList');
    t.equal(reply.body.apiVersion, 'apidiscovery.k8s.io/v2');
    if (legacy) {
      t.equal(reply.body.items.length, 1);
      t.same(reply.body.items[0]?.metadata, {}, 'the core group has no name');
      const pods = reply.body.items[0]?.versions[0]?.resources.find((r) => r.resource === 'pods');
      t.match(pods, {
        responseKind: { group: '', version: 'v1', kind: 'Pod' },
        scope: 'Namespaced',
        singularResource: 'pod',
        shortNames: ['po'],
      });
      t.same(pods?.subresources?.map((s) => s.subresource).sort(), [
        'binding',
        'exec',
        'log',
        'status',
      ]);
    } else {
      const apps = reply.body.items.find((i) => i.metadata.name === 'apps');
      const version = apps?.versions[0];
      t.equal(version?.version, 'v1');
      t.equal(version?.freshness, 'Current');
      const deployments = version?.resources.find((r) => r.resource === 'deployments');
      t.match(deployments, {
        scope: 'Namespaced',
        responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      });
      t.match(
        deployments?.subresources?.find((s) => s.subresource === 'scale'),
        { responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' } },
      );
    }
  }
  const v2beta1 = await server.request<DiscoveryList>('/apis', {
    headers: {
      accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList',
    },
  });
  t.equal(v2beta1.body.apiVersion, 'apidiscovery.k8s.io/v2beta1', 'older clients get v2beta1');
  const legacy = await server.request<{ kind: string }>('/apis', {
    headers: { accept: 'application/json' },
  });
  t.equal(legacy.body.kind, 'APIGroupList', 'plain JSON gets the legacy document');
  const onlyAggregatedV3 = await server.request<Status>('/apis', {
    headers: { accept: 'application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList' },
  });
  t.equal(onlyAggregatedV3.status, 406, 'an unknown discovery version alone is not acceptable');
});

t.test(
  'OpenAPI v3: the index and the group-version documents kubectl apply and explain fetch',
  async (t) => {
    const server = await startApiServer(t);
    const index = await server.request<{ paths: Record<string, { serverRelativeURL: string }> }>(
      '/openapi/v3',
    );
    t.equal(index.status, 200);
    t.same(Object.keys(index.body.paths).sort(), [
      'api/v1',
      'apis/apps/v1',
      'apis/authentication.k8s.io/v1',
      'apis/authorization.k8s.io/v1',
      'apis/autoscaling/v1',
      'apis/autoscaling/v2',
      'apis/coordination.k8s.io/v1',
      'apis/events.k8s.io/v1',
    ]);
    const url = index.body.paths['apis/apps/v1']?.serverRelativeURL ?? '';
    t.match(
      url,
      /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]+$/,
      'each document is named with its hash, as kubectl caches them',
    );
    const document = await server.request<{
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: { name: string }[];
            'x-kubernetes-group-version-kind'?: unknown;
            'x-kubernetes-action'?: string;
          }
        >
      >;
    }>(url);
    t.equal(document.status, 200);
    t.match(document.body.openapi, /^3\./);
    const item = document.body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
    t.ok(item, 'the deployment path is described');
    const patch = item?.['patch'];
    t.same(patch?.['x-kubernetes-group-version-kind'], {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
    });
    t.equal(patch?.['x-kubernetes-action'], 'patch');
    t.ok(
      patch?.parameters?.some((p) => p.name === 'fieldValidation'),
      'PATCH takes fieldValidation: kubectl then leaves validation to the server',
    );
    const core = await server.request<{ paths: Record<string, unknown> }>('/openapi/v3/api/v1');
    t.ok(
      core.body.paths['/api/v1/namespaces/{namespace}/pods/{name}'],
      'the core document has the pod path',
    );
    t.ok(core.body.paths['/api/v1/nodes/{name}'], 'and cluster-scoped paths');
    const schemas = (core.body as { components?: { schemas?: Record<string, unknown> } }).components
      ?.schemas;
    t.match(
      schemas?.['io.k8s.api.core.v1.Pod'],
      { 'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'Pod' }] },
      'kinds are components tagged with their group-version-kind (kubectl explain finds them so)',
    );
    t.match(
      schemas?.['io.k8s.api.core.v1.PodSpec'],
      {
        properties: {
          containers: {
            'x-kubernetes-patch-merge-key': 'name',
            'x-kubernetes-patch-strategy': 'merge',
          },
        },
      },
      'with the patch annotations kubectl apply computes its patches from',
    );
    t.equal((await server.request('/openapi/v3/apis/nothing/v1')).status, 404);
  },
);

t.test(
  'OpenAPI v2: JSON for JSON clients, protobuf for kubectl, 406 for anything else',
  async (t) => {
    const server = await startApiServer(t);
    const json = await server.request<{
      swagger: string;
      info: unknown;
      paths: Record<string, unknown>;
      definitions: Record<string, Record<string, unknown>>;
    }>('/openapi/v2', {
      headers: { accept: 'application/json' },
    });
    t.equal(json.status, 200);
    t.equal(json.body.swagger, '2.0');
    t.ok(json.body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']);
    t.match(json.body.definitions['io.k8s.api.core.v1.ConfigMap'], {
      'x-kubernetes-group-version-kind': [{ group: '', version: 'v1', kind: 'ConfigMap' }],
    });
    const references = JSON.stringify(json.body.definitions).match(/"\$ref":"[^"]+"/g) ?? [];
    t.ok(references.length > 0);
    t.same(
      references
        .map((reference) => reference.slice('"$ref":"#/definitions/'.length, -1))
        .filter((name) => !(name in json.body.definitions)),
      [],
      'every reference is to a definition of the document',
    );

    const protobuf = await server.request('/openapi/v2', {
      headers: { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' },
    });
    t.equal(protobuf.status, 200);
    t.equal(protobuf.headers.get('content-type'), 'application/octet-stream');
    const document = openApiV2Message(protobuf.bytes);
    t.equal(document.swagger, '2.0');
    t.same(
      document.definitions.sort(),
      Object.keys(json.body.definitions).sort(),
      'the same definitions as the JSON document',
    );
    t.equal(document.paths, Object.keys(json.body.paths).length, 'and the same paths');

    const other = await server.request<Status>('/openapi/v2', {
      headers: { accept: 'application/xml' },
    });
    t.equal(other.status, 406);
    t.equal(other.body.kind, 'Status');
  },
);

t.test('Tables: pods with kubectl get pods columns', async (t) => {
  const server = await startApiServer(t);
  await createOk(t, server, podsPath(), pod('pending'));
  const running = await createOk(t, server, podsPath(), pod('running', { nodeName: 'n1' }));
  await server.request<Pod>(`${podsPath()}/running/status`, {
    method: 'PUT',
    json: {
      ...running,
      status: {
        phase: 'Running',
        podIP: '10.1.0.7',
        conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [
          {
            name: 'main',
            ready: true,
            restartCount: 2,
            image: 'registry.local/web:v1',
            imageID: '',
            state: { running: { startedAt: '2024-01-01T00:00:00Z' } },
          },
        ],
      },
    },
  });
  const reply = await server.request<Table>(podsPath(), { headers: { accept: KUBECTL_GET } });
  t.equal(reply.status, 200);
  t.match(reply.headers.get('content-type'), /^application\/json/);
  t.equal(reply.body.kind, 'Table');
  t.equal(reply.body.apiVersion, 'meta.k8s.io/v1');
  t.match(reply.body.metadata.resourceVersion, /^\d+$/);
  t.same(
    reply.body.columnDefinitions.map((c) => [c.name, c.priority]),
    [
      ['Name', 0],
      ['Ready', 0],
      ['Status', 0],
      ['Restarts', 0],
      ['Age', 0],
      ['IP', 1],
      ['Node', 1],
      ['Nominated Node', 1],
      ['Readiness Gates', 1],
    ],
    'NAME READY STATUS RESTARTS AGE, and the -o wide columns at priority 1',
  );
  t.equal(reply.body.columnDefinitions[0]?.format, 'name');
  const rows = new Map(reply.body.rows.map((r) => [r.cells[0], r]));
  t.same(rows.get('pending')?.cells.slice(0, 3), ['pending', '0/1', 'Pending']);
  t.same(rows.get('pending')?.cells.slice(5), ['<none>', '<none>', '<none>', '<none>']);
  t.same(rows.get('running')?.cells.slice(0, 4), ['running', '1/1', 'Running', 2]);
  t.same(rows.get('running')?.cells.slice(5, 7), ['10.1.0.7', 'n1']);
  t.match(rows.get('pending')?.cells[4], /^\d+s$/, 'AGE like kubectl prints it');
  t.match(
    rows.get('pending')?.object,
    { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'pending' } },
    'includeObject=Metadata by default',
  );
  t.notOk((rows.get('pending')?.object as KubeObject | undefined)?.['spec'], 'metadata only');

  const one = await server.request<Table>(`${podsPath()}/pending`, { headers: { accept: TABLE } });
  t.equal(one.body.kind, 'Table', 'a get is a one-row table');
  t.equal(one.body.rows.length, 1);
  const all = await server.request<Table>('/api/v1/pods', { headers: { accept: TABLE } });
  t.equal(all.body.rows.length, 2, 'kubectl get pods -A');
});

t.test('Tables: deployments, includeObject, v1beta1, pagination', async (t) => {
  const server = await startApiServer(t);
  await createOk(t, server, deploymentsPath(), deployment('web', 3));
  await createOk(t, server, deploymentsPath(), deployment('api', 1));
  const reply = await server.request<Table>(deploymentsPath(), {
    headers: { accept: KUBECTL_GET },
  });
  t.same(
    reply.body.columnDefinitions.map((c) => [c.name, c.priority]),
    [
      ['Name', 0],
      ['Ready', 0],
      ['Up-to-date', 0],
      ['Available', 0],
      ['Age', 0],
      ['Containers', 1],
      ['Images', 1],
      ['Selector', 1],
    ],
  );
  const web = reply.body.rows.find((r) => r.cells[0] === 'web');
  t.same(web?.cells.slice(0, 4), ['web', '0/3', 0, 0]);
  t.same(web?.cells.slice(5), ['main', 'registry.local/web:v1', 'app=web']);

  const withObject = await server.request<Table>(`${deploymentsPath()}?includeObject=Object`, {
    headers: { accept: TABLE },
  });
  t.equal(
    withObject.body.rows[0]?.object?.kind,
    'Deployment',
    'includeObject=Object carries the whole object',
  );
  t.ok(withObject.body.rows[0]?.object?.['spec']);
  const without = await server.request<Table>(`${deploymentsPath()}?includeObject=None`, {
    headers: { accept: TABLE },
  });
  t.notOk(without.body.rows[0]?.object, 'includeObject=None carries none');
  const beta = await server.request<Table>(deploymentsPath(), {
    headers: { accept: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io' },
  });
  t.equal(beta.body.apiVersion, 'meta.k8s.io/v1beta1');
  const paged = await server.request<Table>(`${deploymentsPath()}?limit=1`, {
    headers: { accept: TABLE },
  });
  t.equal(paged.body.rows.length, 1);
  t.ok(
    paged.body.metadata.continue,
    'a paged table carries the continue token (kubectl --chunk-size)',
  );
  const bad = await server.request<Status>(`${deploymentsPath()}?includeObject=Everything`, {
    headers: { accept: TABLE },
  });
  t.equal(bad.status, 400);

  const metadata = await server.request<{ kind: string; items: KubeObject[] }>(deploymentsPath(), {
    headers: { accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' },
  });
  t.equal(
    metadata.body.kind,
    'PartialObjectMetadataList',
    'metadata-only lists, as the garbage collector reads them',
  );
  t.equal(metadata.body.items[0]?.kind, 'PartialObjectMetadata');
  t.notOk(metadata.body.items[0]?.['spec']);
  const tableWrite = await server.request(deploymentsPath(), {
    method: 'POST',
    json: deployment('x'),
    headers: { accept: KUBECTL_GET },
  });
  t.equal(tableWrite.status, 201, 'a write accepting Tables or JSON gets JSON');
  t.equal(tableWrite.body.kind, 'Deployment');
});

t.test('Tables: namespaces and nodes', async (t) => {
  const server = await startApiServer(t);
  const namespaces = await server.request<Table>('/api/v1/namespaces', {
    headers: { accept: TABLE },
  });
  t.same(
    namespaces.body.columnDefinitions.map((c) => c.name),
    ['Name', 'Status', 'Age'],
  );
  t.same(namespaces.body.rows.find((r) => r.cells[0] === 'default')?.cells.slice(0, 2), [
    'default',
    'Active',
  ]);
  await server.request('/api/v1/nodes', {
    method: 'POST',
    json: {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1', labels: { 'node-role.kubernetes.io/control-plane': '' } },
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        nodeInfo: { kubeletVersion: 'v1.32.0-skiff' },
        addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
      },
    },
  });
  const nodes = await server.request<Table>('/api/v1/nodes', { headers: { accept: TABLE } });
  t.same(
    nodes.body.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name),
    ['Name', 'Status', 'Roles', 'Age', 'Version'],
  );
  const row = nodes.body.rows[0]?.cells ?? [];
  t.same(
    [row[0], row[1], row[2], row[4], row[5]],
    ['n1', 'Ready', 'control-plane', 'v1.32.0-skiff', '10.0.0.1'],
  );
});

t.test(
  'health: /healthz, /livez, /readyz, verbose, single checks, failures, shutdown',
  async (t) => {
    let storeOk = true;
    const shutdown = new AbortController();
    const server = await startApiServer(t, {
      server: {
        signal: shutdown.signal,
        healthChecks: [
          {
            name: 'etcd',
            check: () => {
              if (!storeOk) throw new Error('store closed');
            },
          },
        ],
      },
    });
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const reply = await server.request(path, { token: null });
      t.equal(reply.status, 200);
      t.equal(reply.text, 'ok', `${path}: ok`);
      t.match(reply.headers.get('content-type'), /^text\/plain/);
    }
    const verbose = await server.request('/readyz?verbose', { token: null });
    t.match(verbose.text, /\[\+\]ping ok\n\[\+\]etcd ok\n/);
    t.match(verbose.text, /readyz check passed\n$/);
    t.equal((await server.request('/livez/etcd', { token: null })).text, 'ok', 'a single check');
    t.equal((await server.request('/livez/nothing', { token: null })).status, 404);

    storeOk = false;
    const failing = await server.request('/healthz?verbose', { token: null });
    t.equal(failing.status, 500, 'a failing check fails the endpoint');
    t.match(failing.text, /\[-\]etcd failed: reason withheld/);
    t.match(failing.text, /healthz check failed/);
    const excluded = await server.request('/livez?exclude=etcd', { token: null });
    t.equal(excluded.status, 200, '?exclude leaves a check out');
    storeOk = true;

    shutdown.abort();
    const draining = await server.request('/readyz?verbose', { token: null });
    t.equal(draining.status, 500, '/readyz fails once the server shuts down');
    t.match(draining.text, /\[-\]shutdown failed/);
    t.equal(
      (await server.request('/livez', { token: null })).status,
      200,
      'while /livez still passes',
    );
  },
);

t.test(
  '/metrics: Prometheus text with apiserver_request_total by verb, resource and code',
  async (t) => {
    const server = await startApiServer(t);
    await createOk(t, server, podsPath(), pod('p'));
    await server.request(podsPath());
    await server.request(`${podsPath()}/p`);
    await server.request(`${podsPath()}/absent`);
    await server.request(`${deploymentsPath()}/absent`);
    const watch = await server.watch(`${podsPath()}?watch=1&timeoutSeconds=1`);
    await watch.next();
    const open = await server.request('/metrics');
    t.match(
      open.text,
      /apiserver_longrunning_requests\{verb="WATCH",resource="pods"\} 1/,
      'an open watch is counted',
    );
    await watch.end();
    const reply = await server.request('/metrics');
    t.equal(reply.status, 200);
    t.match(reply.headers.get('content-type'), /^text\/plain/);
    const lines = reply.text.split('\n');
    const counter = (labels: Record<string, string>) =>
      lines.find(
        (l) =>
          l.startsWith('apiserver_request_total{') &&
          Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
      );
    t.match(counter({ verb: 'POST', resource: 'pods', code: '201' }), / 1$/, 'creates are POST');
    t.match(counter({ verb: 'LIST', resource: 'pods', code: '200' }), / 1$/, 'lists are LIST');
    t.match(counter({ verb: 'GET', resource: 'pods', code: '200' }), / 1$/);
    t.match(counter({ verb: 'GET', resource: 'pods', code: '404' }), / 1$/, 'failures by code');
    t.match(
      counter({ verb: 'GET', group: 'apps', version: 'v1', resource: 'deployments', code: '404' }),
      / 1$/,
      'with group and version',
    );
    t.match(counter({ verb: 'WATCH', resource: 'pods', code: '200' }), / 1$/, 'watches are WATCH');
    await server.request(`${podsPath()}/p`);
    const again = (await server.request('/metrics')).text.split('\n');
    t.ok(
      again.some((l) =>
        /^apiserver_request_total\{verb="GET",.*resource="pods".*code="200"\} 2$/.test(l),
      ),
      'counts add up across scrapes',
    );
    t.ok(
      lines.some((l) => l.startsWith('apiserver_request_duration_seconds_bucket{')),
      'latencies',
    );
    t.ok(
      lines.some((l) => /^apiserver_watch_events_total\{resource="pods"\} [1-9]\d*$/.test(l)),
      'watch events sent, counted',
    );
    t.ok(
      lines.some((l) => /^skiff_store_revision \d+$/.test(l)),
      'the store revision',
    );
    t.match(reply.text, /# TYPE apiserver_request_total counter/);
  },
);
