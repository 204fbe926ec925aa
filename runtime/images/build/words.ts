// Dockerfile words: the shell-like lexing Docker applies to the arguments of
// COPY, ADD, ENV, LABEL, WORKDIR and EXPOSE. Quotes and escapes are resolved
// and variable references recorded at parse time (so a syntax error names its
// line); the values are filled in at build time, when the environment (the
// base image's Env plus earlier ENV lines) is known.
//
// Supported, as in Docker: '...' (literal), "..." (variables expand; the escape
// character escapes only `"`, `$` and itself), the escape character outside
// quotes (the next character is literal), $NAME, ${NAME}, ${NAME:-word},
// ${NAME-word}, ${NAME:+word} and ${NAME+word}. An unset variable is empty.

/** How a `${NAME<modifier>word}` reference uses its word. */
export type Modifier = '-' | ':-' | '+' | ':+';

/** A piece of a word: literal text or a variable reference. */
export type WordPart =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'variable';
      readonly name: string;
      readonly modifier?: Modifier;
      /** The word used by the modifier (itself possibly with variables). */
      readonly word?: Word;
    };

/** A lexed word, ready to expand against an environment. */
export type Word = readonly WordPart[];

/** Malformed quoting or substitution; the parser adds the file and line. */
export class WordSyntaxError extends Error {
  override readonly name = 'WordSyntaxError';
}

const MODIFIERS = [':-', ':+', '-', '+'] as const satisfies readonly Modifier[];
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;
const WHITESPACE = /[ \t]/;

/** A word that is just `text`, with no quotes or variables to process. */
export function literalWord(text: string): Word {
  return text === '' ? [] : [{ kind: 'text', text }];
}

/**
 * Splits `text` at whitespace outside quotes, keeping each word's quotes and
 * escapes (Docker splits `KEY=value` pairs this way before lexing them).
 * Throws WordSyntaxError for an unterminated quote.
 */
export function splitRawWords(text: string, escape: string): string[] {
  const words: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (quote === undefined && WHITESPACE.test(ch)) {
      if (current !== '') words.push(current);
      current = '';
      continue;
    }
    current += ch;
    if (ch === escape && quote !== "'" && i + 1 < text.length) {
      current += text[++i] ?? '';
    } else if (quote === undefined && (ch === '"' || ch === "'")) {
      quote = ch;
    } else if (ch === quote) {
      quote = undefined;
    }
  }
  if (quote !== undefined) throw new WordSyntaxError(`unterminated ${quote} quote`);
  if (current !== '') words.push(current);
  return words;
}

/**
 * Lexes one raw word. With `quotes: false` (the elements of a JSON array) only
 * variable references are processed; quotes and escapes stay as written.
 * Throws WordSyntaxError for unterminated quotes or `${`.
 */
export function parseWord(raw: string, escape: string, options: { quotes?: boolean } = {}): Word {
  return new WordLexer(raw, escape, options.quotes ?? true).word(false);
}

/** The word's text with every variable replaced from `env` (unset: empty). */
export function expandWord(word: Word, env: ReadonlyMap<string, string>): string {
  let text = '';
  for (const part of word) {
    if (part.kind === 'text') {
      text += part.text;
      continue;
    }
    const value = env.get(part.name);
    const alternative = (): string => expandWord(part.word ?? [], env);
    switch (part.modifier) {
      case undefined:
        text += value ?? '';
        break;
      case '-':
        text += value ?? alternative();
        break;
      case ':-':
        text += value === undefined || value === '' ? alternative() : value;
        break;
      case '+':
        text += value === undefined ? '' : alternative();
        break;
      case ':+':
        text += value === undefined || value === '' ? '' : alternative();
        break;
    }
  }
  return text;
}

/** True when expanding `word` could depend on the environment. */
export function hasVariables(word: Word): boolean {
  return word.some((part) => part.kind === 'variable');
}

class WordLexer {
  #pos = 0;

  constructor(
    readonly text: string,
    readonly escape: string,
    readonly quotes: boolean,
  ) {}

  /** Lexes up to the end, or (inside `${NAME:-...}`) up to the unmatched `}`. */
  word(insideBraces: boolean): Word {
    const parts: WordPart[] = [];
    const push = (text: string): void => pushText(parts, text);
    while (this.#pos < this.text.length) {
      const ch = this.text[this.#pos] ?? '';
      if (insideBraces && ch === '}') return parts;
      this.#pos++;
      if (ch === '$') append(parts, this.#variable());
      else if (!this.quotes) push(ch);
      else if (ch === "'") push(this.#singleQuoted());
      else if (ch === '"') this.#doubleQuoted(parts);
      else if (ch === this.escape)
        push(this.#pos < this.text.length ? (this.text[this.#pos++] ?? '') : '');
      else push(ch);
    }
    if (insideBraces) throw new WordSyntaxError(`missing } in ${this.text}`);
    return parts;
  }

  #singleQuoted(): string {
    const end = this.text.indexOf("'", this.#pos);
    if (end < 0) throw new WordSyntaxError(`unterminated ' quote in ${this.text}`);
    const text = this.text.slice(this.#pos, end);
    this.#pos = end + 1;
    return text;
  }

  #doubleQuoted(parts: WordPart[]): void {
    while (this.#pos < this.text.length) {
      const ch = this.text[this.#pos++] ?? '';
      if (ch === '"') return;
      if (ch === '$') {
        append(parts, this.#variable());
      } else if (ch === this.escape) {
        const next = this.text[this.#pos];
        if (next === '"' || next === '$' || next === this.escape) {
          pushText(parts, next);
          this.#pos++;
        } else {
          pushText(parts, ch);
        }
      } else {
        pushText(parts, ch);
      }
    }
    throw new WordSyntaxError(`unterminated " quote in ${this.text}`);
  }

  /** After a `$`: a reference, or a literal `$` when no name follows. */
  #variable(): WordPart {
    const next = this.text[this.#pos] ?? '';
    if (next === '{') {
      this.#pos++;
      return this.#braced();
    }
    if (!NAME_START.test(next)) return { kind: 'text', text: '$' };
    return { kind: 'variable', name: this.#name() };
  }

  #braced(): WordPart {
    const name = this.#name();
    if (name === '')
      throw new WordSyntaxError(`bad substitution in ${this.text}: \${ needs a name`);
    const rest = this.text.slice(this.#pos);
    if (rest === '') throw new WordSyntaxError(`missing } in ${this.text}`);
    if (rest.startsWith('}')) {
      this.#pos++;
      return { kind: 'variable', name };
    }
    // Longest first: `:-` before `-`.
    const matched = (MODIFIERS as readonly Modifier[]).find((m) => rest.startsWith(m));
    if (matched === undefined) {
      throw new WordSyntaxError(
        `unsupported substitution in ${this.text} at "${rest.slice(0, 2)}": use \${NAME}, \${NAME:-default} or \${NAME:+alternative}`,
      );
    }
    this.#pos += matched.length;
    const word = this.word(true);
    this.#pos++; // the closing brace
    return { kind: 'variable', name, modifier: matched, word };
  }

  #name(): string {
    const start = this.#pos;
    if (!NAME_START.test(this.text[this.#pos] ?? '')) return '';
    while (this.#pos < this.text.length && NAME_CHAR.test(this.text[this.#pos] ?? '')) this.#pos++;
    return this.text.slice(start, this.#pos);
  }
}

function append(parts: WordPart[], part: WordPart): void {
  if (part.kind === 'text') pushText(parts, part.text);
  else parts.push(part);
}

function pushText(parts: WordPart[], text: string): void {
  if (text === '') return;
  const last = parts[parts.length - 1];
  if (last?.kind === 'text') parts[parts.length - 1] = { kind: 'text', text: last.text + text };
  else parts.push({ kind: 'text', text });
}
