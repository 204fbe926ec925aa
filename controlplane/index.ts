// controlplane: the API (types, schemas, errors), the store, the services that
// implement the API on the store, and the HTTP server. What other modules use.

export { startControlPlane, KUBECONFIG_FILE } from './control-plane.js';
export type { ControlPlane, ControlPlaneOptions, ControlPlaneStoreKind } from './control-plane.js';
export { selfSignedServingCertificate } from './server/pki/self-signed.js';
