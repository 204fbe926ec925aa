// sdk/embedded: a whole Skiff cluster in-process (createCluster).
export { createCluster, type Cluster, type ClusterOptions } from './create-cluster.js';
