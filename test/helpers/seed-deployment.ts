// What Kubernetes stores for the conformance seed-deployment.yaml (the seed's
// `kubectl get deployment -o yaml`): its defaults, and quantities in canonical
// form. A pattern for t.match; `replicas` is the test's.

/** The stored seed deployment with `replicas`, as t.match pattern. */
export function storedSeedDeployment(replicas: number): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'lines-admin-nextjs-deployment', namespace: 'default' },
    spec: {
      replicas,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
      },
      template: {
        spec: {
          containers: [
            {
              imagePullPolicy: 'IfNotPresent',
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
              ports: [{ containerPort: 3000, protocol: 'TCP' }],
              resources: {
                limits: { cpu: '1024m', memory: '1Gi' },
                requests: { cpu: '100m', memory: '32Mi' },
              },
            },
          ],
          dnsPolicy: 'ClusterFirst',
          restartPolicy: 'Always',
          schedulerName: 'default-scheduler',
          securityContext: {},
          terminationGracePeriodSeconds: 30,
        },
      },
    },
  };
}
