// The `kubernetes` Service of the default namespace, as every Kubernetes
// cluster has it: ClusterIP 10.96.0.1, port 443 (`https`), its Endpoints the
// API server's own address. Pods find the API through it; `kubectl get svc`
// shows it. Kept true at each start: the API's port may differ between runs.

import { ApiError } from './api/errors.js';
import type { Endpoints, ServicePort } from './api/generated/index.js';
import type { ApiServices } from './services/index.js';

/** Kubernetes' first address of the service CIDR, reserved for this Service. */
export const KUBERNETES_SERVICE_IP = '10.96.0.1';

function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.code === 404;
}

/** Creates or corrects the Service and its Endpoints for an API served at `ip`:`port`. */
export async function ensureKubernetesService(
  api: ApiServices,
  ip: string,
  port: number,
): Promise<void> {
  const labels = { component: 'apiserver', provider: 'kubernetes' };
  const servicePorts: ServicePort[] = [
    { name: 'https', port: 443, protocol: 'TCP', targetPort: port },
  ];
  const current = await api.services
    .get('kubernetes', { namespace: 'default' })
    .catch((error: unknown) => {
      if (isNotFound(error)) return undefined;
      throw error;
    });
  if (current === undefined) {
    await api.services.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels },
      spec: { type: 'ClusterIP', clusterIP: KUBERNETES_SERVICE_IP, ports: servicePorts },
    });
  } else {
    await api.services.update({ ...current, spec: { ...current.spec, ports: servicePorts } });
  }

  const endpoints: Endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' },
    },
    subsets: [{ addresses: [{ ip }], ports: [{ name: 'https', port, protocol: 'TCP' }] }],
  };
  const existing = await api.endpoints
    .get('kubernetes', { namespace: 'default' })
    .catch((error: unknown) => {
      if (isNotFound(error)) return undefined;
      throw error;
    });
  if (existing === undefined) await api.endpoints.create(endpoints);
  else
    await api.endpoints.update({
      ...endpoints,
      metadata: { ...existing.metadata, ...endpoints.metadata },
    });
}
