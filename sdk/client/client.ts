// createClient: the ClusterApi of a remote API server, over HTTP or HTTPS.

import type { ClusterApi } from '../../controlplane/api/cluster-api.js';
import type { ResourceType } from '../../controlplane/api/resources.js';
import type { KubeObject } from '../../controlplane/api/types.js';
import type { ClientConfig } from './config.js';
import { discoverResources, type DiscoveredResource } from './discovery.js';
import { createResourceClient, type HttpResourceClient } from './resource-client.js';
import { clientReviews, type ClientReviews } from './reviews.js';
import { createTransport, type Transport } from './transport.js';

/** ClusterApi over HTTP, with what only a remote client needs besides. */
export interface HttpClusterApi extends ClusterApi {
  resource<T extends KubeObject = KubeObject>(type: ResourceType): HttpResourceClient<T>;
  /** The resources the server's discovery documents list. */
  discover(): Promise<DiscoveredResource[]>;
  /** `kubectl auth whoami` and `can-i`: what the server says these credentials are and may do. */
  readonly reviews: ClientReviews;
  /** Raw requests to the same server with the same credentials (`/version`, `/healthz`, ...). */
  readonly transport: Transport;
  /** Closes the client's connections; later calls fail. Idle connections do not keep a process alive. */
  close(): Promise<void>;
}

/**
 * The cluster at `config.server`. Nothing is sent until a call is made. Calls
 * throw ApiError for every failed answer (a Status from the server, or one
 * synthesised from the HTTP code) and ConnectionError when there is no answer.
 */
export function createClient(config: ClientConfig): HttpClusterApi {
  const transport = createTransport(config);
  const defaultNamespace = config.namespace || 'default';
  return {
    transport,
    resource<T extends KubeObject = KubeObject>(type: ResourceType): HttpResourceClient<T> {
      return createResourceClient<T>(transport, type, defaultNamespace);
    },
    discover: () => discoverResources(transport),
    reviews: clientReviews(transport),
    close: () => transport.close(),
  };
}
