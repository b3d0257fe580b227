/**
 * Walking an error and everything it wraps: its `cause` chain, `AggregateError.errors`, and
 * Prisma's `meta.driverAdapterError` (which holds the driver adapter's payload), breadth-first,
 * bounded, each object once.
 */

const MAX_DEPTH = 8;

/**
 * The first non-`undefined` result of `visit` over `error` and the errors it wraps, breadth-first
 * (the outermost first), or `undefined`.
 *
 * @example findInErrorChain(error, (node) => (typeof node.code === 'string' ? node.code : undefined))
 */
export function findInErrorChain<T>(error: unknown, visit: (node: Record<string, unknown>) => T | undefined): T | undefined {
  const seen = new Set<unknown>();
  const queue: { value: unknown; depth: number }[] = [{ value: error, depth: 0 }];
  while (queue.length > 0) {
    const { value, depth } = queue.shift()!;
    if (value === null || typeof value !== 'object' || seen.has(value) || depth > MAX_DEPTH) continue;
    seen.add(value);
    const node = value as Record<string, unknown>;
    const found = visit(node);
    if (found !== undefined) return found;
    const meta = node['meta'];
    const next = [node['cause'], meta !== null && typeof meta === 'object' ? (meta as Record<string, unknown>)['driverAdapterError'] : undefined];
    if (Array.isArray(node['errors'])) next.push(...(node['errors'] as unknown[]));
    for (const child of next) if (child !== undefined) queue.push({ value: child, depth: depth + 1 });
  }
  return undefined;
}
