/**
 * `items.map(fn)` with at most `limit` calls in flight, results in input order: many `_id` lookups at
 * once without flooding the database's connection pool.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (x: T) => Promise<R> | R): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}
