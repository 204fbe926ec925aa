// The node agent (Skiff's kubelet): what entry points may use of runtime/agent.
export { startNodeAgent, type NodeAgent, type NodeAgentOptions } from './node-agent.js';
export type { BackoffOptions } from './crash-backoff.js';
export type { NodeServerTls } from './node-server/index.js';
