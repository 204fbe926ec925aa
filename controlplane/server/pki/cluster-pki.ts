// The control plane's PKI in its data directory (`pki/`): a CA made at first
// start, and a server certificate the CA signs for the addresses the API is
// reached at (re-issued when a new address is needed). Keys are mode 0600.

import { X509Certificate } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createCaCertificate, createServerCertificate } from './certificate.js';

/** PEM texts the server and its clients need. */
export interface ClusterPki {
  /** The CA certificate: what kubeconfig's certificate-authority-data holds. */
  readonly caCertificate: string;
  /** The server's certificate (then the CA's) and key, for the TLS listener. */
  readonly serverCertificate: string;
  readonly serverKey: string;
}

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;
const CA_NAME = { commonName: 'skiff-ca', organization: 'skiff' };

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function writeAtomically(file: string, text: string, mode: number): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode });
  await rename(temporary, file);
}

function validity(): { notBefore: Date; notAfter: Date } {
  // An hour back: clocks of client machines differ a little.
  const notBefore = new Date(Date.now() - 3600_000);
  return { notBefore, notAfter: new Date(notBefore.getTime() + TEN_YEARS_MS) };
}

/** The names every server certificate covers, plus `extra` (the listen host when specific). */
export function serverNames(extra: readonly string[] = []): string[] {
  const names = ['localhost', '127.0.0.1', '::1', os.hostname(), ...extra];
  return [...new Set(names.filter((n) => n !== '' && n !== '0.0.0.0' && n !== '::'))];
}

function covers(certificatePemText: string, names: readonly string[]): boolean {
  const altNames = new X509Certificate(certificatePemText).subjectAltName ?? '';
  const present = new Set(
    altNames.split(', ').map((entry) => entry.replace(/^(DNS|IP Address):/, '').toLowerCase()),
  );
  return names.every((n) => present.has(n.toLowerCase()) || present.has(expandIPv6(n)));
}

/** Node prints IPv6 SANs fully expanded (`0:0:0:0:0:0:0:1`); `::1` must match it. */
function expandIPv6(address: string): string {
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t]
    : h;
  return groups.map((g) => parseInt(g, 16).toString(16)).join(':');
}

/** The PKI of `dataDir`, creating what is missing; the server certificate covers `names`. */
export async function ensureClusterPki(
  dataDir: string,
  names: readonly string[],
): Promise<ClusterPki> {
  const dir = path.join(dataDir, 'pki');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files = {
    caCert: path.join(dir, 'ca.crt'),
    caKey: path.join(dir, 'ca.key'),
    serverCert: path.join(dir, 'server.crt'),
    serverKey: path.join(dir, 'server.key'),
  };

  let caCertificate = await readIfExists(files.caCert);
  let caKey = await readIfExists(files.caKey);
  if (!caCertificate || !caKey) {
    const ca = await createCaCertificate({ ...CA_NAME, ...validity() });
    caCertificate = ca.certificate;
    caKey = ca.key;
    await writeAtomically(files.caKey, caKey, 0o600);
    await writeAtomically(files.caCert, caCertificate, 0o644);
  }

  let serverCertificate = await readIfExists(files.serverCert);
  let serverKey = await readIfExists(files.serverKey);
  const issuedByCa = serverCertificate
    ? new X509Certificate(serverCertificate).checkIssued(new X509Certificate(caCertificate))
    : false;
  if (!serverCertificate || !serverKey || !issuedByCa || !covers(serverCertificate, names)) {
    const server = await createServerCertificate(
      { certificate: caCertificate, key: caKey },
      { commonName: 'skiff-apiserver', organization: 'skiff', ...validity() },
      names,
    );
    serverCertificate = server.certificate;
    serverKey = server.key;
    await writeAtomically(files.serverKey, serverKey, 0o600);
    await writeAtomically(files.serverCert, serverCertificate, 0o644);
  }
  return { caCertificate, serverCertificate: serverCertificate + caCertificate, serverKey };
}
