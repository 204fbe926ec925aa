// Pod networking: namespaces and ways to bring traffic into them.
export type { ConnectionHandler, PodNetwork, PortBinding } from './pod-network.js';
export { NetworkError } from './pod-network.js';
export { VirtualPodNetwork } from './virtual-pod-network.js';
export { parsePublication, publishPort } from './publish.js';
export type { PortPublication, PublishedPort } from './publish.js';
