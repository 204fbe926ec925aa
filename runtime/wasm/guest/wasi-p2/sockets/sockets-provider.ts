// The shape of a wasi:sockets provider. Guests get no network today, but the
// pod network will plug in here: a factory that receives the stream factory
// (sockets hand out wasi:io streams and pollables) and returns the seven
// `wasi:sockets/*` namespaces, all sharing one `Network` class.

import type { WasiStreamFactory } from '../io/stream-factory.js';

/** The interfaces a sockets provider serves, by unversioned name. */
export const SOCKETS_INTERFACES = [
  'wasi:sockets/instance-network',
  'wasi:sockets/network',
  'wasi:sockets/tcp',
  'wasi:sockets/tcp-create-socket',
  'wasi:sockets/udp',
  'wasi:sockets/udp-create-socket',
  'wasi:sockets/ip-name-lookup',
] as const;

/** One of `SOCKETS_INTERFACES`. */
export type SocketsInterface = (typeof SOCKETS_INTERFACES)[number];

/** The `wasi:sockets/*` part of an import object. */
export type SocketsProvider = Readonly<Record<SocketsInterface, object>>;

/** Builds the sockets provider for one guest once its stream factory exists. */
export type SocketsProviderFactory = (streams: WasiStreamFactory) => SocketsProvider;
