import { PUBLISHER_BATCH_SIZE, WORKER_BATCH_SIZE } from '../../infra/function-sizing';
import { INGEST_FUNCTION_NAMES, type IngestFunctionName } from '../../shared/http/routes';
import { FUNCTION_MEMORY_MB, ingestMemoryMb } from '../cost/function-memory';
import { PRICES, SQS_CHUNK_BYTES } from '../cost/prices';
import { INGEST_FUNCTION_OF, WEBHOOK_MIX } from '../cost/webhook-mix';
import { buildScenario, type ScenarioName } from '../inputs/worker-scenarios';
import type {
  ChangeEventCase,
  ChangeEventsResult,
  CostLine,
  CostResult,
  IngestCpuResult,
  WorkerCase,
  WorkerResult,
} from '../report/results-schema';
import { round } from '../support/stats';

/** Dollars per million of one kind of webhook, item by item. */
interface ScenarioCost {
  readonly httpApi: number;
  readonly restApi: number;
  readonly lambdaRequests: number;
  readonly ingestCompute: number;
  readonly workerCompute: number;
  readonly sqs: number;
  readonly dynamoDbWrites: number;
  readonly dynamoDbReads: number;
  readonly floorDynamoDb: number;
  /** Change events, each priced on its own. */
  readonly streamReads: number;
  readonly outboxWrites: number;
  readonly publisherRequests: number;
  readonly publisherCompute: number;
  readonly publisherReads: number;
  readonly eventBridge: number;
  /** The publisher invoked once per webhook instead of per full batch (shown, not counted). */
  readonly publisherTrickle: number;
}

/** The span of the ingest functions' memory sizes, for the cost line's basis. */
const ingestMemoryRange = (): string => {
  const sizes = INGEST_FUNCTION_NAMES.map(ingestMemoryMb);
  const [low, high] = [Math.min(...sizes), Math.max(...sizes)];
  return low === high ? String(low) : `${low}-${high}`;
};

const perMillion = (unitsPerWebhook: number, pricePerMillion: number): number =>
  unitsPerWebhook * pricePerMillion;

/** Lambda bills duration in 1 ms steps per invocation; the measured CPU stands in for it. */
const gbSeconds = (cpuMicros: number, memoryMb: number): number =>
  (Math.max(1, Math.ceil(cpuMicros / 1000)) / 1000) * (memoryMb / 1024);

/**
 * Ingest CPU for a body of `bytes`: linear between the two measured bodies (the small SharinPix
 * body and the 100-image Spyne body), which brackets every webhook of the mix.
 */
const ingestCpuFor = (ingest: IngestCpuResult, bytes: number): number => {
  const [small, large] = [...ingest.cases]
    .sort((a, b) => a.bodyBytes - b.bodyBytes)
    .filter((_, index, all) => index === 0 || index === all.length - 1);
  if (small === undefined || large === undefined || large.bodyBytes === small.bodyBytes) {
    return small?.oursMicros ?? 0;
  }
  const slope = (large.oursMicros - small.oursMicros) / (large.bodyBytes - small.bodyBytes);
  return Math.max(small.oursMicros, small.oursMicros + slope * (bytes - small.bodyBytes));
};

/** SQS requests per message of `bytes`: send, and the batched receive and delete. */
export const sqsRequests = (bytes: number): number => {
  const chunks = Math.max(1, Math.ceil(bytes / SQS_CHUNK_BYTES));
  const send = chunks;
  // The event source mapping receives and deletes in batches of ten messages.
  const receive =
    Math.max(1, Math.ceil((WORKER_BATCH_SIZE * bytes) / SQS_CHUNK_BYTES)) / WORKER_BATCH_SIZE;
  const remove = 1 / WORKER_BATCH_SIZE;
  return send + receive + remove;
};

/** The publisher's GB-s for `records` stream records, at the measured CPU per record. */
const publisherGbSeconds = (cpuMicrosPerRecord: number, records: number): number =>
  gbSeconds(cpuMicrosPerRecord * records, FUNCTION_MEMORY_MB.publisher);

const costOf = (
  measured: WorkerCase,
  ingestFunction: IngestFunctionName,
  changes: ChangeEventCase,
  ingest: IngestCpuResult,
  worker: WorkerResult,
  publisherCpuPerRecord: number,
): ScenarioCost => {
  const ingestCpu = ingestCpuFor(ingest, measured.envelopeBytes);
  const workerBatchCpu = worker.throughput.cpuMicrosPerEvent * WORKER_BATCH_SIZE;
  const batchesPerWebhook = changes.streamRecords / PUBLISHER_BATCH_SIZE;
  const publisherDollars = (invocations: number, gbSecondsUsed: number): number =>
    perMillion(invocations, PRICES.lambdaRequestsPerMillion) +
    gbSecondsUsed * PRICES.lambdaArmPerGbSecond * 1e6;
  // Sustained load: full batches of 100 records, each billed for its measured CPU.
  const fullBatches = {
    requests: perMillion(batchesPerWebhook, PRICES.lambdaRequestsPerMillion),
    compute:
      batchesPerWebhook *
      publisherGbSeconds(publisherCpuPerRecord, PUBLISHER_BATCH_SIZE) *
      PRICES.lambdaArmPerGbSecond *
      1e6,
  };
  // A trickle: each webhook's records in an invocation of their own, rounded up to 1 ms.
  const trickle =
    changes.streamRecords === 0
      ? 0
      : publisherDollars(1, publisherGbSeconds(publisherCpuPerRecord, changes.streamRecords));
  return {
    httpApi: perMillion(1, PRICES.httpApiPerMillion),
    restApi: perMillion(1, PRICES.restApiPerMillion),
    lambdaRequests: perMillion(1 + 1 / WORKER_BATCH_SIZE, PRICES.lambdaRequestsPerMillion),
    ingestCompute:
      gbSeconds(ingestCpu, ingestMemoryMb(ingestFunction)) * PRICES.lambdaArmPerGbSecond * 1e6,
    workerCompute:
      (gbSeconds(workerBatchCpu, FUNCTION_MEMORY_MB.worker) / WORKER_BATCH_SIZE) *
      PRICES.lambdaArmPerGbSecond *
      1e6,
    sqs: perMillion(sqsRequests(measured.envelopeBytes), PRICES.sqsPerMillion),
    dynamoDbWrites: perMillion(
      measured.writeUnits - changes.outboxWriteUnits,
      PRICES.dynamoDbWritePerMillion,
    ),
    dynamoDbReads: perMillion(measured.readUnits, PRICES.dynamoDbReadPerMillion),
    floorDynamoDb: perMillion(measured.floorWriteUnits, PRICES.dynamoDbWritePerMillion),
    streamReads: perMillion(changes.streamRecords, PRICES.streamReadsFromLambdaPerMillion),
    outboxWrites: perMillion(changes.outboxWriteUnits, PRICES.dynamoDbWritePerMillion),
    publisherRequests: fullBatches.requests,
    publisherCompute: fullBatches.compute,
    publisherReads: perMillion(changes.publisherReadUnits, PRICES.dynamoDbReadPerMillion),
    eventBridge: perMillion(changes.billedEvents, PRICES.eventBridgePerMillion),
    publisherTrickle: trickle - fullBatches.requests - fullBatches.compute,
  };
};

const goalItems = (cost: ScenarioCost): number =>
  cost.httpApi +
  cost.lambdaRequests +
  cost.ingestCompute +
  cost.workerCompute +
  cost.sqs +
  cost.dynamoDbWrites +
  cost.dynamoDbReads;

const changeItems = (cost: ScenarioCost): number =>
  cost.streamReads +
  cost.outboxWrites +
  cost.publisherRequests +
  cost.publisherCompute +
  cost.publisherReads +
  cost.eventBridge;

/**
 * Measurement 6: dollars per million webhooks for the stated mix (`WEBHOOK_MIX`), from the
 * measured units and the list prices (`PRICES`). Lambda duration is estimated by the measured CPU
 * time (rounded up to Lambda's 1 ms billing step per invocation; real duration adds the network
 * wait of the SendMessage, DynamoDB and PutEvents calls), at the configured memory sizes.
 *
 * Change events are priced on their own lines, so the total is shown without and with them: the
 * stream (free to a Lambda trigger), the completion outbox writes (moved out of the worker's
 * DynamoDB line), the publisher per full stream batch, its collection counts, and EventBridge.
 */
export const costModel = (
  ingest: IngestCpuResult,
  worker: WorkerResult,
  changes: ChangeEventsResult,
): CostResult => {
  const byLabel = new Map(worker.cases.map((item) => [item.name, item]));
  const measuredFor = (scenario: ScenarioName): WorkerCase => {
    const found = byLabel.get(buildScenario(scenario).label);
    if (found === undefined) throw new Error(`no worker measurement for ${scenario}`);
    return found;
  };
  const changesFor = (scenario: ScenarioName): ChangeEventCase => {
    const found = changes.cases.find((item) => item.scenario === scenario);
    if (found === undefined) throw new Error(`no change event count for ${scenario}`);
    return found;
  };
  const publisherCpuPerRecord = changes.publisher.cpuMicrosPerRecord;
  const totalShare = WEBHOOK_MIX.reduce((sum, entry) => sum + entry.share, 0);
  const rows = WEBHOOK_MIX.map((entry) => {
    const measured = measuredFor(entry.scenario);
    return {
      share: entry.share / totalShare,
      measured,
      cost: costOf(
        measured,
        INGEST_FUNCTION_OF[entry.scenario],
        changesFor(entry.scenario),
        ingest,
        worker,
        publisherCpuPerRecord,
      ),
    };
  });
  const weighted = (pick: (cost: ScenarioCost) => number): number =>
    rows.reduce((sum, row) => sum + row.share * pick(row.cost), 0);

  const lines: CostLine[] = [
    {
      item: 'API Gateway HTTP API',
      basis: '1 request per webhook',
      dollarsPerMillion: weighted((c) => c.httpApi),
    },
    {
      item: 'Lambda requests',
      basis: `ingest 1 + worker 1/${WORKER_BATCH_SIZE} (full batches)`,
      dollarsPerMillion: weighted((c) => c.lambdaRequests),
    },
    {
      item: 'Lambda ingest GB-s',
      basis: `each vendor's memory (${ingestMemoryRange()} MB) x measured CPU, 1 ms steps`,
      dollarsPerMillion: weighted((c) => c.ingestCompute),
    },
    {
      item: 'Lambda worker GB-s',
      basis: `${FUNCTION_MEMORY_MB.worker} MB x measured CPU per batch of ${WORKER_BATCH_SIZE}`,
      dollarsPerMillion: weighted((c) => c.workerCompute),
    },
    {
      item: 'SQS requests',
      basis: 'send + batched receive and delete, 64 KB chunks',
      dollarsPerMillion: weighted((c) => c.sqs),
    },
    {
      item: 'DynamoDB writes',
      basis: 'measured WRU per webhook, on demand (completion outbox: under change events)',
      dollarsPerMillion: weighted((c) => c.dynamoDbWrites),
    },
    {
      item: 'DynamoDB reads',
      basis: 'measured RRU per webhook, on demand',
      dollarsPerMillion: weighted((c) => c.dynamoDbReads),
    },
  ].map((line) => ({ ...line, dollarsPerMillion: round(line.dollarsPerMillion, 3) }));
  const changeLines: CostLine[] = [
    {
      item: 'DynamoDB Streams reads',
      basis: `${round(changes.mix.streamRecords, 2)} stream records/webhook; GetRecords by a Lambda trigger are free`,
      dollarsPerMillion: weighted((c) => c.streamReads),
    },
    {
      item: 'DynamoDB writes: completion outbox',
      basis: 'measured WRU of the completion item per webhook',
      dollarsPerMillion: weighted((c) => c.outboxWrites),
    },
    {
      item: 'Lambda publisher requests',
      basis: `1 per full stream batch of ${PUBLISHER_BATCH_SIZE} records`,
      dollarsPerMillion: weighted((c) => c.publisherRequests),
    },
    {
      item: 'Lambda publisher GB-s',
      basis: `${FUNCTION_MEMORY_MB.publisher} MB x measured CPU per batch of ${PUBLISHER_BATCH_SIZE} (${round(publisherCpuPerRecord * PUBLISHER_BATCH_SIZE, 0)} us)`,
      dollarsPerMillion: weighted((c) => c.publisherCompute),
    },
    {
      item: 'DynamoDB reads: completion counts',
      basis: 'measured RRU of the collection index Query per completion',
      dollarsPerMillion: weighted((c) => c.publisherReads),
    },
    {
      item: 'EventBridge custom events',
      basis: `${round(changes.mix.billedEvents, 3)} events/webhook at $${PRICES.eventBridgePerMillion.toFixed(2)}/M; a PutEvents entry counts 1 per 64 KB`,
      dollarsPerMillion: weighted((c) => c.eventBridge),
    },
  ].map((line) => ({ ...line, dollarsPerMillion: round(line.dollarsPerMillion, 3) }));
  const total = weighted(goalItems);
  const changeTotal = weighted(changeItems);
  const floorTotal = weighted(
    (c) => goalItems(c) - c.dynamoDbWrites - c.dynamoDbReads + c.floorDynamoDb,
  );
  return {
    region: PRICES.region,
    priceDate: PRICES.priceDate,
    mix: rows.map((row) => ({
      name: row.measured.name,
      share: round(row.share, 4),
      images: row.measured.images,
      dollarsPerMillion: round(goalItems(row.cost), 2),
    })),
    imagesPerWebhook: round(
      rows.reduce((sum, row) => sum + row.share * row.measured.images, 0),
      2,
    ),
    lines,
    totalPerMillion: round(total, 2),
    restApiTotalPerMillion: round(
      total - weighted((c) => c.httpApi) + weighted((c) => c.restApi),
      2,
    ),
    floorTotalPerMillion: round(floorTotal, 2),
    changeLines,
    changeEventsPerMillion: round(changeTotal, 2),
    totalWithChangesPerMillion: round(total + changeTotal, 2),
    notCounted: [
      {
        item: 'Publisher at a trickle',
        basis:
          'one invocation per webhook instead of full batches of 100: extra requests and 1 ms steps',
        dollarsPerMillion: round(
          weighted((c) => c.publisherTrickle),
          3,
        ),
      },
      {
        item: 'Not priced',
        basis: 'storage, Secrets Manager (cached 5 min), idle queue polling, data transfer',
        dollarsPerMillion: 0,
      },
    ],
  };
};
