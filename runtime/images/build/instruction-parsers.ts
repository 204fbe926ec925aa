// One parser per supported instruction: the arguments of one logical line
// become an Instruction, or a DockerfileError naming the line.

import { parseReference, ReferenceError } from '../oci/reference.js';
import type { Platform } from '../oci/types.js';
import type { SourceLocation } from './errors.js';
import { errorAt } from './errors.js';
import { exposedPortKeys } from './exposed-ports.js';
import type {
  CopyInstruction,
  ExecInstruction,
  ExposeInstruction,
  FromInstruction,
  KeyValue,
  KeyValueInstruction,
  WorkdirInstruction,
} from './instructions.js';
import type { Word } from './words.js';
import { hasVariables, literalWord, parseWord, splitRawWords, WordSyntaxError } from './words.js';

/** One logical line, split into its instruction keyword and arguments. */
export interface LineContext {
  readonly where: SourceLocation;
  /** Upper case, e.g. `COPY`. */
  readonly keyword: string;
  /** Everything after the keyword, trimmed. */
  readonly args: string;
  /** `KEYWORD args`, the normalised text of the line. */
  readonly text: string;
  readonly escape: string;
}

// Characters that mean something to /bin/sh: a shell-form command using them
// cannot be turned into an exec form without guessing.
const SHELL_SYNTAX = /[\s'"`$\\|&;<>()*?[\]~#{}!]/;

/** `FROM scratch` | `FROM [--platform=os/arch[/variant]] <reference> [AS <name>]`. */
export function parseFrom(line: LineContext): FromInstruction {
  const { flags, rest } = leadingFlags(line);
  let platform: Platform | undefined;
  for (const [name, value] of flags) {
    if (name !== 'platform')
      throw errorAt(line.where, `unknown flag --${name} for FROM (only --platform)`);
    platform = parsePlatform(line, value);
  }
  const words = rawWords(line, rest);
  const [image, as, stageName, ...extra] = words;
  if (image === undefined)
    throw errorAt(line.where, 'FROM needs an image: FROM scratch or FROM <image>');
  if (
    extra.length > 0 ||
    (as !== undefined && (as.toLowerCase() !== 'as' || stageName === undefined))
  ) {
    throw errorAt(line.where, `FROM ${rest}: expected FROM <image> [AS <name>]`);
  }
  if (image.includes('$')) {
    throw errorAt(
      line.where,
      `FROM ${image}: variables in FROM need ARG, which skiff build does not support`,
    );
  }
  const base = { kind: 'FROM' as const, line: line.where.line, text: line.text };
  const named = {
    ...(stageName === undefined ? {} : { stageName }),
    ...(platform === undefined ? {} : { platform }),
  };
  if (image === 'scratch') return { ...base, image: 'scratch', ...named };
  try {
    return { ...base, image: parseReference(image), ...named };
  } catch (error) {
    if (error instanceof ReferenceError)
      throw errorAt(line.where, `FROM ${image}: ${error.message}`);
    throw error;
  }
}

/** `COPY|ADD [--chmod=<octal>] <src>... <dest>`, or with a JSON array of strings. */
export function parseCopy(line: LineContext, kind: 'COPY' | 'ADD'): CopyInstruction {
  const { flags, rest } = leadingFlags(line);
  let chmod: number | undefined;
  for (const [name, value] of flags) {
    if (name === 'chmod' && /^[0-7]{3,4}$/.test(value)) chmod = Number.parseInt(value, 8);
    else throw errorAt(line.where, unsupportedCopyFlag(kind, name, value));
  }
  let words: Word[];
  if (rest.startsWith('[')) {
    words = jsonStrings(line, rest).map((text) => wordOf(line, text, false));
  } else {
    const raw = rawWords(line, rest);
    const heredoc = raw.find((word) => word.startsWith('<<'));
    if (heredoc !== undefined) {
      throw errorAt(
        line.where,
        `${kind} ${heredoc}: here-documents are not supported; put the file in the build context`,
      );
    }
    words = raw.map((text) => wordOf(line, text, true));
  }
  for (const source of words.slice(0, -1)) {
    const literal = source.map((part) => (part.kind === 'text' ? part.text : '$')).join('');
    if (URL_LIKE.test(literal)) throw errorAt(line.where, noDownloads(kind, literal));
  }
  const destination = words.pop();
  if (destination === undefined || words.length === 0) {
    throw errorAt(
      line.where,
      `${kind} needs at least one source and a destination: ${kind} <src>... <dest>`,
    );
  }
  return {
    kind,
    line: line.where.line,
    text: line.text,
    sources: words,
    destination,
    ...(chmod === undefined ? {} : { chmod }),
  };
}

/**
 * `ENTRYPOINT` / `CMD` in exec form (a JSON array of strings). A shell-form
 * line that is a single plain word (`CMD serve`) is taken as that one-element
 * exec form; anything else in shell form would need /bin/sh, which Wasm images
 * do not have, so it is refused with the exec form to write instead.
 */
export function parseExec(line: LineContext, kind: 'ENTRYPOINT' | 'CMD'): ExecInstruction {
  const base = { kind, line: line.where.line, text: line.text };
  if (line.args.startsWith('[')) return { ...base, args: jsonStrings(line, line.args) };
  if (line.args === '')
    throw errorAt(line.where, `${kind} needs a command, e.g. ${kind} ["/app.wasm"]`);
  if (!SHELL_SYNTAX.test(line.args)) return { ...base, args: [line.args] };
  const suggestion = JSON.stringify(line.args.split(/\s+/)).replaceAll('","', '", "');
  throw errorAt(
    line.where,
    `${kind} in shell form runs /bin/sh -c, and a Wasm image has no /bin/sh: write the exec form, e.g. ${kind} ${suggestion}`,
  );
}

/** `ENV|LABEL key=value ...` or the legacy single pair `ENV key value with spaces`. */
export function parseKeyValues(line: LineContext, kind: 'ENV' | 'LABEL'): KeyValueInstruction {
  const raw = rawWords(line, line.args);
  const first = raw[0];
  if (first === undefined) throw errorAt(line.where, `${kind} needs key=value pairs`);
  const pairs: KeyValue[] = [];
  if (!first.includes('=')) {
    // Legacy form: one key, and the rest of the line (spaces kept) is the value.
    const value = line.args.slice(first.length).trim();
    if (value === '')
      throw errorAt(line.where, `${kind} ${first}: expected ${kind} ${first}=<value>`);
    pairs.push({ key: wordOf(line, first, true), value: wordOf(line, value, true) });
  } else {
    for (const word of raw) {
      const equals = word.indexOf('=');
      if (equals < 0) throw errorAt(line.where, `${kind} ${word}: expected key=value`);
      if (equals === 0) throw errorAt(line.where, `${kind} ${word}: the key is empty`);
      pairs.push({
        key: wordOf(line, word.slice(0, equals), true),
        value: wordOf(line, word.slice(equals + 1), true),
      });
    }
  }
  return { kind, line: line.where.line, text: line.text, pairs };
}

/** `WORKDIR <path>`: the whole rest of the line is the path. */
export function parseWorkdir(line: LineContext): WorkdirInstruction {
  if (line.args === '') throw errorAt(line.where, 'WORKDIR needs a path');
  return {
    kind: 'WORKDIR',
    line: line.where.line,
    text: line.text,
    path: wordOf(line, line.args, true),
  };
}

/** `EXPOSE <port>[/<protocol>] ...`; literal ports are checked now, others once expanded. */
export function parseExpose(line: LineContext): ExposeInstruction {
  const ports = rawWords(line, line.args).map((text) => wordOf(line, text, true));
  if (ports.length === 0)
    throw errorAt(line.where, 'EXPOSE needs at least one port, e.g. EXPOSE 8080');
  for (const port of ports) {
    if (hasVariables(port)) continue;
    const checked = exposedPortKeys(
      port.map((part) => (part.kind === 'text' ? part.text : '')).join(''),
    );
    if ('problem' in checked) throw errorAt(line.where, `EXPOSE: ${checked.problem}`);
  }
  return { kind: 'EXPOSE', line: line.where.line, text: line.text, ports };
}

/** Sources that would need the network: URLs and git remotes. */
export const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/|^git@/;

/** Why a URL source is refused. */
export function noDownloads(kind: string, source: string): string {
  return `${kind} ${source}: downloading is not supported (builds have no network): fetch the file into the build context and COPY it`;
}

function unsupportedCopyFlag(kind: string, name: string, value: string): string {
  switch (name) {
    case 'chmod':
      return `${kind} --chmod=${value}: expected octal permission bits, e.g. --chmod=755`;
    case 'from':
      return `${kind} --from: multi-stage builds are not supported (a Dockerfile has one FROM)`;
    case 'chown':
      return `${kind} --chown: files in a Wasm image belong to uid 0; Wasm guests have no users`;
    default:
      return `unknown flag --${name} for ${kind} (only --chmod)`;
  }
}

/** Leading `--name=value` words, and the text after them. */
function leadingFlags(line: LineContext): { flags: [string, string][]; rest: string } {
  const flags: [string, string][] = [];
  let rest = line.args;
  for (let match = /^--([A-Za-z-]+)(?:=(\S*))?(?:\s+|$)/.exec(rest); match !== null;) {
    flags.push([match[1] ?? '', match[2] ?? '']);
    rest = rest.slice(match[0].length);
    match = /^--([A-Za-z-]+)(?:=(\S*))?(?:\s+|$)/.exec(rest);
  }
  return { flags, rest };
}

function parsePlatform(line: LineContext, value: string): Platform {
  const [os, architecture, variant, ...extra] = value.split('/');
  if (!os || !architecture || extra.length > 0 || variant === '') {
    throw errorAt(
      line.where,
      `FROM --platform=${value}: expected os/architecture[/variant], e.g. wasi/wasm`,
    );
  }
  return { os, architecture, ...(variant === undefined ? {} : { variant }) };
}

function jsonStrings(line: LineContext, text: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((item): item is string => typeof item === 'string')) {
    throw errorAt(
      line.where,
      `${line.keyword} ${text}: not a JSON array of strings (JSON needs double quotes: ["/app.wasm", "arg"])`,
    );
  }
  return parsed;
}

function rawWords(line: LineContext, text: string): string[] {
  try {
    return splitRawWords(text, line.escape);
  } catch (error) {
    if (error instanceof WordSyntaxError)
      throw errorAt(line.where, `${line.keyword}: ${error.message}`);
    throw error;
  }
}

function wordOf(line: LineContext, raw: string, quotes: boolean): Word {
  try {
    return raw === '' ? literalWord('') : parseWord(raw, line.escape, { quotes });
  } catch (error) {
    if (error instanceof WordSyntaxError)
      throw errorAt(line.where, `${line.keyword}: ${error.message}`);
    throw error;
  }
}
