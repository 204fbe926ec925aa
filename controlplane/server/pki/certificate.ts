// Certificates of the control plane's own PKI: a CA, and server certificates
// it signs for the API's addresses (ECDSA P-256, SHA-256), made with
// @peculiar/x509 on Node's WebCrypto. Clients verify the server against the
// CA that the kubeconfig carries, as with a cluster made by kubeadm.

import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const crypto = webcrypto;

/** A certificate and its private key, both PEM. */
export interface CertifiedKey {
  readonly certificate: string;
  /** PKCS#8 PEM. */
  readonly key: string;
}

/** Who a certificate is for and how long it is valid. */
export interface CertificateSubject {
  readonly commonName: string;
  readonly organization?: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

function distinguishedName(subject: CertificateSubject): string {
  return subject.organization
    ? `CN=${subject.commonName}, O=${subject.organization}`
    : `CN=${subject.commonName}`;
}

// A positive 128-bit serial: RFC 5280 asks for unique, positive serials.
function serialNumber(): string {
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  return serial.toString('hex');
}

async function newKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
}

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
}

async function importSigningKey(pem: string): Promise<CryptoKey> {
  const der = createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' });
  return crypto.subtle.importKey('pkcs8', der, ALGORITHM, false, ['sign']);
}

/** A self-signed CA that may sign server certificates (and nothing below them). */
export async function createCaCertificate(subject: CertificateSubject): Promise<CertifiedKey> {
  const keys = await newKeyPair();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      name: distinguishedName(subject),
      notBefore: subject.notBefore,
      notAfter: subject.notAfter,
      keys,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature |
            x509.KeyUsageFlags.keyCertSign |
            x509.KeyUsageFlags.cRLSign,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certificate: certificate.toString('pem') + '\n', key: await pkcs8Pem(keys.privateKey) };
}

/** A TLS server certificate signed by `ca`, valid for `names` (DNS names and IP addresses). */
export async function createServerCertificate(
  ca: CertifiedKey,
  subject: CertificateSubject,
  names: readonly string[],
): Promise<CertifiedKey> {
  const keys = await newKeyPair();
  const caCertificate = new x509.X509Certificate(ca.certificate);
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: distinguishedName(subject),
      issuer: caCertificate.subject,
      notBefore: subject.notBefore,
      notAfter: subject.notAfter,
      publicKey: keys.publicKey,
      signingKey: await importSigningKey(ca.key),
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(
          names.map((value) => ({ type: isIP(value) ? ('ip' as const) : ('dns' as const), value })),
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(caCertificate, false, crypto),
      ],
    },
    crypto,
  );
  return { certificate: certificate.toString('pem') + '\n', key: await pkcs8Pem(keys.privateKey) };
}
