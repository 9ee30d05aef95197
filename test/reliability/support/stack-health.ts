import * as v from 'valibot';

const QueueDepthSchema = v.object({ messages: v.number(), inFlight: v.number() });

/** The parts of the local stack's `GET /health` the suites wait on. */
export const StackHealthSchema = v.object({
  status: v.string(),
  queues: v.object({ main: QueueDepthSchema, dlq: QueueDepthSchema, quarantine: QueueDepthSchema }),
  worker: v.object({ batches: v.number(), inFlightBatches: v.number() }),
});
export type StackHealthReport = v.InferOutput<typeof StackHealthSchema>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One `/health` reading, or `undefined` while it does not answer with the full report. */
export const readHealth = async (url: string): Promise<StackHealthReport | undefined> => {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) });
    const parsed = v.safeParse(StackHealthSchema, await response.json());
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Waits until the stack is quiet: nothing visible or in flight on the main queue and no worker
 * batch running, on two readings in a row (a batch can start between the queue and worker
 * probes of one reading). Returns how long until the first of those readings, or throws after
 * `timeoutMs`.
 */
export const waitUntilQuiet = async (url: string, timeoutMs: number): Promise<number> => {
  const startedAt = Date.now();
  let quietReadings = 0;
  let quietSince = startedAt;
  for (;;) {
    const health = await readHealth(url);
    const quiet =
      health !== undefined &&
      health.queues.main.messages === 0 &&
      health.queues.main.inFlight === 0 &&
      health.worker.inFlightBatches === 0;
    if (quiet && quietReadings === 0) quietSince = Date.now();
    quietReadings = quiet ? quietReadings + 1 : 0;
    if (quietReadings >= 2) return quietSince - startedAt;
    if (Date.now() - startedAt > timeoutMs) {
      throw new Error(`the stack did not drain within ${timeoutMs} ms: ${JSON.stringify(health)}`);
    }
    await sleep(100);
  }
};
