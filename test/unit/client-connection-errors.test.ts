import t from 'tap';
import { ConnectionError } from '../../sdk/client/index.js';
import { connectionError } from '../../sdk/client/response-errors.js';

/** An undici-like failure: a TypeError whose cause is the socket's error. */
function fetchFailure(code: string, message: string): TypeError {
  const cause = Object.assign(new Error(message), { code });
  return new TypeError('fetch failed', { cause });
}

t.test('failures without an answer read as kubectl reports them', async (t) => {
  const https = new URL('https://127.0.0.1:6443/api/v1/pods');
  const refused = connectionError(https, fetchFailure('ECONNREFUSED', 'connect ECONNREFUSED'));
  t.ok(refused instanceof ConnectionError);
  t.equal(refused.host, '127.0.0.1:6443');
  t.equal(
    refused.message,
    'The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?',
  );

  const unknown = connectionError(
    https,
    fetchFailure('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'),
  );
  t.match(
    unknown.message,
    /^Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority \(self-signed certificate\); .*certificate-authority-data.*--insecure-skip-tls-verify/,
  );
  const chain = connectionError(
    https,
    fetchFailure('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'unable to verify'),
  );
  t.match(chain.message, /certificate signed by unknown authority/);

  const altname = connectionError(
    https,
    fetchFailure(
      'ERR_TLS_CERT_ALTNAME_INVALID',
      "Hostname/IP does not match certificate's altnames",
    ),
  );
  t.match(altname.message, /x509: Hostname\/IP does not match.*tls-server-name/);
  const expired = connectionError(
    https,
    fetchFailure('CERT_HAS_EXPIRED', 'certificate has expired'),
  );
  t.match(expired.message, /certificate has expired or is not yet valid/);

  const dns = connectionError(
    new URL('https://nowhere.invalid:6443/'),
    fetchFailure('ENOTFOUND', 'getaddrinfo ENOTFOUND'),
  );
  t.equal(
    dns.message,
    'Unable to connect to the server: dial tcp: lookup nowhere.invalid: no such host',
  );

  const plainServer = connectionError(
    https,
    fetchFailure('ERR_SSL_WRONG_VERSION_NUMBER', 'ssl3_get_record:wrong version number'),
  );
  t.equal(
    plainServer.message,
    'Unable to connect to the server: http: server gave HTTP response to HTTPS client',
  );
  const tlsServer = connectionError(
    new URL('http://127.0.0.1:6443/'),
    fetchFailure('UND_ERR_SOCKET', 'other side closed'),
  );
  t.match(tlsServer.message, /other side closed.*https only/);
  t.equal(
    connectionError(https, new Error('boom')).message,
    'Unable to connect to the server: boom',
  );
});
