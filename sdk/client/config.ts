// What the HTTP client needs to reach one API server: where, as whom, how to
// trust it, and the namespace to use when a call names none. kubeconfig.ts
// builds one of these from a kubeconfig file the way kubectl does.

/**
 * How to trust an https server and prove who we are to it. PEM texts, not
 * files: kubeconfig.ts reads the files so that errors name them.
 */
export interface TlsConfig {
  /** The CAs the server's certificate must chain to (they replace the system's, as in kubectl). */
  readonly certificateAuthority?: string;
  /** Accept any certificate (kubectl's insecure-skip-tls-verify); kubeconfig.ts refuses it together with a CA. */
  readonly insecureSkipTlsVerify?: boolean;
  /** The name the certificate must carry, and the SNI sent, when not the server URL's host. */
  readonly serverName?: string;
  /** A client certificate, sent when the server asks for one; needs clientKey. */
  readonly clientCertificate?: string;
  readonly clientKey?: string;
}

/** How to reach and authenticate to one API server. */
export interface ClientConfig {
  /** `https://127.0.0.1:6443` or `http://...`; a path prefix is kept (`https://host/k8s`). */
  readonly server: string;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /**
   * The namespace of single-object calls (get, create, update, patch, delete,
   * ...) whose options and object name none; `default` when absent. list and
   * watch never use it: there, no namespace means all namespaces (ClusterApi).
   */
  readonly namespace?: string;
  /** `skiff/0.1.0 (linux/x64)` when absent. */
  readonly userAgent?: string;
  /**
   * Each non-watch request fails after this long (kubectl's --request-timeout).
   * When absent, a server that stops answering is given up on after
   * 300 s without headers or body data; watches never time out on our side.
   */
  readonly timeoutMs?: number;
  /** Used for https servers only. */
  readonly tls?: TlsConfig;
}

/** The User-Agent sent when the config names none. */
export function defaultUserAgent(): string {
  return `skiff/${process.env.npm_package_version ?? '0.1.0'} (${process.platform}/${process.arch})`;
}
