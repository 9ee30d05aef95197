import { mapWithConcurrency } from '../../../shared/worker/worker-handler';

/** A task that resolves when the test says so, and records how many run at once. */
const gate = () => {
  let running = 0;
  let peak = 0;
  const started: number[] = [];
  const release: Array<() => void> = [];
  const work = (item: number): Promise<number> =>
    new Promise((resolve) => {
      running += 1;
      peak = Math.max(peak, running);
      started.push(item);
      release.push(() => {
        running -= 1;
        resolve(item * 10);
      });
    });
  return { work, started, release, peak: () => peak };
};

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('mapWithConcurrency', () => {
  it('keeps at most `limit` tasks in flight and returns results in input order', async () => {
    // Prepare
    const { work, started, release, peak } = gate();

    // Act: finish the oldest running task, one at a time, until all are done.
    const all = mapWithConcurrency([1, 2, 3, 4, 5], 2, work);
    let settled = false;
    void all.then(() => {
      settled = true;
    });
    while (!settled) {
      await flush();
      release.shift()?.();
    }
    const results = await all;

    // Assess
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(peak()).toBe(2);
    expect(started).toEqual([1, 2, 3, 4, 5]);
  });

  it('starts no new work after a failure and rejects with it', async () => {
    // Prepare
    const seen: number[] = [];
    const work = async (item: number) => {
      seen.push(item);
      if (item === 2) throw new Error('item 2 failed');
      return item;
    };

    // Act
    const mapping = mapWithConcurrency([1, 2, 3, 4, 5], 1, work);

    // Assess
    await expect(mapping).rejects.toThrow('item 2 failed');
    expect(seen).toEqual([1, 2]);
  });

  it('handles an empty list', async () => {
    // Act
    const results = await mapWithConcurrency([], 4, async (item: number) => item);

    // Assess
    expect(results).toEqual([]);
  });
});
