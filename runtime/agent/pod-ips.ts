// Pod IPs from the node's `spec.podCIDR`, as a CNI host-local IPAM plugin
// hands them out: the network address, the first host (the gateway by
// convention) and the broadcast address are never given; addresses are
// taken round-robin so a released IP is not reused at once.

function toNumber(ip: string): number {
  return ip.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

function toIp(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** Thrown when every address of the node's range is in use. */
export class PodIpExhaustedError extends Error {
  override readonly name = 'PodIpExhaustedError';
}

/** The pod IPs of one node. */
export class PodIpAllocator {
  readonly #first: number;
  readonly #last: number;
  readonly #used = new Set<number>();
  #cursor: number;

  /** `cidr` like `10.224.16.0/20`; `inUse` are IPs already held (remembered across restarts). */
  constructor(
    readonly cidr: string,
    inUse: Iterable<string> = [],
  ) {
    const [base = '', bits = ''] = cidr.split('/');
    const mask = Number(bits);
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(base) || !Number.isInteger(mask) || mask < 8 || mask > 30)
      throw new RangeError(`invalid pod CIDR "${cidr}"`);
    const size = 2 ** (32 - mask);
    const network = toNumber(base) - (toNumber(base) % size);
    this.#first = network + 2;
    this.#last = network + size - 2;
    this.#cursor = this.#first;
    for (const ip of inUse) this.#used.add(toNumber(ip));
  }

  /** A free IP, now held. */
  allocate(): string {
    const count = this.#last - this.#first + 1;
    for (let i = 0; i < count; i++) {
      const candidate = this.#first + ((this.#cursor - this.#first + i) % count);
      if (!this.#used.has(candidate)) {
        this.#used.add(candidate);
        this.#cursor = candidate + 1 > this.#last ? this.#first : candidate + 1;
        return toIp(candidate);
      }
    }
    throw new PodIpExhaustedError(`no free IP left in the node's pod CIDR ${this.cidr}`);
  }

  release(ip: string): void {
    this.#used.delete(toNumber(ip));
  }
}
