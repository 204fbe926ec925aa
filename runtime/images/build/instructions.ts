// The Dockerfile subset `skiff build` understands, as parsed instructions.
// Arguments that Docker expands variables in are Words (expanded at build
// time); the exec-form arguments of ENTRYPOINT and CMD are plain strings, since
// Docker never expands those.

import type { ImageReference } from '../oci/reference.js';
import type { Platform } from '../oci/types.js';
import type { Word } from './words.js';

/** What every instruction carries: where it is, and its text as written. */
export interface InstructionBase {
  /** 1-based line the instruction starts on. */
  readonly line: number;
  /** The logical line (continuations joined), for history `created_by` and messages. */
  readonly text: string;
}

/** `FROM scratch` or `FROM [--platform=os/arch] <image> [AS <name>]`. */
export interface FromInstruction extends InstructionBase {
  readonly kind: 'FROM';
  readonly image: ImageReference | 'scratch';
  readonly stageName?: string;
  readonly platform?: Platform;
}

/** `COPY` and `ADD`: sources in the build context, then the destination. */
export interface CopyInstruction extends InstructionBase {
  readonly kind: 'COPY' | 'ADD';
  readonly sources: readonly Word[];
  readonly destination: Word;
  /** `--chmod=<octal>`: the permission bits of every copied file and directory. */
  readonly chmod?: number;
}

/** `ENTRYPOINT` and `CMD`, in exec form. */
export interface ExecInstruction extends InstructionBase {
  readonly kind: 'ENTRYPOINT' | 'CMD';
  readonly args: readonly string[];
}

/** One `key=value` of ENV or LABEL. */
export interface KeyValue {
  readonly key: Word;
  readonly value: Word;
}

/** `ENV` and `LABEL`: pairs applied in order (values expand in the environment before the line). */
export interface KeyValueInstruction extends InstructionBase {
  readonly kind: 'ENV' | 'LABEL';
  readonly pairs: readonly KeyValue[];
}

/** `WORKDIR <path>`: relative paths are relative to the previous WORKDIR. */
export interface WorkdirInstruction extends InstructionBase {
  readonly kind: 'WORKDIR';
  readonly path: Word;
}

/** `EXPOSE <port>[/<protocol>] ...`; validated once expanded. */
export interface ExposeInstruction extends InstructionBase {
  readonly kind: 'EXPOSE';
  readonly ports: readonly Word[];
}

/** A parsed Dockerfile instruction. A Dockerfile is a FROM followed by the others. */
export type Instruction =
  | FromInstruction
  | CopyInstruction
  | ExecInstruction
  | KeyValueInstruction
  | WorkdirInstruction
  | ExposeInstruction;

/** The names of the instructions in the subset, in the order the docs list them. */
export const SUPPORTED_INSTRUCTIONS = [
  'FROM',
  'COPY',
  'ADD',
  'ENTRYPOINT',
  'CMD',
  'ENV',
  'WORKDIR',
  'LABEL',
  'EXPOSE',
] as const;
