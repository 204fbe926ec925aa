// Path patterns, as COPY sources and .dockerignore lines use them: Go's
// filepath.Match syntax per path component (`*`, `?`, `[a-z]`, `[^a-z]`, `\`
// escapes) plus `**` for any number of directories, as Docker's pattern
// matcher has it. Paths are relative and slash-separated.

/** True when `pattern` has wildcards (and so may match several paths). */
export function hasWildcards(pattern: string): boolean {
  return /(^|[^\\])[*?[]/.test(pattern);
}

/** The pattern with `\` escapes removed, for patterns without wildcards. */
export function unescapePattern(pattern: string): string {
  return pattern.replace(/\\(.)/g, '$1');
}

/** Number of path components the pattern can match, or Infinity when it has `**`. */
export function patternDepth(pattern: string): number {
  return pattern.split('/').some((part) => part.includes('**'))
    ? Infinity
    : pattern.split('/').length;
}

/**
 * Compiles `pattern` to a RegExp matching whole relative paths. Throws Error
 * for an unterminated `[` class, which Go's filepath.Match also refuses.
 */
export function compilePathPattern(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] ?? '';
    if (ch === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') {
        i++;
        source += '(?:.*/)?';
      } else {
        source += '.*';
      }
    } else if (ch === '*') {
      source += '[^/]*';
    } else if (ch === '?') {
      source += '[^/]';
    } else if (ch === '[') {
      const end = classEnd(pattern, i);
      if (end < 0) throw new Error(`unterminated [ in pattern "${pattern}"`);
      source += characterClass(pattern.slice(i + 1, end));
      i = end;
    } else if (ch === '\\' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i] ?? '');
    } else {
      source += escapeRegExp(ch);
    }
  }
  return new RegExp(`^${source}$`);
}

function classEnd(pattern: string, open: number): number {
  let i = open + 1;
  if (pattern[i] === '^' || pattern[i] === '!') i++;
  if (pattern[i] === ']') i++; // a leading ] is literal
  for (; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === ']') return i;
  }
  return -1;
}

function characterClass(body: string): string {
  let negate = false;
  let rest = body;
  if (rest.startsWith('^') || rest.startsWith('!')) {
    negate = true;
    rest = rest.slice(1);
  }
  let out = '';
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i] ?? '';
    if (ch === '\\' && i + 1 < rest.length) out += `\\${rest[++i] ?? ''}`;
    else if (ch === '-') out += '-';
    else out += /[\\\]^[]/.test(ch) ? `\\${ch}` : ch;
  }
  // A class never matches the separator, as in filepath.Match.
  return negate ? `[^/${out}]` : `(?!/)[${out}]`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
