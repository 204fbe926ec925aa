// sdk/client: the ClusterApi of a remote Skiff (or Kubernetes) API server over
// HTTP(S), informers on top of any ClusterApi, and kubeconfig files.

export { createClient, type HttpClusterApi } from './client.js';
export { defaultUserAgent, type ClientConfig, type TlsConfig } from './config.js';
export type { DiscoveredResource } from './discovery.js';
export type { AccessQuestion, ClientReviews } from './reviews.js';
export {
  createInformer,
  objectKey,
  type Informer,
  type InformerHandlers,
  type InformerOptions,
} from './informer.js';
export {
  defaultKubeconfigPath,
  kubeconfigFiles,
  loadKubeconfig,
  mergeKubeconfigs,
  parseKubeconfig,
  resolveClientConfig,
  KubeconfigError,
  type Kubeconfig,
  type KubeconfigOverrides,
  type ResolvedClientConfig,
} from './kubeconfig.js';
export { errorFromResponse } from './response-errors.js';
export { resourcePath } from './paths.js';
export { readPodLogs, type PodLogRequest } from './pod-logs.js';
export type { HttpResourceClient, TableOptions } from './resource-client.js';
export { ConnectionError, isStatus } from './response-errors.js';
export {
  isTable,
  TABLE_ACCEPT,
  type Table,
  type TableColumnDefinition,
  type TableRow,
} from './table.js';
export type { StreamedEvent } from './watch-stream.js';
export type { Transport, RequestOptions, StreamResponse } from './transport.js';
export {
  createEventRecorder,
  type EventRecorder,
  type EventSource,
  type EventType,
  type InvolvedObject,
} from './event-recorder.js';
export { execInPod, type PodExecRequest } from './pod-exec.js';
