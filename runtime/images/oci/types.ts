// OCI image spec structures, as they appear on the wire (JSON field names
// are the specs'). Docker's schema 2 manifests and lists have the same shape.

/** A platform, as in an image index entry or an image config. */
export interface Platform {
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly 'os.version'?: string;
}

/** A content descriptor: what, how big, and its digest (`sha256:<hex>`). */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly platform?: Platform;
  readonly artifactType?: string;
}

/** An image manifest (OCI v1, or Docker v2 schema 2). */
export interface ImageManifest {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly artifactType?: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

/** An image index (OCI), or a Docker manifest list. */
export interface ImageIndex {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly manifests: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The runtime part of an image config (Docker's field names, capitalised). */
export interface ContainerConfig {
  readonly Entrypoint?: readonly string[] | null;
  readonly Cmd?: readonly string[] | null;
  readonly Env?: readonly string[] | null;
  readonly WorkingDir?: string;
  readonly Labels?: Readonly<Record<string, string>> | null;
  readonly ExposedPorts?: Readonly<Record<string, object>> | null;
  readonly User?: string;
}

/** An OCI image config (`application/vnd.oci.image.config.v1+json`). */
export interface ImageConfigFile {
  readonly created?: string;
  readonly author?: string;
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly config?: ContainerConfig;
  readonly rootfs: { readonly type: 'layers'; readonly diff_ids: readonly string[] };
  readonly history?: readonly {
    readonly created?: string;
    readonly created_by?: string;
    readonly comment?: string;
    readonly empty_layer?: boolean;
  }[];
}

/** The config of a CNCF Wasm OCI artifact (`application/vnd.wasm.config.v0+json`). */
export interface WasmArtifactConfig {
  readonly created: string;
  readonly author?: string;
  readonly architecture: 'wasm';
  /** `wasip1` for core modules, `wasip2` for components. */
  readonly os: 'wasip1' | 'wasip2';
  /** Digests of the manifest's layers, in order (keeps configs unique). */
  readonly layerDigests: readonly string[];
  /** Required for `wasip2`: the component's world. */
  readonly component?: {
    readonly exports: readonly string[];
    readonly imports: readonly string[];
    readonly target?: string;
  };
}
