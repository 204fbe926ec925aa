// The API server: the ClusterApi over HTTP as Kubernetes serves it, and the
// wiring that runs a control plane from a data directory.
export { createApiServer } from './api-server.js';
export type { ApiServerOptions, MountedRouter } from './api-server.js';
export { authenticate, isPublicPath } from './auth.js';
export type { AuthenticatedUser, TokenAuth, TokenIdentity } from './auth.js';
export { KUBERNETES_GIT_VERSION } from './discovery/version.js';
export { expressMessageClasses } from './express-messages.js';
export type { MessageClasses } from './express-messages.js';
export type { HealthCheck } from './health.js';
export { listenHttp } from './http-listener.js';
export type { HttpListener, ListenOptions } from './http-listener.js';
export { createApiMetrics } from './metrics.js';
export type { ApiMetrics, ApiMetricsOptions } from './metrics.js';
export { DEFAULT_MAX_BODY_BYTES } from './request-body.js';
export { DEFAULT_WATCH_TIMEOUT } from './watch-stream.js';
export type { WatchTimeoutRange } from './watch-stream.js';
