import { PRICES } from './prices';

/** The memory sizes the curve is drawn over, in MB. */
export const MEMORY_STEPS_MB = [128, 256, 512, 1024, 1536, 2048] as const;

/** Lambda gives a function one full vCPU at 1,769 MB, and CPU in proportion to memory below it. */
export const FULL_VCPU_MB = 1769;

/**
 * The recommendation is the cheapest memory whose modelled duration is within this factor of the
 * fastest memory's. Below 1,769 MB, CPU-bound work costs about the same GB-s at any memory (half
 * the memory, twice the time), so the cheapest point is always near the bottom and the fastest
 * always at the top; the factor says how much latency is worth giving up. These functions answer
 * nobody interactively but the vendors (whose timeouts are seconds) and the read API, so 1.5x of
 * the best is the stated bound.
 */
export const LATENCY_FACTOR = 1.5;

/**
 * Assumed waits on AWS services, per call, in region over a kept-alive connection (typical
 * medians, not measured here: locally the services are stand-ins with other latencies). They do
 * not scale with memory, so they flatten the top of every curve.
 */
export const IO_WAIT_MS = {
  sqsSend: 8,
  dynamoDbWrite: 5,
  dynamoDbRead: 3,
  eventBridgePut: 20,
} as const;

/** One function's invocation as measured: its CPU, and the service waits it makes in sequence. */
export interface InvocationProfile {
  /** Single-threaded CPU per invocation (user + system), measured on one core of this machine. */
  readonly cpuMicros: number;
  /** Sum of the service calls the invocation waits for one after another. */
  readonly ioWaitMs: number;
}

/** One point of the curve. */
export interface CurvePoint {
  readonly memoryMb: number;
  readonly durationMs: number;
  /** Rounded up to Lambda's 1 ms billing step. */
  readonly billedMs: number;
  /** Requests ($0.20/M) plus arm64 GB-s, per million invocations. */
  readonly dollarsPerMillion: number;
}

/**
 * Modelled duration at `memoryMb`, in the manner of Lambda Power Tuning but from a measured
 * profile instead of invocations at each size:
 *
 * - CPU: Lambda allots CPU in proportion to memory, one full vCPU at 1,769 MB. Below that, the
 *   CPU time measured on one full core here stretches by 1769 / memory (at 128 MB a function gets
 *   about 7 % of a vCPU, so 1 ms of CPU takes about 14 ms). Above 1,769 MB Lambda adds a second
 *   vCPU, which a single-threaded Node handler cannot use, so the CPU part stops shrinking there.
 * - I/O: waits on SQS, DynamoDB and EventBridge are the same at any memory.
 *
 * One core of this machine stands in for one Lambda vCPU (Graviton, arm64); the ratio between
 * sizes, which is what the recommendation rests on, does not depend on that. Memory must also
 * hold the heap: the model does not check that, so a recommendation below the current size is
 * worth a look at `Max Memory Used` in the REPORT lines before it is deployed.
 */
export const durationAt = (profile: InvocationProfile, memoryMb: number): number =>
  (profile.cpuMicros / 1000) * Math.max(1, FULL_VCPU_MB / memoryMb) + profile.ioWaitMs;

/** Requests plus GB-s of one invocation of `durationMs` at `memoryMb`, per million. */
export const dollarsPerMillionInvocations = (durationMs: number, memoryMb: number): number => {
  const billedMs = Math.max(1, Math.ceil(durationMs));
  const gbSeconds = (billedMs / 1000) * (memoryMb / 1024);
  return PRICES.lambdaRequestsPerMillion + gbSeconds * PRICES.lambdaArmPerGbSecond * 1e6;
};

/** The curve over `MEMORY_STEPS_MB`. */
export const memoryCurve = (profile: InvocationProfile): CurvePoint[] =>
  MEMORY_STEPS_MB.map((memoryMb) => {
    const durationMs = durationAt(profile, memoryMb);
    return {
      memoryMb,
      durationMs,
      billedMs: Math.max(1, Math.ceil(durationMs)),
      dollarsPerMillion: dollarsPerMillionInvocations(durationMs, memoryMb),
    };
  });

/**
 * The knee: the cheapest point whose duration is within `LATENCY_FACTOR` of the fastest; of two
 * as cheap, the faster. There is always one, since the fastest point qualifies itself.
 */
export const kneeOf = (curve: readonly CurvePoint[]): CurvePoint => {
  const fastest = Math.min(...curve.map((point) => point.durationMs));
  const eligible = curve.filter((point) => point.durationMs <= fastest * LATENCY_FACTOR);
  const [first, ...rest] = eligible;
  if (first === undefined) throw new Error('a memory curve needs at least one point');
  return rest.reduce(
    (best, point) =>
      point.dollarsPerMillion < best.dollarsPerMillion ||
      (point.dollarsPerMillion === best.dollarsPerMillion && point.durationMs < best.durationMs)
        ? point
        : best,
    first,
  );
};
