// The sockets provider for guests without a network (all of them until pod
// networking lands): creating a socket and resolving a name fail with
// `access-denied`. The resource classes exist, with WASI's method names, so
// components that import sockets link and fail cleanly at run time. No socket
// is ever handed out, so their methods only guard against misuse.

import type {
  IncomingDatagram,
  IncomingDatagramStream as IncomingDatagramStreamApi,
  OutgoingDatagramStream as OutgoingDatagramStreamApi,
  UdpSocket as UdpSocketApi,
} from '@bytecodealliance/preview2-shim/interfaces/wasi-sockets-udp';
import type {
  IpAddress,
  IpAddressFamily,
  IpSocketAddress,
} from '@bytecodealliance/preview2-shim/interfaces/wasi-sockets-network';
import type { ResolveAddressStream as ResolveAddressStreamApi } from '@bytecodealliance/preview2-shim/interfaces/wasi-sockets-ip-name-lookup';
import type { TcpSocket as TcpSocketApi } from '@bytecodealliance/preview2-shim/interfaces/wasi-sockets-tcp';
import type { InputStream } from '../io/input-stream.js';
import type { OutputStream } from '../io/output-stream.js';
import type { Pollable } from '../io/poll.js';
import type { WasiStreamFactory } from '../io/stream-factory.js';
import { failWith, GuestTrap } from '../wit.js';
import { Network, networkErrorCode } from './network.js';
import type { SocketErrorCode } from './network.js';
import type { SocketsProvider } from './sockets-provider.js';

function denied(): never {
  return failWith('access-denied' satisfies SocketErrorCode);
}

/** `wasi:sockets/tcp.tcp-socket` with no network behind it. */
export class TcpSocket implements TcpSocketApi {
  readonly #family: IpAddressFamily;
  readonly #streams: WasiStreamFactory;

  constructor(family: IpAddressFamily, streams: WasiStreamFactory) {
    this.#family = family;
    this.#streams = streams;
  }

  startBind(_network: Network, _localAddress: IpSocketAddress): void {
    denied();
  }
  finishBind(): void {
    denied();
  }
  startConnect(_network: Network, _remoteAddress: IpSocketAddress): void {
    denied();
  }
  finishConnect(): [InputStream, OutputStream] {
    return denied();
  }
  startListen(): void {
    denied();
  }
  finishListen(): void {
    denied();
  }
  accept(): [TcpSocket, InputStream, OutputStream] {
    return denied();
  }
  localAddress(): IpSocketAddress {
    return denied();
  }
  remoteAddress(): IpSocketAddress {
    return denied();
  }
  isListening(): boolean {
    return false;
  }
  addressFamily(): IpAddressFamily {
    return this.#family;
  }
  setListenBacklogSize(_value: bigint): void {
    denied();
  }
  keepAliveEnabled(): boolean {
    return denied();
  }
  setKeepAliveEnabled(_value: boolean): void {
    denied();
  }
  keepAliveIdleTime(): bigint {
    return denied();
  }
  setKeepAliveIdleTime(_value: bigint): void {
    denied();
  }
  keepAliveInterval(): bigint {
    return denied();
  }
  setKeepAliveInterval(_value: bigint): void {
    denied();
  }
  keepAliveCount(): number {
    return denied();
  }
  setKeepAliveCount(_value: number): void {
    denied();
  }
  hopLimit(): number {
    return denied();
  }
  setHopLimit(_value: number): void {
    denied();
  }
  receiveBufferSize(): bigint {
    return denied();
  }
  setReceiveBufferSize(_value: bigint): void {
    denied();
  }
  sendBufferSize(): bigint {
    return denied();
  }
  setSendBufferSize(_value: bigint): void {
    denied();
  }
  subscribe(): Pollable {
    return this.#streams.pollable(() => true);
  }
  shutdown(_shutdownType: 'receive' | 'send' | 'both'): void {
    denied();
  }
}

/** `wasi:sockets/udp.udp-socket` with no network behind it. */
export class UdpSocket implements UdpSocketApi {
  readonly #family: IpAddressFamily;
  readonly #streams: WasiStreamFactory;

  constructor(family: IpAddressFamily, streams: WasiStreamFactory) {
    this.#family = family;
    this.#streams = streams;
  }

  startBind(_network: Network, _localAddress: IpSocketAddress): void {
    denied();
  }
  finishBind(): void {
    denied();
  }
  stream(
    _remoteAddress: IpSocketAddress | undefined,
  ): [IncomingDatagramStream, OutgoingDatagramStream] {
    return denied();
  }
  localAddress(): IpSocketAddress {
    return denied();
  }
  remoteAddress(): IpSocketAddress {
    return denied();
  }
  addressFamily(): IpAddressFamily {
    return this.#family;
  }
  unicastHopLimit(): number {
    return denied();
  }
  setUnicastHopLimit(_value: number): void {
    denied();
  }
  receiveBufferSize(): bigint {
    return denied();
  }
  setReceiveBufferSize(_value: bigint): void {
    denied();
  }
  sendBufferSize(): bigint {
    return denied();
  }
  setSendBufferSize(_value: bigint): void {
    denied();
  }
  subscribe(): Pollable {
    return this.#streams.pollable(() => true);
  }
}

/** `wasi:sockets/udp.incoming-datagram-stream`; never handed out here. */
export class IncomingDatagramStream implements IncomingDatagramStreamApi {
  receive(_maxResults: bigint): IncomingDatagram[] {
    return denied();
  }
  subscribe(): Pollable {
    throw new GuestTrap('this stream has no network behind it');
  }
}

/** `wasi:sockets/udp.outgoing-datagram-stream`; never handed out here. */
export class OutgoingDatagramStream implements OutgoingDatagramStreamApi {
  checkSend(): bigint {
    return denied();
  }
  send(): bigint {
    return denied();
  }
  subscribe(): Pollable {
    throw new GuestTrap('this stream has no network behind it');
  }
}

/** `wasi:sockets/ip-name-lookup.resolve-address-stream`; never handed out here. */
export class ResolveAddressStream implements ResolveAddressStreamApi {
  resolveNextAddress(): IpAddress | undefined {
    return denied();
  }
  subscribe(): Pollable {
    throw new GuestTrap('this stream has no network behind it');
  }
}

/** A sockets provider that denies every socket and every name lookup. */
export function createNoNetworkSockets(_streams: WasiStreamFactory): SocketsProvider {
  const network = new Network('none');
  return {
    'wasi:sockets/instance-network': { instanceNetwork: () => network },
    'wasi:sockets/network': { Network, networkErrorCode },
    'wasi:sockets/tcp': { TcpSocket },
    'wasi:sockets/tcp-create-socket': { createTcpSocket: denied },
    'wasi:sockets/udp': { UdpSocket, IncomingDatagramStream, OutgoingDatagramStream },
    'wasi:sockets/udp-create-socket': { createUdpSocket: denied },
    'wasi:sockets/ip-name-lookup': { ResolveAddressStream, resolveAddresses: denied },
  };
}
