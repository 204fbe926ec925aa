// EXPOSE arguments: `8080`, `8080/tcp`, `53/udp`, ranges `8000-8002/tcp`.

const PORT_SPEC = /^(\d{1,5})(?:-(\d{1,5}))?(?:\/([A-Za-z]+))?$/;
const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);
/** Ranges are expanded one key per port, as Docker does; this bounds the config's size. */
const MAX_RANGE = 1024;

/**
 * The image-config keys (`8080/tcp`) an EXPOSE argument declares, or an
 * explanation of what is wrong with it. The protocol defaults to tcp.
 */
export function exposedPortKeys(spec: string): { keys: string[] } | { problem: string } {
  const match = PORT_SPEC.exec(spec);
  if (match === null) {
    return {
      problem: `invalid port "${spec}": expected PORT, PORT/tcp, PORT/udp or FIRST-LAST/PROTOCOL`,
    };
  }
  const first = Number(match[1]);
  const last = match[2] === undefined ? first : Number(match[2]);
  const protocol = (match[3] ?? 'tcp').toLowerCase();
  if (!PROTOCOLS.has(protocol))
    return { problem: `invalid protocol "${match[3]}" in "${spec}": use tcp, udp or sctp` };
  for (const port of [first, last]) {
    if (port < 1 || port > 65535)
      return { problem: `invalid port ${port} in "${spec}": ports are 1-65535` };
  }
  if (last < first) return { problem: `invalid port range "${spec}": the end is below the start` };
  if (last - first >= MAX_RANGE)
    return { problem: `port range "${spec}" is too large (at most ${MAX_RANGE} ports)` };
  const keys: string[] = [];
  for (let port = first; port <= last; port++) keys.push(`${port}/${protocol}`);
  return { keys };
}
