/**
 * How much each measurement does. The full run is sized to finish in under six minutes on two
 * quiet cores (the end-to-end phase waits for the worker to drain its load, so its request count
 * sets most of its time); `--quick` keeps the same steps with tiny counts, for the smoke test inside `npm test`,
 * whose figures are only checked for existence, never for speed.
 */
export interface BenchSizes {
  /** Fresh `node` processes per bundle for the cold-init median (at least 20, for a stable median). */
  readonly coldInitRuns: number;
  /** Warm requests through each variant before the measured rounds of the ingest CPU probe. */
  readonly cpuWarmup: number;
  /** Rounds of one measured block per variant (ours, floor) in each probe process. */
  readonly cpuRounds: number;
  /**
   * Fresh probe processes per run. A process's JIT and heap history shifts its ratio as a whole
   * (±0.1× here), so the reported ratio is the median over processes, with their spread.
   */
  readonly cpuProcesses: number;
  /** Requests per block, small body / 100-image body. */
  readonly cpuIterationsSmall: number;
  readonly cpuIterationsLarge: number;
  /** Events fed through one worker process for events per second. */
  readonly workerThroughputEvents: number;
  /**
   * End to end: webhooks posted for throughput and ack latency, then for ack→visible, then for
   * ack→change event.
   */
  readonly e2eRequests: number;
  readonly e2eVisibilityRequests: number;
  readonly e2eChangeRequests: number;
  readonly e2eConcurrency: number;
}

export const FULL_SIZES: BenchSizes = {
  coldInitRuns: 21,
  cpuWarmup: 400,
  cpuRounds: 9,
  cpuProcesses: 3,
  cpuIterationsSmall: 250,
  cpuIterationsLarge: 50,
  workerThroughputEvents: 400,
  e2eRequests: 800,
  e2eVisibilityRequests: 200,
  e2eChangeRequests: 240,
  e2eConcurrency: 16,
};

export const QUICK_SIZES: BenchSizes = {
  coldInitRuns: 2,
  cpuWarmup: 10,
  cpuRounds: 1,
  cpuProcesses: 1,
  cpuIterationsSmall: 20,
  cpuIterationsLarge: 5,
  workerThroughputEvents: 20,
  e2eRequests: 32,
  e2eVisibilityRequests: 16,
  e2eChangeRequests: 16,
  e2eConcurrency: 16,
};
