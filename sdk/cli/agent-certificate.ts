// The serving certificate of a `skiff node join` agent, kept in its data dir
// as the kubelet keeps its self-signed one (/var/lib/kubelet/pki/kubelet.crt):
// made once, reused while it is valid for the agent's names.
//
// It is made in a short-lived child process: the x509 library and the
// control plane's PKI code would otherwise stay in the long-running agent's
// memory (~13 MiB of its idle RSS), and a worker thread gives less of it back.

import { execFile } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A PEM certificate chain and its key. */
export interface ServingCertificate {
  readonly cert: string;
  readonly key: string;
}

/** A saved certificate is replaced this long before it expires. */
const RENEW_BEFORE_MS = 30 * 24 * 3600_000;

/** True when `saved` is a matching pair valid for another RENEW_BEFORE_MS and for every one of `names`. */
function fits(saved: ServingCertificate, names: readonly string[]): boolean {
  try {
    const certificate = new X509Certificate(saved.cert);
    if (!certificate.checkPrivateKey(createPrivateKey(saved.key))) return false;
    if (Date.parse(certificate.validTo) - Date.now() < RENEW_BEFORE_MS) return false;
    return names.every((name) =>
      isIP(name)
        ? certificate.checkIP(name) !== undefined
        : certificate.checkHost(name) !== undefined,
    );
  } catch {
    return false;
  }
}

/** Makes a self-signed certificate in a child process (see the top of this file). */
function makeCertificate(
  commonName: string,
  names: readonly string[],
): Promise<ServingCertificate> {
  const script = fileURLToPath(new URL('./agent-certificate-child.js', import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [script, commonName, ...names], (error, stdout, stderr) => {
      if (error)
        return reject(new Error(`cannot make a serving certificate: ${stderr || error.message}`));
      try {
        const made = JSON.parse(stdout) as { certificate: string; key: string };
        resolve({ cert: made.certificate, key: made.key });
      } catch {
        reject(new Error(`cannot make a serving certificate: ${stdout.slice(0, 200)}`));
      }
    });
  });
}

/**
 * The agent's certificate for `names` from `<dir>/agent.crt` and `agent.key`,
 * made and saved there (key 0600) when missing, expiring, or not valid for
 * one of the names.
 */
export async function agentServingCertificate(
  dir: string,
  commonName: string,
  names: readonly string[],
): Promise<ServingCertificate> {
  const certFile = path.join(dir, 'agent.crt');
  const keyFile = path.join(dir, 'agent.key');
  const saved = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]).then(
    ([cert, key]) => ({ cert, key }),
    () => undefined,
  );
  if (saved && fits(saved, names)) return saved;
  const made = await makeCertificate(commonName, names);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Each file renamed into place whole; a crash between the two leaves a pair fits() rejects.
  await writeFile(`${keyFile}.tmp`, made.key, { mode: 0o600 });
  await rename(`${keyFile}.tmp`, keyFile);
  await writeFile(`${certFile}.tmp`, made.cert);
  await rename(`${certFile}.tmp`, certFile);
  return made;
}
