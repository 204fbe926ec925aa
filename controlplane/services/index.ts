// controlplane/services: the ClusterApi implemented in-process.

export { createApiServices, type ApiServices, type ApiServicesOptions } from './api-services.js';
export type { ServiceResourceClient } from './resource-client.js';
export type { FieldValidation, ServiceWriteOptions } from './context.js';
export type { ApiSchema, FieldRequirement, ValidationResult } from './schema.js';
export { typePrefix, listPrefix, objectKey } from './keys.js';
