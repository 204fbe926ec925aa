// Which header names and values a guest may use. Names are RFC 9110 tokens and
// are compared case-insensitively (stored lower-case, as HTTP/2 and Wasmtime
// do); values are visible ASCII, obs-text, spaces and tabs. Hop-by-hop and
// connection-level headers are the host's business, so guests may neither set
// nor see them (the same set Wasmtime forbids by default).

const TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

/** Header names a guest may not set, and that are removed from requests it receives. */
export const FORBIDDEN_FIELD_NAMES: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'host',
  'http2-settings',
]);

function isTokenChar(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || // 0-9
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    TOKEN_SYMBOLS.includes(String.fromCharCode(code))
  );
}

/** True when `name` is a syntactically valid header name (an HTTP token). */
export function isValidFieldName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    if (!isTokenChar(name.charCodeAt(i))) return false;
  }
  return true;
}

/** True when `value` may appear in a header: no control bytes other than tab. */
export function isValidFieldValue(value: Uint8Array): boolean {
  for (const byte of value) {
    if ((byte < 0x20 && byte !== 0x09) || byte === 0x7f) return false;
  }
  return true;
}

/** True when a guest may not use the header `name` (any case). */
export function isForbiddenFieldName(name: string): boolean {
  return FORBIDDEN_FIELD_NAMES.has(name.toLowerCase());
}

/** True when `method` is a valid HTTP method token. */
export function isValidMethod(method: string): boolean {
  return isValidFieldName(method);
}
