// The node agent's HTTP API (the kubelet's port): container logs and exec.
export type { NodePodInfo, PodResolver } from './container-logs-route.js';
export { DEFAULT_NODE_SERVER_PORT } from './node-listener.js';
export type { NodeListenAddress, NodeServerListener, NodeServerTls } from './node-listener.js';
export { createNodeServer } from './node-server.js';
export type { NodeServer, NodeServerOptions } from './node-server.js';
export { ExecTargetError, type ContainerExec } from './exec-route.js';
