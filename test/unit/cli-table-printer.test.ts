import t from 'tap';
import type { Table, TableColumnDefinition } from '../../sdk/client/index.js';
import { formatResources } from '../../sdk/cli/commands/api-resources.js';
import {
  defaultTable,
  formatLabels,
  tableCells,
  tableHeaders,
  TableWriter,
  type TableView,
} from '../../sdk/cli/kube/table-printer.js';

const column = (name: string, priority = 0, format = ''): TableColumnDefinition => ({
  name,
  type: 'string',
  format,
  priority,
});

/** The pod Table the server sends (kubectl's columns). */
const POD_COLUMNS = [
  column('Name', 0, 'name'),
  column('Ready'),
  column('Status'),
  column('Restarts'),
  column('Age'),
  column('IP', 1),
  column('Node', 1),
  column('Nominated Node', 1),
  column('Readiness Gates', 1),
];

const POD_TABLE: Table = {
  apiVersion: 'meta.k8s.io/v1',
  kind: 'Table',
  metadata: { resourceVersion: '12' },
  columnDefinitions: POD_COLUMNS,
  rows: [
    {
      cells: ['kubia-7d5f8', '1/1', 'Running', 0, '5m', '10.0.0.7', 'node-1', null, '<none>'],
      object: {
        metadata: {
          name: 'kubia-7d5f8',
          namespace: 'default',
          labels: { app: 'kubia', tier: 'web' },
        },
      },
    },
    {
      cells: [
        'busybox',
        '0/1',
        'ContainerCreating',
        12,
        '3h2m',
        '<none>',
        'node-2',
        null,
        '<none>',
      ],
      object: { metadata: { name: 'busybox', namespace: 'team-a' } },
    },
  ],
};

function print(table: Table, view: TableView, writer = new TableWriter()): string {
  const columns = table.columnDefinitions ?? [];
  return writer.format([tableHeaders(columns, view), ...tableCells(table.rows, columns, view)]);
}

t.test('pods print with kubectl get pods layout', async (t) => {
  t.equal(
    print(POD_TABLE, {}),
    'NAME          READY   STATUS              RESTARTS   AGE\n' +
      'kubia-7d5f8   1/1     Running             0          5m\n' +
      'busybox       0/1     ContainerCreating   12         3h2m\n',
  );
});

t.test('-o wide adds the priority columns; -A puts NAMESPACE first', async (t) => {
  t.equal(
    print(POD_TABLE, { wide: true, withNamespace: true }),
    'NAMESPACE   NAME          READY   STATUS              RESTARTS   AGE    IP         NODE     NOMINATED NODE   READINESS GATES\n' +
      'default     kubia-7d5f8   1/1     Running             0          5m     10.0.0.7   node-1   <none>           <none>\n' +
      'team-a      busybox       0/1     ContainerCreating   12         3h2m   <none>     node-2   <none>           <none>\n',
  );
});

t.test('kind prefixes, -L label columns and --show-labels', async (t) => {
  t.equal(
    print(POD_TABLE, {
      kindPrefix: 'pod',
      labelColumns: ['app', 'example.com/tier'],
      showLabels: true,
    }),
    'NAME              READY   STATUS              RESTARTS   AGE    APP     TIER   LABELS\n' +
      'pod/kubia-7d5f8   1/1     Running             0          5m     kubia          app=kubia,tier=web\n' +
      'pod/busybox       0/1     ContainerCreating   12         3h2m                  <none>\n',
  );
  // The prefix goes on the name column, wherever it is, and only when it is shown.
  const events: Table = {
    ...POD_TABLE,
    columnDefinitions: [column('Last Seen'), column('Reason'), column('Name', 1, 'name')],
    rows: [{ cells: ['5m', 'Started', 'web.1'] }],
  };
  t.equal(print(events, { kindPrefix: 'event' }), 'LAST SEEN   REASON\n5m          Started\n');
  t.equal(
    print(events, { kindPrefix: 'event', wide: true }),
    'LAST SEEN   REASON    NAME\n5m          Started   event/web.1\n',
  );
  t.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
  t.equal(formatLabels(undefined), '<none>');
});

t.test('columns are at least 6 wide, widths are remembered across a watch', async (t) => {
  const writer = new TableWriter();
  t.equal(
    writer.format([
      ['NAME', 'AGE'],
      ['a', '1s'],
    ]),
    'NAME   AGE\na      1s\n',
  );
  t.equal(writer.format([['a-much-longer-name', '2s']]), 'a-much-longer-name   2s\n');
  t.equal(
    writer.format([['b', '3s']]),
    'b                    3s\n',
    'the column does not shrink back',
  );
  t.equal(
    new TableWriter().format([
      ['né', 'x'],
      ['€€€€€', 'y'],
    ]),
    'né      x\n€€€€€   y\n',
    'widths count characters',
  );
});

t.test('a server without tables gets NAME and AGE', async (t) => {
  const now = Date.parse('2026-01-01T01:00:00Z');
  const table = defaultTable(
    [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cm', creationTimestamp: '2026-01-01T00:00:00Z' },
      },
    ],
    '3',
    now,
  );
  t.equal(print(table, {}), 'NAME   AGE\ncm     60m\n');
  t.equal(table.metadata.resourceVersion, '3');
});

t.test('api-resources prints kubectl columns', async (t) => {
  const text = formatResources(
    [
      {
        name: 'pods',
        singularName: 'pod',
        namespaced: true,
        kind: 'Pod',
        group: '',
        version: 'v1',
        verbs: ['get', 'list'],
        shortNames: ['po'],
        categories: ['all'],
      },
      {
        name: 'deployments',
        singularName: 'deployment',
        namespaced: true,
        kind: 'Deployment',
        group: 'apps',
        version: 'v1',
        verbs: ['get'],
        shortNames: ['deploy'],
        categories: ['all'],
      },
      {
        name: 'leases',
        singularName: 'lease',
        namespaced: true,
        kind: 'Lease',
        group: 'coordination.k8s.io',
        version: 'v1',
        verbs: [],
        shortNames: [],
        categories: [],
      },
    ],
    false,
  );
  t.equal(
    text,
    'NAME          SHORTNAMES   APIVERSION               NAMESPACED   KIND\n' +
      'pods          po           v1                       true         Pod\n' +
      'deployments   deploy       apps/v1                  true         Deployment\n' +
      'leases                     coordination.k8s.io/v1   true         Lease\n',
  );
});
