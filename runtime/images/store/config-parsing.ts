// Image configs, narrowed from untrusted JSON: the OCI / Docker image config
// (with its runtime part, `config`) and the CNCF Wasm artifact's config.

import { MediaTypes } from '../oci/media-types.js';
import type { ContainerConfig, ImageConfigFile, WasmArtifactConfig } from '../oci/types.js';
import { InvalidImageError } from './image-store-types.js';
import {
  isJsonObject,
  optionalAnnotations,
  optionalString,
  optionalStringArray,
  parseJsonObject,
  requiredString,
} from './json-shapes.js';

const WASM_ARTIFACT_OSES: readonly string[] = ['wasip1', 'wasip2'];

/** Parses the config blob according to its descriptor's media type. */
export function parseImageConfig(
  bytes: Buffer,
  configMediaType: string,
  what: string,
): ImageConfigFile | WasmArtifactConfig {
  const json = parseJsonObject(bytes, what);
  if (configMediaType === MediaTypes.wasmConfig) return parseWasmArtifactConfig(json, what);
  if (configMediaType !== MediaTypes.ociConfig && configMediaType !== MediaTypes.dockerConfig) {
    throw new InvalidImageError(`${what}: unsupported config media type "${configMediaType}"`);
  }
  const architecture = requiredString(json.architecture, `${what}: architecture`);
  const os = requiredString(json.os, `${what}: os`);
  const variant = optionalString(json.variant, `${what}: variant`);
  const created = optionalString(json.created, `${what}: created`);
  let diffIds: string[] = [];
  if (json.rootfs !== undefined) {
    if (!isJsonObject(json.rootfs)) throw new InvalidImageError(`${what}: rootfs is not an object`);
    diffIds = optionalStringArray(json.rootfs.diff_ids, `${what}: rootfs.diff_ids`) ?? [];
  }
  const config = json.config === undefined || json.config === null ? undefined : json.config;
  return {
    ...json,
    architecture,
    os,
    ...(variant ? { variant } : {}),
    ...(created ? { created } : {}),
    ...(config === undefined ? {} : { config: parseContainerConfig(config, `${what}: config`) }),
    rootfs: { type: 'layers', diff_ids: diffIds },
  };
}

function parseWasmArtifactConfig(
  json: Readonly<Record<string, unknown>>,
  what: string,
): WasmArtifactConfig {
  if (json.architecture !== 'wasm') {
    throw new InvalidImageError(`${what}: a Wasm artifact's architecture must be "wasm"`);
  }
  const os = requiredString(json.os, `${what}: os`);
  if (os !== 'wasip1' && os !== 'wasip2') {
    throw new InvalidImageError(
      `${what}: os "${os}" is not one of ${WASM_ARTIFACT_OSES.join(', ')}`,
    );
  }
  const layerDigests = optionalStringArray(json.layerDigests, `${what}: layerDigests`);
  if (layerDigests === undefined) throw new InvalidImageError(`${what}: layerDigests: missing`);
  let component: WasmArtifactConfig['component'];
  if (json.component !== undefined && json.component !== null) {
    if (!isJsonObject(json.component)) {
      throw new InvalidImageError(`${what}: component is not an object`);
    }
    const target = optionalString(json.component.target, `${what}: component.target`);
    component = {
      exports: optionalStringArray(json.component.exports, `${what}: component.exports`) ?? [],
      imports: optionalStringArray(json.component.imports, `${what}: component.imports`) ?? [],
      ...(target ? { target } : {}),
    };
  }
  const author = optionalString(json.author, `${what}: author`);
  return {
    created: requiredString(json.created, `${what}: created`),
    architecture: 'wasm',
    os,
    layerDigests,
    ...(author ? { author } : {}),
    ...(component ? { component } : {}),
  };
}

function parseContainerConfig(value: unknown, what: string): ContainerConfig {
  if (!isJsonObject(value)) throw new InvalidImageError(`${what}: not an object`);
  const workingDir = optionalString(value.WorkingDir, `${what}.WorkingDir`);
  const user = optionalString(value.User, `${what}.User`);
  const entrypoint = optionalStringArray(value.Entrypoint, `${what}.Entrypoint`);
  const cmd = optionalStringArray(value.Cmd, `${what}.Cmd`);
  const env = optionalStringArray(value.Env, `${what}.Env`);
  const labels = optionalAnnotations(value.Labels, `${what}.Labels`);
  let exposedPorts: Record<string, object> | undefined;
  if (value.ExposedPorts !== undefined && value.ExposedPorts !== null) {
    if (!isJsonObject(value.ExposedPorts)) {
      throw new InvalidImageError(`${what}.ExposedPorts: not an object`);
    }
    exposedPorts = Object.fromEntries(Object.keys(value.ExposedPorts).map((key) => [key, {}]));
  }
  return {
    ...value,
    ...(entrypoint ? { Entrypoint: entrypoint } : {}),
    ...(cmd ? { Cmd: cmd } : {}),
    ...(env ? { Env: env } : {}),
    ...(workingDir !== undefined ? { WorkingDir: workingDir } : {}),
    ...(user !== undefined ? { User: user } : {}),
    ...(labels ? { Labels: labels } : {}),
    ...(exposedPorts ? { ExposedPorts: exposedPorts } : {}),
  };
}

/** True for a CNCF Wasm artifact's config. */
export function isWasmArtifactConfig(
  config: ImageConfigFile | WasmArtifactConfig,
): config is WasmArtifactConfig {
  return 'layerDigests' in config && config.architecture === 'wasm';
}
