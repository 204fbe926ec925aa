// Container logs on the node: the kubelet's layout and CRI format, rotation,
// and reads as `kubectl logs` shows them.
export type {
  ContainerLogChunk,
  ContainerLogRef,
  ContainerLogStore,
  ContainerLogWriter,
  LogReadOptions,
} from './container-log-store.js';
export { LogNotFoundError } from './container-log-store.js';
export type { LogStream } from './cri-log-format.js';
export { formatLogTimestamp, MAX_LOG_LINE_BYTES, parseLogTimestamp } from './cri-log-format.js';
export {
  createContainerLogStore,
  DEFAULT_CONTAINER_LOG_MAX_FILES,
  DEFAULT_CONTAINER_LOG_MAX_SIZE,
  DEFAULT_LOG_BUFFER_BYTES,
} from './file-log-store.js';
export type { ContainerLogStoreOptions, FileContainerLogStore } from './file-log-store.js';
export { containerLogDir, podLogDir } from './log-files.js';
