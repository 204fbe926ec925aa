// A runnable example of an embedded cluster: `npm run build && node dist/sdk/embedded/example.js`.
// Three nodes in this process, the busybox sample as an image, one pod whose
// output is read back through the API — what an app embedding Skiff does.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pod } from '../../controlplane/api/generated/index.js';
import { resourceTypeForKind, type ResourceType } from '../../controlplane/api/resources.js';
import { buildArtifact } from '../../runtime/images/build/index.js';
import { parseReference } from '../../runtime/images/oci/reference.js';
import { createImageStore } from '../../runtime/images/store/index.js';
import { createCluster } from './index.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'skiff-example-'));
const imageStore = await createImageStore(path.join(dataDir, 'images'));
await buildArtifact({
  store: imageStore,
  wasmFile: path.join(repo, 'samples/busybox/busybox.wasm'),
  tag: parseReference('example.local/busybox:1'),
});
const cluster = await createCluster({ dataDir, nodes: 3, imageStore });
const pods = cluster.api.resource<Pod>(resourceTypeForKind('Pod') as ResourceType);
await pods.create({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'hello', namespace: 'default' },
  spec: {
    restartPolicy: 'Never',
    containers: [{ name: 'main', image: 'example.local/busybox:1', args: ['echo', 'hi'] }],
  },
});
let pod = await pods.get('hello', { namespace: 'default' });
while (pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed') {
  await new Promise((resolve) => setTimeout(resolve, 100));
  pod = await pods.get('hello', { namespace: 'default' });
}
console.log(
  `pod/hello ${pod.status.phase} on ${pod.spec?.nodeName ?? '?'} (${pod.status.podIP ?? ''})`,
);
console.log(`kubeconfig while it ran: ${cluster.kubeconfigPath}`);
await cluster.stop();
await imageStore.close();
await rm(dataDir, { recursive: true, force: true });
