// WAGI: a core module serves HTTP the CGI way (RFC 3875). The request arrives
// in environment variables plus stdin; the module prints headers, a blank line
// and the body to stdout. One short-lived instance per request.

import type { HttpRequestMessage } from '../sandbox/protocol.js';

/** What the server knows about itself, for SERVER_* variables. */
export interface CgiServerInfo {
  readonly serverName: string;
  readonly serverPort: number;
}

const decoder = new TextDecoder();

/** RFC 3875 §4.1 meta-variables, plus WAGI's X_FULL_URL / X_MATCHED_ROUTE / X_RAW_PATH_INFO. */
export function cgiEnvironment(
  request: HttpRequestMessage,
  server: CgiServerInfo,
): [string, string][] {
  const [rawPath = '/', query = ''] = splitOnce(request.pathWithQuery, '?');
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    // A malformed escape is passed through raw, as most CGI servers do.
  }
  const env: [string, string][] = [
    ['GATEWAY_INTERFACE', 'CGI/1.1'],
    ['SERVER_SOFTWARE', 'Skiff'],
    ['SERVER_PROTOCOL', 'HTTP/1.1'],
    ['SERVER_NAME', server.serverName],
    ['SERVER_PORT', String(server.serverPort)],
    ['REQUEST_METHOD', request.method],
    ['SCRIPT_NAME', ''],
    ['PATH_INFO', path],
    ['X_RAW_PATH_INFO', rawPath],
    ['X_MATCHED_ROUTE', '/...'],
    ['QUERY_STRING', query],
    ['REMOTE_ADDR', request.remoteAddress],
    ['REMOTE_HOST', request.remoteAddress],
    ['X_FULL_URL', `${request.scheme}://${request.authority}${request.pathWithQuery}`],
    ['CONTENT_LENGTH', String(request.body.length)],
  ];
  const seen = new Set(env.map(([name]) => name));
  for (const [name, value] of request.headers) {
    const text = decoder.decode(value);
    if (name === 'content-type') {
      env.push(['CONTENT_TYPE', text]);
      continue;
    }
    if (name === 'content-length' || name === 'authorization' || name === 'proxy-authorization') {
      continue; // RFC 3875 §4.1.18: credentials are not passed to scripts.
    }
    const variable = 'HTTP_' + name.toUpperCase().replace(/-/g, '_');
    if (seen.has(variable)) {
      const entry = env.find(([n]) => n === variable);
      if (entry) entry[1] += ', ' + text;
      continue;
    }
    seen.add(variable);
    env.push([variable, text]);
  }
  return env;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

/** A parsed CGI response, or why it could not be parsed. */
export type CgiResponse =
  | {
      readonly ok: true;
      readonly status: number;
      readonly headers: [string, string][];
      readonly body: Uint8Array;
    }
  | { readonly ok: false; readonly error: string };

/**
 * Parses a script's stdout (RFC 3875 §6): header lines, an empty line, the body.
 * `Status:` sets the status; `Location:` without it means 302.
 */
export function parseCgiResponse(output: Uint8Array): CgiResponse {
  const end = findHeaderEnd(output);
  if (end === undefined) return { ok: false, error: 'the script printed no header block' };
  const headerText = decoder.decode(output.subarray(0, end.headerEnd));
  const headers: [string, string][] = [];
  let status: number | undefined;
  for (const line of headerText.split(/\r?\n/)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return { ok: false, error: `malformed header line ${JSON.stringify(line)}` };
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      return { ok: false, error: `invalid header name ${JSON.stringify(name)}` };
    }
    if (name.toLowerCase() === 'status') {
      const code = Number.parseInt(value, 10);
      if (!(code >= 100 && code <= 999))
        return { ok: false, error: `invalid Status ${JSON.stringify(value)}` };
      status = code;
      continue;
    }
    headers.push([name.toLowerCase(), value]);
  }
  const hasLocation = headers.some(([name]) => name === 'location');
  const hasContentType = headers.some(([name]) => name === 'content-type');
  if (status === undefined && !hasLocation && !hasContentType) {
    return { ok: false, error: 'the response has none of Content-Type, Location or Status' };
  }
  return {
    ok: true,
    status: status ?? (hasLocation ? 302 : 200),
    headers,
    body: output.subarray(end.bodyStart),
  };
}

function findHeaderEnd(output: Uint8Array): { headerEnd: number; bodyStart: number } | undefined {
  for (let i = 0; i < output.length; i++) {
    if (output[i] !== 0x0a) continue;
    if (output[i + 1] === 0x0a) return { headerEnd: i, bodyStart: i + 2 };
    if (output[i + 1] === 0x0d && output[i + 2] === 0x0a) return { headerEnd: i, bodyStart: i + 3 };
  }
  return undefined;
}
