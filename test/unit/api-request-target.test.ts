// Request targets read without new URL(): the same path and query as URL
// reads them, for the targets clients send and for those URL would rewrite.

import t from 'tap';
import { splitTarget } from '../../controlplane/server/api-router.js';

const targets = [
  '/api/v1/namespaces/default/pods',
  '/api/v1/pods?labelSelector=app%3Dkubia%2Ctier+in+(a%2Cb)&limit=5&continue=abc%3D%3D',
  '/apis/apps/v1/namespaces/a/deployments/b/scale?dryRun=All&fieldManager=kubectl',
  '/api/v1/pods?watch=1&resourceVersion=10#ignored',
  '/api/v1/namespaces/a%2Fb/pods?',
  '/api/v1/namespaces/default/pods/../services',
  '/api/v1/./pods',
  '/api/v1/pods?x=a b',
  '/api/v1/pods/ünïcode?q=ä',
  '/api\\v1\\pods',
];

t.test('the path and query URL would read', async (t) => {
  for (const target of targets) {
    const url = new URL(target, 'http://localhost');
    const split = splitTarget(target);
    t.equal(split.pathname, url.pathname, `${target}: path`);
    t.same([...split.searchParams], [...url.searchParams], `${target}: query`);
  }
});
