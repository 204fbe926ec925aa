// From Dockerfile text to logical lines: parser directives read, comments and
// blank lines dropped, continuation lines joined. Each logical line keeps the
// number of the line it starts on, which is what errors name.

import { DockerfileError } from './errors.js';

/** One instruction's text, continuation lines joined. */
export interface LogicalLine {
  /** 1-based number of the line the instruction starts on. */
  readonly line: number;
  readonly text: string;
}

/** The logical lines of a Dockerfile and its escape character. */
export interface SplitDockerfile {
  /** `\` unless a `# escape=` directive chose the backtick. */
  readonly escape: string;
  readonly lines: readonly LogicalLine[];
}

const DIRECTIVE = /^#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$/;
const KNOWN_DIRECTIVES = new Set(['escape', 'syntax', 'check']);
const COMMENT = /^\s*#/;
const BLANK = /^\s*$/;

/**
 * Splits `text` into logical lines. Parser directives (`# escape=`, `# syntax=`
 * and `# check=`, the latter two ignored) are recognised only before anything
 * else, as Docker does; an unknown one is an ordinary comment. Comment and blank
 * lines are skipped, also inside a continued instruction (Docker warns about
 * blank ones there, and accepts them). A continuation removes the
 * escape character (and whitespace after it) and joins the next line directly.
 * Throws DockerfileError for an invalid or repeated directive.
 */
export function splitLogicalLines(text: string, fileName: string): SplitDockerfile {
  const physical = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let escape = '\\';
  const seen = new Set<string>();
  let first = 0;
  for (; first < physical.length; first++) {
    const match = DIRECTIVE.exec(physical[first] ?? '');
    const name = match?.[1]?.toLowerCase();
    if (match === null || name === undefined || !KNOWN_DIRECTIVES.has(name)) break;
    if (seen.has(name)) {
      throw new DockerfileError(fileName, first + 1, `the ${name} directive may appear only once`);
    }
    seen.add(name);
    if (name === 'escape') {
      const value = match[2] ?? '';
      if (value !== '\\' && value !== '`') {
        throw new DockerfileError(
          fileName,
          first + 1,
          `invalid escape character "${value}": use \\ or \``,
        );
      }
      escape = value;
    }
  }
  const continuation = new RegExp(`${escapeRegExp(escape)}[ \\t]*$`);
  const lines: LogicalLine[] = [];
  let pending: LogicalLine | undefined;
  for (let i = first; i < physical.length; i++) {
    const raw = physical[i] ?? '';
    if (COMMENT.test(raw) || BLANK.test(raw)) continue;
    const continues = continuation.test(raw);
    const body = continues ? raw.replace(continuation, '') : raw;
    pending =
      pending === undefined
        ? { line: i + 1, text: body.trimStart() }
        : { line: pending.line, text: pending.text + body };
    if (!continues) {
      if (!BLANK.test(pending.text)) lines.push({ line: pending.line, text: pending.text.trim() });
      pending = undefined;
    }
  }
  // A file may end in the middle of a continuation; Docker takes what is there.
  if (pending !== undefined && !BLANK.test(pending.text))
    lines.push({ line: pending.line, text: pending.text.trim() });
  return { escape, lines };
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}
