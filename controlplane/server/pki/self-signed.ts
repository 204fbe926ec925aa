// A serving certificate for a node agent's HTTPS API, made by the process
// that starts the agent — as the kubelet makes itself a self-signed one when
// none is given. The API server, like kube-apiserver by default, does not
// verify it (it authenticates to the agent with the node token instead).

import { createCaCertificate, createServerCertificate, type CertifiedKey } from './certificate.js';

const ONE_YEAR_MS = 365 * 24 * 3600_000;

/** A key and a certificate chain (leaf, then its one-off issuer) valid for `names`. */
export async function selfSignedServingCertificate(
  commonName: string,
  names: readonly string[],
): Promise<CertifiedKey> {
  const notBefore = new Date(Date.now() - 3600_000);
  const period = { notBefore, notAfter: new Date(notBefore.getTime() + ONE_YEAR_MS) };
  const issuer = await createCaCertificate({
    commonName: `${commonName}-ca@${Date.now()}`,
    ...period,
  });
  const serving = await createServerCertificate(issuer, { commonName, ...period }, names);
  return { certificate: serving.certificate + issuer.certificate, key: serving.key };
}
