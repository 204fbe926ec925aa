// A load of POSTs over HTTPS from a fixed number of concurrent connections,
// generated with autocannon: its HTTP client does a fraction of the work of a
// general-purpose one (undici took ~1.5× its CPU per request here), and on a
// machine whose cores the client shares with the server, what the client
// spends is taken from the server being measured.

import autocannon from 'autocannon';

/** What a load is: `count` POSTs of `body(i)` to `url`. */
export interface PostLoad {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: (i: number) => string;
  readonly count: number;
  readonly connections: number;
  /** PEM of the CA the server's certificate chains to. */
  readonly ca: string;
  /** The status a request should get (others count as failures). */
  readonly expectedStatus: number;
}

/** How a load went. */
export interface PostLoadResult {
  readonly perSecond: number;
  readonly seconds: number;
  /** Per request, in ms. */
  readonly latencies: number[];
  /** Requests with another status, and errors (timeouts, resets). */
  readonly failures: number;
  /** This process's CPU per request while it ran, in µs. */
  readonly clientCpuMicros: number;
}

/** Runs `load`; resolves when every request has been answered. */
export function postLoad(load: PostLoad): Promise<PostLoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  // autocannon reports the end of a run at its next sampling tick (every
  // second by default), so the run's length is taken from the last answer.
  let lastAnswer = 0;
  const cpu = process.cpuUsage();
  const began = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: load.url,
        method: 'POST',
        connections: load.connections,
        amount: load.count,
        sampleInt: 100,
        headers: { ...load.headers },
        tlsOptions: { ca: load.ca },
        requests: [{ setupRequest: (request) => ({ ...request, body: load.body(next++) }) }],
      },
      (error: unknown, result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        const seconds = (lastAnswer - began) / 1000;
        const used = process.cpuUsage(cpu);
        resolve({
          perSecond: result.requests.total / seconds,
          seconds,
          latencies,
          failures: failures + result.errors,
          clientCpuMicros: (used.user + used.system) / result.requests.total,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      lastAnswer = performance.now();
      latencies.push(responseTime);
      if (statusCode !== load.expectedStatus) failures++;
    });
  });
}
