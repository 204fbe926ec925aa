// The image config as a Dockerfile is applied line by line: starts from the
// base image's config (every field carried over, unknown ones included) and
// ends as the new image's config file.

import path from 'node:path';
import type { ContainerConfig, ImageConfigFile, Platform } from '../oci/types.js';
import { errorAt } from './errors.js';
import type { SourceLocation } from './errors.js';
import { exposedPortKeys } from './exposed-ports.js';
import type {
  ExecInstruction,
  ExposeInstruction,
  KeyValueInstruction,
  WorkdirInstruction,
} from './instructions.js';
import { expandWord } from './words.js';

/** The instructions that change only the config (no layer). */
export type ConfigInstruction =
  ExecInstruction | KeyValueInstruction | WorkdirInstruction | ExposeInstruction;

type HistoryEntry = NonNullable<ImageConfigFile['history']>[number];

/** Marks the history entries this builder adds. */
export const HISTORY_COMMENT = 'skiff build';

/** A config being built. */
export class ConfigState {
  readonly #base: ImageConfigFile | undefined;
  readonly #platform: Platform;
  readonly #env = new Map<string, string>();
  readonly #labels = new Map<string, string>();
  readonly #ports = new Set<string>();
  readonly #diffIds: string[];
  readonly #history: HistoryEntry[];
  #entrypoint: readonly string[] | null | undefined;
  #cmd: readonly string[] | null | undefined;
  #cmdSetHere = false;
  #workingDir: string;

  /** Starts from `base` (undefined for FROM scratch), for an image of `platform`. */
  constructor(base: ImageConfigFile | undefined, platform: Platform) {
    this.#base = base;
    this.#platform = platform;
    const config = base?.config;
    for (const line of config?.Env ?? []) {
      const equals = line.indexOf('=');
      if (equals > 0) this.#env.set(line.slice(0, equals), line.slice(equals + 1));
    }
    for (const [key, value] of Object.entries(config?.Labels ?? {})) this.#labels.set(key, value);
    for (const key of Object.keys(config?.ExposedPorts ?? {})) this.#ports.add(key);
    this.#entrypoint = config?.Entrypoint;
    this.#cmd = config?.Cmd;
    this.#workingDir = config?.WorkingDir ?? '';
    this.#diffIds = [...(base?.rootfs.diff_ids ?? [])];
    this.#history = [...(base?.history ?? [])];
  }

  /** The environment variables expand in: the base image's Env, then ENV lines so far. */
  get env(): ReadonlyMap<string, string> {
    return this.#env;
  }

  /** The current WORKDIR, absolute; `/` when none was set. */
  get workingDir(): string {
    return this.#workingDir || '/';
  }

  /** Applies one config instruction. Throws DockerfileError for invalid expanded values. */
  apply(instruction: ConfigInstruction, where: SourceLocation): void {
    switch (instruction.kind) {
      case 'ENTRYPOINT':
        this.#entrypoint = instruction.args;
        // As Docker: an ENTRYPOINT drops the CMD inherited from the base image,
        // which was written for the base's entrypoint, but not a CMD of this file.
        if (!this.#cmdSetHere) this.#cmd = undefined;
        return;
      case 'CMD':
        this.#cmd = instruction.args;
        this.#cmdSetHere = true;
        return;
      case 'ENV':
      case 'LABEL': {
        // Every value expands in the environment as it was before the line (Docker's rule).
        const before = new Map(this.#env);
        const target = instruction.kind === 'ENV' ? this.#env : this.#labels;
        for (const pair of instruction.pairs) {
          const key = expandWord(pair.key, before);
          if (key === '') throw errorAt(where, `${instruction.kind}: a key expands to nothing`);
          if (instruction.kind === 'ENV' && key.includes('='))
            throw errorAt(where, `ENV ${key}: a name cannot contain =`);
          target.set(key, expandWord(pair.value, before));
        }
        return;
      }
      case 'WORKDIR': {
        const dir = expandWord(instruction.path, this.#env);
        if (dir === '') throw errorAt(where, 'WORKDIR expands to an empty path');
        this.#workingDir = path.posix.resolve(this.workingDir, dir);
        return;
      }
      case 'EXPOSE':
        for (const port of instruction.ports) {
          const checked = exposedPortKeys(expandWord(port, this.#env));
          if ('problem' in checked) throw errorAt(where, `EXPOSE: ${checked.problem}`);
          for (const key of checked.keys) this.#ports.add(key);
        }
        return;
    }
  }

  /** Records a layer made by the instruction `createdBy` at `created`. */
  addLayer(diffId: string, createdBy: string, created: string): void {
    this.#diffIds.push(diffId);
    this.#history.push({ created, created_by: createdBy, comment: HISTORY_COMMENT });
  }

  /** Records an instruction that changed only the config. */
  addConfigHistory(createdBy: string, created: string): void {
    this.#history.push({
      created,
      created_by: createdBy,
      comment: HISTORY_COMMENT,
      empty_layer: true,
    });
  }

  /** The config file (map keys sorted, as Go writes them, so equal configs are equal bytes). */
  toConfigFile(created: string): ImageConfigFile {
    const config: ContainerConfig = {
      ...this.#base?.config,
      ...optional(
        'Env',
        this.#env.size > 0 ? [...this.#env].map(([key, value]) => `${key}=${value}`) : undefined,
      ),
      ...optional('Entrypoint', this.#entrypoint),
      ...optional('Cmd', this.#cmd),
      ...optional('WorkingDir', this.#workingDir || undefined),
      ...optional('Labels', this.#labels.size > 0 ? sortedRecord([...this.#labels]) : undefined),
      ...optional(
        'ExposedPorts',
        this.#ports.size > 0 ? sortedRecord([...this.#ports].map((key) => [key, {}])) : undefined,
      ),
    };
    if (this.#entrypoint === undefined) delete (config as { Entrypoint?: unknown }).Entrypoint;
    if (this.#cmd === undefined) delete (config as { Cmd?: unknown }).Cmd;
    return {
      created,
      ...(this.#base?.author === undefined ? {} : { author: this.#base.author }),
      architecture: this.#platform.architecture,
      os: this.#platform.os,
      ...(this.#platform.variant === undefined ? {} : { variant: this.#platform.variant }),
      config,
      rootfs: { type: 'layers', diff_ids: [...this.#diffIds] },
      history: [...this.#history],
    };
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function sortedRecord<V>(entries: [string, V][]): Record<string, V> {
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
