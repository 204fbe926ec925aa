import t from 'tap';
import { podOf, testCluster } from '../helpers/cluster.js';

t.test('a pod runs to completion on a one-node cluster', async (t) => {
  const cluster = await testCluster(t);
  await cluster.pods.create(
    podOf('hello', { args: ['echo', 'hello'] }, { restartPolicy: 'Never' }),
  );
  const pod = await cluster.waitForPod('hello', (p) => p.status?.phase === 'Succeeded');
  t.equal(pod.spec?.nodeName, 'skiff-node-0');
  t.equal(pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 0);
  t.match(pod.status?.podIP, /^10\.224\./);
});
