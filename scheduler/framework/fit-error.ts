// The message of a pod that fits nowhere, in kube-scheduler's FitError format:
// `0/3 nodes are available: 1 node(s) had untolerated taint {a: }, 2 Insufficient memory.`
// Each reason is counted over the nodes, the "count reason" strings sorted as
// Go's sort.Strings sorts them (so by count first), joined by ", ".

/** What kube-scheduler says when the cluster has no node at all (ErrNoNodesAvailable). */
export const NO_NODES_AVAILABLE_MESSAGE = 'no nodes available to schedule pods';

/** The FitError message for `numAllNodes` nodes that failed with `reasonsByNode`. */
export function fitErrorMessage(
  numAllNodes: number,
  reasonsByNode: Readonly<Record<string, readonly string[]>>,
): string {
  if (numAllNodes === 0) return NO_NODES_AVAILABLE_MESSAGE;
  const counts = new Map<string, number>();
  for (const node in reasonsByNode)
    for (const reason of reasonsByNode[node] ?? [])
      counts.set(reason, (counts.get(reason) ?? 0) + 1);
  const histogram = [...counts].map(([reason, count]) => `${count} ${reason}`);
  // Byte-wise order, as Go's sort.Strings (the default sort compares UTF-16 units: the same for ASCII).
  histogram.sort();
  const message = `0/${numAllNodes} nodes are available:`;
  return histogram.length > 0 ? `${message} ${histogram.join(', ')}.` : message;
}
