// kubectl takes its global flags anywhere, before the command as well
// (`kubectl -n kube-system get pods`, `kubectl --kubeconfig=k get pods`).
// Skiff's commands own those flags (each loads only its own module, named by
// the first argument), so the ones written before the command are moved
// after it, ahead of any `--` that starts a container's command line.

/** kubectl's global flags that take a value, as Skiff's commands declare them (kube-context.ts). */
const VALUED = new Set([
  '--kubeconfig',
  '--context',
  '--cluster',
  '--user',
  '-s',
  '--server',
  '--token',
  '-n',
  '--namespace',
  '--certificate-authority',
  '--tls-server-name',
  '--request-timeout',
]);
const BOOLEAN = new Set(['--insecure-skip-tls-verify']);

/** The flag name of `arg` (`--kubeconfig=k` → `--kubeconfig`), if it is one. */
function flagName(arg: string): string {
  const equals = arg.indexOf('=');
  return arg.startsWith('--') && equals > 0 ? arg.slice(0, equals) : arg;
}

/**
 * `args` (the arguments after the program's name) with the kubectl global
 * flags written before the command moved after it; unchanged when none are.
 * A flag missing its value is left where it is, for the parser to report.
 */
export function hoistGlobalFlags(args: readonly string[]): string[] {
  const hoisted: string[] = [];
  let at = 0;
  while (at < args.length) {
    const arg = args[at] ?? '';
    const name = flagName(arg);
    if (BOOLEAN.has(name) || (VALUED.has(name) && name !== arg)) {
      hoisted.push(arg);
      at += 1;
    } else if (VALUED.has(arg) && at + 1 < args.length) {
      hoisted.push(arg, args[at + 1] ?? '');
      at += 2;
    } else break;
  }
  if (hoisted.length === 0) return [...args];
  const rest = args.slice(at);
  const separator = rest.indexOf('--');
  const end = separator < 0 ? rest.length : separator;
  return [...rest.slice(0, end), ...hoisted, ...rest.slice(end)];
}
