// `skiff build`: Wasm images from a Dockerfile subset, and CNCF Wasm artifacts
// from a single .wasm file. Other modules import the builder through this file.

export { buildImage } from './build-image.js';
export type { BuildImageOptions, BuildProgress } from './build-image.js';
export { buildArtifact } from './build-artifact.js';
export type { BuildArtifactOptions } from './build-artifact.js';
export type { BuildResult } from './commit-image.js';
export { parseDockerfile } from './parser.js';
export type {
  CopyInstruction,
  ExecInstruction,
  ExposeInstruction,
  FromInstruction,
  Instruction,
  KeyValue,
  KeyValueInstruction,
  WorkdirInstruction,
} from './instructions.js';
export { SUPPORTED_INSTRUCTIONS } from './instructions.js';
export { expandWord } from './words.js';
export type { Word, WordPart } from './words.js';
export { BuildError, DockerfileError } from './errors.js';
