// Errors raised by the binary toolkit. Both carry the facts a caller needs to
// report the problem to a user (byte offset, sizes) without parsing messages;
// the Wasm runtime maps them onto its own RuntimeError / OOMKilled results.

/**
 * The bytes are not a WebAssembly binary this toolkit can read or rewrite:
 * bad magic, truncation, an unknown opcode, or a feature the rewrite does not
 * support. `message` is written for the person who supplied the binary.
 */
export class WasmFormatError extends Error {
  override readonly name = 'WasmFormatError';

  /**
   * @param message what is wrong, naming the section or function involved
   * @param offset byte offset in the input where the problem was found, when known
   */
  constructor(
    message: string,
    readonly offset?: number,
  ) {
    super(message);
  }
}

/**
 * A defined memory's initial size is already above the container's memory
 * limit, so the guest could never start inside it (the kernel would OOM-kill
 * such a process on its first touch of that memory).
 */
export class MemoryLimitExceededError extends Error {
  override readonly name = 'MemoryLimitExceededError';

  /**
   * @param memoryIndex index of the offending memory in the module's memory index space
   * @param initialBytes the memory's declared initial size in bytes
   * @param limitBytes the limit it was checked against in bytes
   */
  constructor(
    readonly memoryIndex: number,
    readonly initialBytes: number,
    readonly limitBytes: number,
  ) {
    super(
      `memory ${memoryIndex} starts at ${formatBytes(initialBytes)}, above the memory limit of ` +
        `${formatBytes(limitBytes)}; raise the container's memory limit or build the guest with ` +
        `a smaller initial memory`,
    );
  }
}

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB (${bytes} bytes)` : `${bytes} bytes`;
}
