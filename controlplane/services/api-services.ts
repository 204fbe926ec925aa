// createApiServices: the ClusterApi implemented in-process over a Store, the
// one every component uses and the HTTP server exposes. It builds one
// ResourceClient per served type and creates Kubernetes' bootstrap
// namespaces when they are absent.

import { randomUUID } from 'node:crypto';
import type { ClusterApi } from '../api/cluster-api.js';
import { ApiError } from '../api/errors.js';
import type { KubeKinds } from '../api/generated/index.js';
import { conversionOf } from '../api/conversion/index.js';
import { CONVERTED_TYPES, RESOURCE_TYPES, type ResourceType } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import type { Store } from '../store/types.js';
import { defaultApiSchema } from './api-schema.js';
import type { ServicesContext, TypeContext } from './context.js';
import { createConvertedClient } from './converted-client.js';
import { createObject } from './create.js';
import { BOOTSTRAP_NAMESPACES, NamespaceLifecycle } from './namespace-lifecycle.js';
import { createResourceClient, type ServiceResourceClient } from './resource-client.js';
import type { ApiSchema } from './schema.js';
import { strategyFor } from './strategies/kinds.js';
import { subresourceNotFound } from './subresource-errors.js';
import { WatchProgress } from './watch-progress.js';

export interface ApiServicesOptions {
  readonly store: Store;
  /** The clock (creationTimestamp, deletionTimestamp). */
  readonly now?: () => Date;
  /** metadata.uid of new objects; random UUIDs by default. */
  readonly newUid?: () => string;
  /** Defaults, validation and selector parsing; the API package's by default. */
  readonly schema?: ApiSchema;
  /** How often watches with allowWatchBookmarks get a BOOKMARK (default 60 s, about Kubernetes' pace). */
  readonly bookmarkIntervalMs?: number;
}

/** The ClusterApi, with a typed client per kind. */
export interface ApiServices extends ClusterApi {
  resource<T extends KubeObject = KubeObject>(type: ResourceType): ServiceResourceClient<T>;
  readonly namespaces: ServiceResourceClient<KubeKinds['Namespace']>;
  readonly nodes: ServiceResourceClient<KubeKinds['Node']>;
  readonly pods: ServiceResourceClient<KubeKinds['Pod']>;
  readonly services: ServiceResourceClient<KubeKinds['Service']>;
  readonly endpoints: ServiceResourceClient<KubeKinds['Endpoints']>;
  readonly events: ServiceResourceClient<KubeKinds['Event']>;
  readonly configMaps: ServiceResourceClient<KubeKinds['ConfigMap']>;
  readonly secrets: ServiceResourceClient<KubeKinds['Secret']>;
  readonly replicaSets: ServiceResourceClient<KubeKinds['ReplicaSet']>;
  readonly deployments: ServiceResourceClient<KubeKinds['Deployment']>;
  readonly leases: ServiceResourceClient<KubeKinds['Lease']>;
  readonly horizontalPodAutoscalers: ServiceResourceClient<KubeKinds['HorizontalPodAutoscaler']>;
  /**
   * Resolves once the bootstrap namespaces exist (and deletions of namespaces
   * left Terminating have resumed); rejects when that failed. Every verb waits
   * for it, so calling it is optional.
   */
  ready(): Promise<void>;
}

function typeId(type: ResourceType): string {
  return `${type.group}/${type.version}/${type.plural}`;
}

/** Creates the bootstrap namespaces that are missing. */
async function bootstrap(
  namespaceContext: TypeContext,
  lifecycle: NamespaceLifecycle,
): Promise<void> {
  for (const name of BOOTSTRAP_NAMESPACES) {
    try {
      await createObject(namespaceContext, {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
      });
    } catch (error) {
      if (!(error instanceof ApiError && error.reason === 'AlreadyExists')) throw error;
    }
  }
  await lifecycle.resumeTerminating();
}

/** The in-process API over `options.store`. */
export function createApiServices(options: ApiServicesOptions): ApiServices {
  const contexts = new Map<string, TypeContext>();
  const clients = new Map<string, ServiceResourceClient>();
  const contextOf = (kind: string): TypeContext => {
    const found = [...contexts.values()].find((c) => c.type.group === '' && c.type.kind === kind);
    if (!found) throw new Error(`no ${kind} type is served`);
    return found;
  };
  const lifecycle = new NamespaceLifecycle(
    () => contextOf('Namespace'),
    () => [...contexts.values()].filter((c) => c.type.namespaced),
  );
  let markReady: (value: Promise<void>) => void = () => undefined;
  const services: ServicesContext = {
    store: options.store,
    now: options.now ?? (() => new Date()),
    newUid: options.newUid ?? randomUUID,
    schema: options.schema ?? defaultApiSchema,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
    watchProgress: new WatchProgress(options.store),
    namespaces: lifecycle,
    ready: new Promise<void>((resolve) => {
      markReady = resolve;
    }),
  };
  for (const type of RESOURCE_TYPES) {
    const ctx: TypeContext = { services, type, strategy: strategyFor(type) };
    contexts.set(typeId(type), ctx);
    clients.set(typeId(type), createResourceClient(ctx));
  }
  // Bootstrap writes through the Namespace context directly: the clients wait for `ready`.
  const started = bootstrap(contextOf('Namespace'), lifecycle);
  markReady(started);
  // Failures are reported through `ready()` and every verb, not as unhandled rejections.
  services.ready.catch(() => undefined);

  for (const type of CONVERTED_TYPES) {
    const conversion = conversionOf(type);
    const stored = conversion && clients.get(typeId(conversion.stored));
    if (stored) clients.set(typeId(type), createConvertedClient(conversion, stored));
  }
  const resource = <T extends KubeObject = KubeObject>(
    type: ResourceType,
  ): ServiceResourceClient<T> => {
    const client = clients.get(typeId(type));
    if (!client) throw subresourceNotFound();
    return client as unknown as ServiceResourceClient<T>;
  };
  const byKind = <K extends keyof KubeKinds>(kind: K): ServiceResourceClient<KubeKinds[K]> => {
    const type = RESOURCE_TYPES.find((t) => t.kind === kind);
    if (!type) throw new Error(`no ${kind} type is served`);
    return resource<KubeKinds[K]>(type);
  };
  return {
    resource,
    namespaces: byKind('Namespace'),
    nodes: byKind('Node'),
    pods: byKind('Pod'),
    services: byKind('Service'),
    endpoints: byKind('Endpoints'),
    events: byKind('Event'),
    configMaps: byKind('ConfigMap'),
    secrets: byKind('Secret'),
    replicaSets: byKind('ReplicaSet'),
    deployments: byKind('Deployment'),
    leases: byKind('Lease'),
    horizontalPodAutoscalers: byKind('HorizontalPodAutoscaler'),
    ready: () => services.ready,
  };
}
