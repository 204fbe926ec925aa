// parseDockerfile: the Dockerfile subset `skiff build` accepts, with an error
// naming the file and line for everything outside it. A Wasm image is made of
// files, so the instructions that run commands or configure a Linux process
// (RUN, USER, SHELL, ...) are refused with what to do instead.

import { DockerfileError, errorAt } from './errors.js';
import type { FromInstruction, Instruction } from './instructions.js';
import { SUPPORTED_INSTRUCTIONS } from './instructions.js';
import type { LineContext } from './instruction-parsers.js';
import {
  parseCopy,
  parseExec,
  parseExpose,
  parseFrom,
  parseKeyValues,
  parseWorkdir,
} from './instruction-parsers.js';
import { splitLogicalLines } from './logical-lines.js';

/** Why each well-known instruction outside the subset is refused. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  RUN: 'a Wasm image is built from files (COPY/ADD), not by running commands',
  ARG: 'build arguments are not part of the subset; use ENV, or write the value in',
  USER: 'Wasm guests have no users; what a guest may touch is decided by its mounts',
  VOLUME: "declare volumes in the pod spec (volumes and the container's volumeMounts)",
  HEALTHCHECK: "use the pod spec's livenessProbe and readinessProbe",
  SHELL: 'a Wasm image has no shell',
  STOPSIGNAL:
    'a Wasm guest cannot handle signals; commands end at the first SIGTERM, servers drain',
  ONBUILD: 'triggers for later builds are not part of the subset',
  MAINTAINER: 'it is deprecated; use LABEL org.opencontainers.image.authors="..."',
};

const SUPPORTED: ReadonlySet<string> = new Set(SUPPORTED_INSTRUCTIONS);

/**
 * Parses Dockerfile `text` (`fileName` names it in errors). The result starts
 * with the one FROM. Throws DockerfileError (`<fileName>:<line>: ...`) for an
 * instruction outside the subset, a second FROM, an instruction before FROM,
 * malformed arguments (bad JSON, unterminated quotes, shell-form commands) and
 * a file without FROM.
 */
export function parseDockerfile(text: string, fileName = 'Dockerfile'): Instruction[] {
  const { escape, lines } = splitLogicalLines(text, fileName);
  const instructions: Instruction[] = [];
  let from: FromInstruction | undefined;
  for (const { line, text: lineText } of lines) {
    const match = /^(\S+)\s*([\s\S]*)$/.exec(lineText);
    const keyword = (match?.[1] ?? '').toUpperCase();
    const args = (match?.[2] ?? '').trim();
    const context: LineContext = {
      where: { file: fileName, line },
      keyword,
      args,
      text: args === '' ? keyword : `${keyword} ${args}`,
      escape,
    };
    const refused = UNSUPPORTED[keyword];
    if (refused !== undefined)
      throw errorAt(context.where, `${keyword} is not supported: ${refused}`);
    if (!SUPPORTED.has(keyword)) {
      throw errorAt(
        context.where,
        `unknown instruction ${match?.[1] ?? keyword}: skiff build supports ${SUPPORTED_INSTRUCTIONS.join(', ')}`,
      );
    }
    if (keyword === 'FROM') {
      if (from !== undefined) {
        throw errorAt(
          context.where,
          `a second FROM: multi-stage builds are not supported (the first FROM is on line ${from.line})`,
        );
      }
      from = parseFrom(context);
      instructions.push(from);
      continue;
    }
    if (from === undefined)
      throw errorAt(context.where, `${keyword} before FROM: a Dockerfile starts with FROM`);
    instructions.push(parseInstruction(context));
  }
  if (from === undefined) {
    throw new DockerfileError(
      fileName,
      0,
      'no FROM instruction: start with FROM scratch or FROM <image>',
    );
  }
  return instructions;
}

function parseInstruction(line: LineContext): Instruction {
  switch (line.keyword) {
    case 'COPY':
    case 'ADD':
      return parseCopy(line, line.keyword);
    case 'ENTRYPOINT':
    case 'CMD':
      return parseExec(line, line.keyword);
    case 'ENV':
    case 'LABEL':
      return parseKeyValues(line, line.keyword);
    case 'WORKDIR':
      return parseWorkdir(line);
    case 'EXPOSE':
      return parseExpose(line);
    default:
      throw errorAt(line.where, `unknown instruction ${line.keyword}`);
  }
}
