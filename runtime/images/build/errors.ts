// Errors of `skiff build`. A DockerfileError points at the line to fix; a
// BuildError is about anything else (the context, the store, a .wasm file).

/** A build that cannot proceed; the message says why and what to do. */
export class BuildError extends Error {
  override readonly name: string = 'BuildError';
}

/**
 * A problem with one Dockerfile line (or the file as a whole when `line` is 0).
 * The message reads `Dockerfile:4: RUN is not supported: ...`, the way
 * compilers name a location, so editors and people can jump to it.
 */
export class DockerfileError extends BuildError {
  override readonly name = 'DockerfileError';

  constructor(
    readonly file: string,
    readonly line: number,
    readonly detail: string,
  ) {
    super(line > 0 ? `${file}:${line}: ${detail}` : `${file}: ${detail}`);
  }
}

/** Where an instruction came from, for errors raised while building it. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

/** A DockerfileError at `where`. */
export function errorAt(where: SourceLocation, detail: string): DockerfileError {
  return new DockerfileError(where.file, where.line, detail);
}
