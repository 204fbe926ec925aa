// Skiff's WASI 0.2 host: the providers a jco-transpiled component is
// instantiated with, running synchronously on the guest's worker thread. One
// call makes the complete import object for one guest instance, plus the bridge
// the worker uses to hand HTTP requests to the guest.
//
// Nothing here imports @bytecodealliance/preview2-shim at run time: its Node
// entry points start an extra I/O worker thread on import and write guest stdio
// to the process's own streams. Only its TypeScript declarations are used.

import type { GuestContext } from '../context.js';
import { createCliImports } from './cli-imports.js';
import { createClockImports } from './clocks-imports.js';
import { createHttpImports } from './http/http-imports.js';
import type { SkiffIncomingHttpBridge } from './http/incoming-bridge.js';
import { createIncomingHttpBridge } from './http/incoming-bridge.js';
import { createIoImports } from './io/io-imports.js';
import type { WasiStreamFactory } from './io/stream-factory.js';
import { createStreamFactory } from './io/stream-factory.js';
import type { FilesystemProviderFactory, WasiImportObject, WasiP2Host } from './provider-types.js';
import { createRandomImports } from './random-imports.js';
import { createNoNetworkSockets } from './sockets/no-network.js';
import type { SocketsProviderFactory } from './sockets/sockets-provider.js';

export type { SkiffIncomingHttpBridge } from './http/incoming-bridge.js';
export type { WasiStreamFactory } from './io/stream-factory.js';
export type {
  SocketsInterface,
  SocketsProvider,
  SocketsProviderFactory,
} from './sockets/sockets-provider.js';
export { SOCKETS_INTERFACES } from './sockets/sockets-provider.js';
export { createNoNetworkSockets } from './sockets/no-network.js';
export { INCOMPLETE_BODY_CODE, NO_RESPONSE_CODE } from './http/response-channel.js';

/** What a provider set is built from, besides the guest context. */
export interface WasiP2HostOptions {
  /** Builds `wasi:filesystem/types` and `/preopens` over this set's streams. */
  readonly createFilesystem: FilesystemProviderFactory;
  /**
   * Builds `wasi:sockets/*`. Default: no network, every socket creation and
   * name lookup fails with `access-denied`. The pod network plugs in here.
   */
  readonly createSockets?: SocketsProviderFactory;
}

/** The WasiP2Host contract, with this implementation's richer bridge and its streams. */
export interface SkiffWasiP2Host extends WasiP2Host {
  readonly http: SkiffIncomingHttpBridge;
  /** The stream factory every provider of this set shares. */
  readonly streams: WasiStreamFactory;
}

/**
 * The complete WASI 0.2 provider set for one guest instance, reading and
 * writing only what `ctx` grants. Make one per instance: stdio streams, the
 * insecure seed and the network resource live as long as the set does.
 */
export function createWasiP2Host(ctx: GuestContext, options: WasiP2HostOptions): SkiffWasiP2Host {
  const streams = createStreamFactory(ctx);
  const filesystem = options.createFilesystem(streams);
  const sockets = (options.createSockets ?? createNoNetworkSockets)(streams);
  const imports: WasiImportObject = {
    ...createIoImports(ctx),
    ...createCliImports(ctx, streams),
    ...createClockImports(ctx.clocks, streams),
    ...createRandomImports((target) => ctx.randomFill(target)),
    'wasi:filesystem/types': filesystem.types,
    'wasi:filesystem/preopens': filesystem.preopens,
    ...sockets,
    ...createHttpImports(),
  };
  return { imports, http: createIncomingHttpBridge(streams), streams };
}
