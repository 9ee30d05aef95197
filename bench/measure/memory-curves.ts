import { PUBLISHER_BATCH_SIZE, WORKER_BATCH_SIZE } from '../../infra/function-sizing';
import { FUNCTION_MEMORY_MB, ingestMemoryMb } from '../cost/function-memory';
import {
  type InvocationProfile,
  IO_WAIT_MS,
  kneeOf,
  LATENCY_FACTOR,
  memoryCurve,
} from '../cost/power-tuning';
import type {
  ChangeEventsResult,
  CpuCase,
  IngestCpuResult,
  MemoryCurve,
  MemoryResult,
  WorkerResult,
} from '../report/results-schema';
import { round } from '../support/stats';

/** A configured memory whose point costs within half a percent of the knee's counts as on it. */
const SAME_COST = 1.005;

const curveOf = (
  name: string,
  invocation: string,
  profile: InvocationProfile,
  ioBasis: string,
  configuredMb: number,
): MemoryCurve => {
  const points = memoryCurve(profile);
  const knee = kneeOf(points);
  const fastest = Math.min(...points.map((point) => point.durationMs));
  const configured = points.find((point) => point.memoryMb === configuredMb);
  return {
    name,
    invocation,
    cpuMicros: round(profile.cpuMicros, 0),
    ioWaitMs: profile.ioWaitMs,
    ioBasis,
    configuredMb,
    points: points.map((point) => ({
      memoryMb: point.memoryMb,
      durationMs: round(point.durationMs, 1),
      billedMs: point.billedMs,
      dollarsPerMillion: round(point.dollarsPerMillion, 3),
    })),
    recommendedMb: knee.memoryMb,
    configuredOnKnee:
      configured !== undefined &&
      configured.durationMs <= fastest * LATENCY_FACTOR &&
      configured.dollarsPerMillion <= knee.dollarsPerMillion * SAME_COST,
  };
};

/**
 * Right-sizing, in the manner of Lambda Power Tuning: each function's duration and cost per
 * million invocations across 128–2048 MB, modelled (`bench/cost/power-tuning.ts`) from the CPU
 * this run measured per invocation and the service waits the invocation makes in sequence; the
 * knee is the cheapest memory within `LATENCY_FACTOR` of the fastest, set beside the configured
 * memory (`infra/function-sizing.ts`).
 *
 * - Ingest, one per vendor: a warm request of the measured body (the Spyne one is the 100-image
 *   SKU, the heaviest), waiting on one SendMessage (the secrets are cached).
 * - Worker: a full batch of ten events of the mix (its measured CPU per event times ten); the
 *   ten events run in parallel, each waiting on its ledger check (a read), its image writes
 *   (eight at a time) and its completion, so a batch waits about a read and two writes in
 *   sequence.
 * - Read: a warm GET of one record, one GetItem.
 * - Publisher: a full stream batch of 100 records, its ten PutEvents of ten and its collection
 *   counts made one after another.
 */
export const memoryCurves = (
  ingest: IngestCpuResult,
  worker: WorkerResult,
  changes: ChangeEventsResult,
  readCpu: CpuCase,
): MemoryResult => {
  const ingestCurves = ingest.cases.map((item) =>
    curveOf(
      item.functionName,
      `request: ${item.name}`,
      { cpuMicros: item.oursMicros, ioWaitMs: IO_WAIT_MS.sqsSend },
      `1 SendMessage (${IO_WAIT_MS.sqsSend} ms)`,
      ingestMemoryMb(item.functionName),
    ),
  );
  const workerWaits = IO_WAIT_MS.dynamoDbRead + 2 * IO_WAIT_MS.dynamoDbWrite;
  const completionsPerBatch =
    changes.mix.streamRecords > 0
      ? (changes.mix.collectionCompleted / changes.mix.streamRecords) * PUBLISHER_BATCH_SIZE
      : 0;
  const puts = Math.ceil(PUBLISHER_BATCH_SIZE / 10);
  const publisherWaits =
    puts * IO_WAIT_MS.eventBridgePut + completionsPerBatch * IO_WAIT_MS.dynamoDbRead;
  return {
    latencyFactor: LATENCY_FACTOR,
    readCpu,
    functions: [
      ...ingestCurves,
      curveOf(
        'worker',
        `batch of ${WORKER_BATCH_SIZE} events of the mix`,
        {
          cpuMicros: worker.throughput.cpuMicrosPerEvent * WORKER_BATCH_SIZE,
          ioWaitMs: workerWaits,
        },
        `1 GetItem (${IO_WAIT_MS.dynamoDbRead} ms) and 2 DynamoDB writes (${IO_WAIT_MS.dynamoDbWrite} ms each) in sequence: check, images, completion`,
        FUNCTION_MEMORY_MB.worker,
      ),
      curveOf(
        'read',
        'request: GET one record',
        { cpuMicros: readCpu.oursMicros, ioWaitMs: IO_WAIT_MS.dynamoDbRead },
        `1 GetItem (${IO_WAIT_MS.dynamoDbRead} ms)`,
        FUNCTION_MEMORY_MB.read,
      ),
      curveOf(
        'publisher',
        `batch of ${PUBLISHER_BATCH_SIZE} stream records`,
        { cpuMicros: changes.publisher.cpuMicrosPerBatch, ioWaitMs: round(publisherWaits, 1) },
        `${puts} PutEvents (${IO_WAIT_MS.eventBridgePut} ms) + ${round(completionsPerBatch, 1)} count Queries (${IO_WAIT_MS.dynamoDbRead} ms), in sequence`,
        FUNCTION_MEMORY_MB.publisher,
      ),
    ],
  };
};
