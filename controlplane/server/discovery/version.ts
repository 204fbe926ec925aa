// `/version`: what kubectl and client libraries read to know the server. Skiff
// speaks the API of Kubernetes 1.32, so it says 1.32 (kubectl warns about
// client/server skew beyond one minor version); the build metadata names Skiff.

/** `version.Info` as the apiserver serves it. */
export interface VersionInfo {
  readonly major: string;
  readonly minor: string;
  readonly gitVersion: string;
  readonly gitCommit: string;
  readonly gitTreeState: string;
  readonly buildDate: string;
  readonly goVersion: string;
  readonly compiler: string;
  readonly platform: string;
}

/** The Kubernetes API version Skiff serves: semver-equal to v1.32.0, `+skiff` marks the server. */
export const KUBERNETES_GIT_VERSION = 'v1.32.0+skiff';

const ARCHITECTURES: Readonly<Record<string, string>> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
};

/** The `/version` document. */
export function versionInfo(buildDate: string): VersionInfo {
  return {
    major: '1',
    minor: '32',
    gitVersion: KUBERNETES_GIT_VERSION,
    gitCommit: '',
    gitTreeState: 'clean',
    buildDate,
    goVersion: `node${process.versions.node}`,
    compiler: 'skiff',
    platform: `${process.platform}/${ARCHITECTURES[process.arch] ?? process.arch}`,
  };
}
