// Which image of an index (or Docker manifest list) a node runs.

import type { Descriptor, Platform } from '../oci/types.js';

/** A platform as people write it: `wasi/wasm`, `linux/amd64`, `linux/arm/v7`. */
export function formatPlatform(platform: Platform | undefined): string {
  if (!platform) return 'unknown platform';
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

/** True for the platforms of Wasm images (`wasi/wasm`, and the artifact's wasip1/wasip2). */
export function isWasmPlatform(platform: Platform | undefined): boolean {
  return platform?.architecture === 'wasm' && /^wasi(p[12])?$/.test(platform.os);
}

/** The host's architecture in OCI's words. */
export function hostArchitecture(): string {
  const names: Record<string, string> = { x64: 'amd64', ia32: '386', ppc64: 'ppc64le' };
  return names[process.arch] ?? process.arch;
}

export interface PlatformChoice {
  readonly descriptor: Descriptor;
  /** Why it was picked, when it is not a Wasm image (shown to the user). */
  readonly note?: string;
}

/**
 * Picks a `wasi/wasm` manifest. Without one, picks the Linux image for this
 * machine's architecture (or the first Linux one) for the Docker fallback, and
 * says so. Undefined when the index has neither.
 */
export function choosePlatform(
  manifests: readonly Descriptor[],
  reference: string,
): PlatformChoice | undefined {
  const wasm = manifests.find((m) => isWasmPlatform(m.platform));
  if (wasm) return { descriptor: wasm };
  const linux = manifests.filter((m) => m.platform?.os === 'linux');
  const native = linux.find((m) => m.platform?.architecture === hostArchitecture()) ?? linux[0];
  if (!native) return undefined;
  const offered = manifests.map((m) => formatPlatform(m.platform)).join(', ');
  return {
    descriptor: native,
    note:
      `${reference} has no wasi/wasm image (it offers ${offered}); ` +
      `keeping ${formatPlatform(native.platform)} for the Docker runtime`,
  };
}
