// The OCI Distribution API client: pull and push manifests and blobs, tags.
export {
  repositoryScope,
  type RegistryCredentials,
  type RepositoryAction,
} from './authenticator.js';
export type { BlobSource, PushBlobResult } from './blob-upload.js';
export type { CallOptions, PulledManifest, RegistryClientOptions } from './client-types.js';
export { digestOf } from './digests.js';
export {
  RegistryError,
  type NetworkFailure,
  type OciErrorEntry,
  type OperationContext,
  type RegistryFailure,
} from './errors.js';
export { RegistryClient, registryClient } from './registry-client.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
