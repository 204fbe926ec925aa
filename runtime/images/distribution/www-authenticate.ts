// Parsing WWW-Authenticate (RFC 9110 §11.6.1): what a registry's 401 asks for.
//
// One header may carry several challenges, and Headers.get joins repeated
// headers with ", ", so commas separate both challenges and their parameters:
//   Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull,push", Basic realm="x"
// A comma inside a quoted string (the scope above) belongs to the value. A new
// challenge starts where a token is not followed by `=`.

/** One challenge: its scheme in lower case, its parameters by lower-case name. */
export interface AuthChallenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;

/** Every challenge in `header`, in order; malformed trailing parts are dropped. */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  const scanner = new Scanner(header);
  const challenges: AuthChallenge[] = [];
  for (;;) {
    scanner.skip(/[\s,]/);
    const scheme = scanner.token();
    if (scheme === '') break;
    const params: Record<string, string> = {};
    scanner.skip(/\s/);
    const token68 = scanner.token68();
    if (token68 !== undefined) {
      params.token68 = token68;
    } else {
      readParams(scanner, params);
    }
    challenges.push({ scheme: scheme.toLowerCase(), params });
  }
  return challenges;
}

/** The challenge with `scheme`, when the header offers it. */
export function findChallenge(
  challenges: readonly AuthChallenge[],
  scheme: string,
): AuthChallenge | undefined {
  return challenges.find((challenge) => challenge.scheme === scheme);
}

function readParams(scanner: Scanner, params: Record<string, string>): void {
  for (;;) {
    const start = scanner.position;
    scanner.skip(/[\s,]/);
    const name = scanner.token();
    scanner.skip(/\s/);
    if (name === '' || !scanner.take('=')) {
      // Not `name=`: the next challenge's scheme (or the end).
      scanner.position = start;
      return;
    }
    scanner.skip(/\s/);
    params[name.toLowerCase()] = scanner.peek() === '"' ? scanner.quoted() : scanner.bare();
    scanner.skip(/\s/);
    if (scanner.peek() !== ',') return;
  }
}

class Scanner {
  position = 0;
  constructor(private readonly text: string) {}

  peek(): string {
    return this.text.charAt(this.position);
  }

  take(char: string): boolean {
    if (this.peek() !== char) return false;
    this.position++;
    return true;
  }

  skip(pattern: RegExp): void {
    while (this.position < this.text.length && pattern.test(this.peek())) this.position++;
  }

  token(): string {
    const start = this.position;
    this.skip(TOKEN_CHAR);
    return this.text.slice(start, this.position);
  }

  /** An unquoted value: strictly a token, but leniently anything up to a comma or space. */
  bare(): string {
    const start = this.position;
    this.skip(/[^\s,]/);
    return this.text.slice(start, this.position);
  }

  /** A token68 (`Negotiate abc==`): token chars, `=` padding, then a comma or the end. */
  token68(): string | undefined {
    const start = this.position;
    this.skip(TOKEN68_CHAR);
    const body = this.position;
    this.skip(/=/);
    const after = this.text.slice(this.position).trimStart();
    if (body > start && (after === '' || after.startsWith(','))) {
      // `realm=x` would stop at `=` followed by more text; only a lone token68 gets here.
      return this.text.slice(start, this.position);
    }
    this.position = start;
    return undefined;
  }

  /** A quoted string, backslash escapes removed; an unterminated one runs to the end. */
  quoted(): string {
    this.position++; // the opening quote
    let value = '';
    while (this.position < this.text.length) {
      const char = this.text.charAt(this.position++);
      if (char === '"') return value;
      value += char === '\\' ? this.text.charAt(this.position++) : char;
    }
    return value;
  }
}
