/**
 * How hard each suite pushes. `npm run test:reliability` runs the full scale (the figures the
 * README quotes); `npm test` runs the fast scale, which exercises every invariant with small
 * counts so a regression fails the everyday run too. `RELIABILITY_SCALE` picks one.
 */
export interface ReliabilityScale {
  readonly name: 'fast' | 'full';
  /** Generated requests per webhook route in the fuzz suite. */
  readonly fuzzRequestsPerRoute: number;
  /** Random processing orders in the reordering suite. */
  readonly permutations: number;
  /** Webhooks in the load suite. */
  readonly loadWebhooks: number;
  /** Events per fault drill (SQS down, DynamoDB down, throttling, worker killed). */
  readonly faultEvents: number;
  /** Cases of the integrity suite (each: a token replay across SKUs, a reused signature, …). */
  readonly integrityCases: number;
  /** Repeat deliveries of one event in the storage suite (past the 50 the ledger lists). */
  readonly storageRepeats: number;
  /** Tag add and remove events on one image in the storage suite. */
  readonly storageTagEvents: number;
  /** Concurrent connections of the fuzz and load clients. */
  readonly clientConcurrency: number;
  /** The per-suite jest timeout. */
  readonly suiteTimeoutMs: number;
}

const FAST: ReliabilityScale = {
  name: 'fast',
  fuzzRequestsPerRoute: 300,
  permutations: 20,
  loadWebhooks: 200,
  faultEvents: 20,
  integrityCases: 8,
  storageRepeats: 1050,
  storageTagEvents: 600,
  clientConcurrency: 16,
  suiteTimeoutMs: 120_000,
};

const FULL: ReliabilityScale = {
  name: 'full',
  fuzzRequestsPerRoute: 10_000,
  permutations: 200,
  loadWebhooks: 10_000,
  faultEvents: 200,
  integrityCases: 100,
  storageRepeats: 2000,
  storageTagEvents: 5000,
  clientConcurrency: 32,
  suiteTimeoutMs: 900_000,
};

/** The scale of this run: `RELIABILITY_SCALE=full`, else fast. */
export const reliabilityScale = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): ReliabilityScale => (env.RELIABILITY_SCALE === 'full' ? FULL : FAST);

/**
 * The seed of every generator in this run: `RELIABILITY_SEED` to replay a failing run exactly,
 * else a fresh one. Each suite prints it with its figures.
 */
export const reliabilitySeed = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): number => {
  const text = env.RELIABILITY_SEED?.trim();
  const fixed = text ? Number(text) : Number.NaN;
  return Number.isSafeInteger(fixed) ? fixed : Math.floor(Math.random() * 2 ** 31);
};
