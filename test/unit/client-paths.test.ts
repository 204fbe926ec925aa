// The SDK client's paths and query strings: what a Kubernetes API server reads.

import t from 'tap';
import { resourceTypeByName } from '../../controlplane/api/resources.js';
import {
  listQuery,
  queryString,
  resourcePath,
  watchQuery,
  writeQuery,
} from '../../sdk/client/paths.js';

t.test('resource paths', async (t) => {
  const pods = resourceTypeByName('pods');
  const deployments = resourceTypeByName('deployments');
  const nodes = resourceTypeByName('nodes');
  if (!pods || !deployments || !nodes) throw new Error('missing types');
  t.equal(resourcePath(pods, 'dev', 'web', 'status'), '/api/v1/namespaces/dev/pods/web/status');
  t.equal(resourcePath(pods, undefined), '/api/v1/pods', 'all namespaces');
  t.equal(
    resourcePath(deployments, 'a b', 'x/y'),
    '/apis/apps/v1/namespaces/a%20b/deployments/x%2Fy',
  );
  t.equal(resourcePath(nodes, 'ignored', 'n1'), '/api/v1/nodes/n1', 'cluster-scoped');
});

t.test('list and watch queries', async (t) => {
  t.equal(
    queryString(
      listQuery({
        labelSelector: 'app=web',
        limit: 2,
        resourceVersion: '42',
        resourceVersionMatch: 'Exact',
      }),
    ),
    '?labelSelector=app%3Dweb&limit=2&resourceVersion=42&resourceVersionMatch=Exact',
  );
  t.equal(queryString(listQuery({ labelSelector: '', continue: '' })), '', 'empty values left out');
  t.equal(
    queryString(
      watchQuery({ resourceVersion: '7', resourceVersionMatch: 'NotOlderThan', timeoutSeconds: 5 }),
    ),
    '?resourceVersion=7&watch=1&timeoutSeconds=5',
    'a watch sends no resourceVersionMatch (the apiserver refuses it without sendInitialEvents)',
  );
  t.equal(
    queryString(writeQuery({ dryRun: 'All', fieldManager: 'me', force: true })),
    '?dryRun=All&fieldManager=me&force=true',
  );
});
