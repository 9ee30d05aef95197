/**
 * Runs `work` over `items` with at most `limit` in flight, resolving in input order. An event can
 * name thousands of images (a whole SKU, a whole job); one Promise.all would burst
 * DynamoDB and the SDK's socket pool, one-by-one would waste the Lambda's time. After the first
 * failure no new work starts, and the call rejects with it once the work in flight has settled.
 */
export const mapWithConcurrency = async <T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = [];
  const pending = items.entries();
  let failure: { readonly error: unknown } | undefined;
  const runWorker = async (): Promise<void> => {
    for (let entry = pending.next(); !entry.done; entry = pending.next()) {
      if (failure !== undefined) return;
      const [index, item] = entry.value;
      try {
        results[index] = await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: workers }, runWorker));
  if (failure !== undefined) throw failure.error;
  return results;
};
