// Small conveniences for driving a ContainerRuntime in tests.

import { randomBytes } from 'node:crypto';
import type {
  ContainerHandle,
  ContainerRuntime,
  ContainerSpec,
  ExitResult,
  PodSandbox,
  ResolvedImage,
} from '../../runtime/index.js';
import { VirtualPodNetwork } from '../../runtime/index.js';

/** A standalone pod sandbox with its own network namespace. */
export function testSandbox(hostname = 'test-pod'): PodSandbox {
  return {
    id: randomBytes(8).toString('hex'),
    name: hostname,
    namespace: 'default',
    hostname,
    network: new VirtualPodNetwork('10.244.0.10'),
  };
}

/** A spec running `image` with `args` and nothing else granted, plus `extra`. */
export function specFor(
  image: ResolvedImage,
  args: string[],
  extra: Partial<ContainerSpec> = {},
): ContainerSpec {
  return { name: 'c', image, args, env: [], mounts: [], ports: [], resources: {}, ...extra };
}

export interface Finished {
  readonly result: ExitResult;
  readonly stdout: string;
  readonly stderr: string;
}

/** Collects a container's output until it exits. */
export async function collect(handle: ContainerHandle): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  const decoder = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  for await (const chunk of handle.logs({ follow: true })) {
    const text = decoder[chunk.stream].decode(chunk.data, { stream: true });
    if (chunk.stream === 'stdout') stdout += text;
    else stderr += text;
  }
  return { result: await handle.wait(), stdout, stderr };
}

/** Starts a container and waits for it to exit. */
export async function runToExit(
  runtime: ContainerRuntime,
  spec: ContainerSpec,
  sandbox: PodSandbox = testSandbox(),
): Promise<Finished> {
  return collect(await runtime.start(spec, sandbox));
}

/** An async iterable yielding `chunks` (as stdin), optionally with a delay first. */
export async function* stdinOf(chunks: string[], delayMs = 0): AsyncIterable<Uint8Array> {
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  for (const chunk of chunks) yield new TextEncoder().encode(chunk);
}

/** Polls `condition` every 20 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(condition: () => boolean, timeoutMs = 2000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** Stdin that yields `first` and then stays open forever (a terminal nobody types into). */
export async function* openStdin(first: string): AsyncIterable<Uint8Array> {
  yield new TextEncoder().encode(first);
  await new Promise(() => undefined);
}

/** Resolves once `text` appeared in the container's output. */
export async function outputContaining(
  handle: { logs: (o: { follow: boolean }) => AsyncIterable<{ data: Uint8Array }> },
  text: string,
): Promise<void> {
  let seen = '';
  for await (const chunk of handle.logs({ follow: true })) {
    seen += new TextDecoder().decode(chunk.data);
    if (seen.includes(text)) return;
  }
  throw new Error(`the container exited before printing ${text}`);
}
