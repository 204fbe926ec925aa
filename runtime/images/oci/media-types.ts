// The media types Skiff reads and writes (OCI image spec, Docker image
// manifest v2, and the CNCF Wasm OCI artifact).

export const MediaTypes = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerTar: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerTarGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerTarGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  /** CNCF Wasm OCI artifact: the config of a single-module image. */
  wasmConfig: 'application/vnd.wasm.config.v0+json',
  /** CNCF Wasm OCI artifact: the one layer, the module or component itself. */
  wasmLayer: 'application/wasm',
} as const;

/** Manifests that describe one image. */
export const IMAGE_MANIFEST_TYPES: readonly string[] = [
  MediaTypes.ociManifest,
  MediaTypes.dockerManifest,
];
/** Manifests that list images per platform. */
export const INDEX_TYPES: readonly string[] = [MediaTypes.ociIndex, MediaTypes.dockerManifestList];
/** Layers that are (possibly gzipped) tar archives of a root filesystem. */
export const TAR_LAYER_TYPES: readonly string[] = [
  MediaTypes.ociLayerTar,
  MediaTypes.ociLayerTarGzip,
  MediaTypes.dockerLayerTarGzip,
];

/** The Accept header a client sends for manifests. */
export const MANIFEST_ACCEPT = [...INDEX_TYPES, ...IMAGE_MANIFEST_TYPES].join(', ');
