import * as v from 'valibot';

/**
 * The shape of `bench/results.json`, written by every run (quick or full). The smoke test parses
 * the file with this schema, so a measurement that silently stops producing a figure fails there.
 */
export const RESULTS_VERSION = 3 as const;

const Figure = v.pipe(v.number(), v.finite());
const Name = v.pipe(v.string(), v.minLength(1));

export const BundleResultSchema = v.object({
  name: Name,
  bytes: Figure,
  /** The size goal for this bundle, when it has one. */
  goalBytes: v.optional(Figure),
  /** The five largest contributors (package, or project folder) by bytes in the output. */
  top: v.array(v.object({ name: Name, bytes: Figure })),
});
export type BundleResult = v.InferOutput<typeof BundleResultSchema>;

export const ColdInitResultSchema = v.object({
  runs: Figure,
  node: Name,
  helloMs: Figure,
  bundles: v.array(v.object({ name: Name, medianMs: Figure, p90Ms: Figure, ratioToHello: Figure })),
});
export type ColdInitResult = v.InferOutput<typeof ColdInitResultSchema>;

/** CPU per warm request of one handler bundle against its floor, in the same probe process. */
export const CpuCaseSchema = v.object({
  name: Name,
  bodyBytes: Figure,
  /** CPU (user + system) per warm request through the real handler. */
  oursMicros: Figure,
  /** The same for the floor: JSON.parse plus one SendMessage with the same client. */
  floorMicros: Figure,
  /** Median over probe processes of each process's median per-round ratio. */
  ratio: Figure,
  /** The lowest and highest process ratio: how far one process's figure can stray. */
  ratioMin: Figure,
  ratioMax: Figure,
  /** Bytes the handler writes to stdout per request (structured log + EMF metrics). */
  logBytes: Figure,
});
export type CpuCase = v.InferOutput<typeof CpuCaseSchema>;

/** An ingest case names the function it measures. */
export const IngestCpuCaseSchema = v.object({ ...CpuCaseSchema.entries, functionName: Name });

export type IngestCpuCase = v.InferOutput<typeof IngestCpuCaseSchema>;

export const IngestCpuResultSchema = v.object({
  rounds: Figure,
  processes: Figure,
  cases: v.array(IngestCpuCaseSchema),
  /**
   * A reference row, not a goal: the floor handler with the AWS SDK's SQS client (`ours`) against
   * the floor with the lean client ingest uses (`floor`), on the small SharinPix body.
   */
  sdkFloorReference: v.optional(CpuCaseSchema),
});
export type IngestCpuResult = v.InferOutput<typeof IngestCpuResultSchema>;

/** What one worker event costs in DynamoDB, from `ReturnConsumedCapacity`. */
export const WorkerCaseSchema = v.object({
  name: Name,
  kind: v.picklist(['new', 'update', 'duplicate']),
  images: Figure,
  writeUnits: Figure,
  /** The part of `writeUnits` spent on the `byCollection` index. */
  indexWriteUnits: Figure,
  readUnits: Figure,
  dynamoDbCalls: Figure,
  /** One write per image plus one ledger write, each at the item's own size. */
  floorWriteUnits: Figure,
  /** The queued envelope, which SQS bills in 64 KB chunks. */
  envelopeBytes: Figure,
});
export type WorkerCase = v.InferOutput<typeof WorkerCaseSchema>;

export const WorkerThroughputSchema = v.object({
  events: Figure,
  eventsPerSecond: Figure,
  floorEventsPerSecond: Figure,
  /** Worker process CPU per event (DynamoDB Local runs in another process). */
  cpuMicrosPerEvent: Figure,
  floorCpuMicrosPerEvent: Figure,
  /** Bytes the worker bundle writes to stdout per event (its JSON log lines and EMF metrics). */
  logBytesPerEvent: Figure,
});
export type WorkerThroughput = v.InferOutput<typeof WorkerThroughputSchema>;

/** The `byCollection` projection, ALL (deployed) against KEYS_ONLY plus BatchGetItem. */
export const IndexProjectionSchema = v.object({
  /** Index write units per webhook of the mix's record writes. */
  indexWriteUnitsAll: Figure,
  indexWriteUnitsKeysOnly: Figure,
  pageSize: Figure,
  /** Read units of one list page of `pageSize` records. */
  pageReadUnitsAll: Figure,
  pageReadUnitsKeysOnly: Figure,
  /** List pages per webhook at which KEYS_ONLY's extra reads cost what its saved writes save. */
  breakEvenPagesPerWebhook: Figure,
});
export type IndexProjectionResult = v.InferOutput<typeof IndexProjectionSchema>;

export const WorkerResultSchema = v.object({
  cases: v.array(WorkerCaseSchema),
  throughput: WorkerThroughputSchema,
  indexProjection: IndexProjectionSchema,
});
export type WorkerResult = v.InferOutput<typeof WorkerResultSchema>;

/** What one kind of webhook yields on the bus: the publisher's code run on its stream records. */
export const ChangeEventCaseSchema = v.object({
  /** The scenario's name in `worker-scenarios.ts`, and its label as the worker rows show it. */
  scenario: Name,
  name: Name,
  /** Records the delivery's writes put on the records table's stream. */
  streamRecords: Figure,
  imageRecordChanged: Figure,
  collectionCompleted: Figure,
  /** EventBridge bills each 64 KB chunk of an entry as one event. */
  billedEvents: Figure,
  largestEntryBytes: Figure,
  /** The completion outbox item the worker writes (part of the worker row's write units). */
  outboxWriteUnits: Figure,
  /** The publisher's Query of the collection index to count a completed collection. */
  publisherReadUnits: Figure,
});
export type ChangeEventCase = v.InferOutput<typeof ChangeEventCaseSchema>;

/** Per webhook of the priced mix (`WEBHOOK_MIX`), weighted by its shares. */
export const ChangeEventsMixSchema = v.object({
  imageRecordChanged: Figure,
  collectionCompleted: Figure,
  total: Figure,
  streamRecords: Figure,
  billedEvents: Figure,
});
export type ChangeEventsMix = v.InferOutput<typeof ChangeEventsMixSchema>;

/** The deployed publisher bundle over the stream of the worker throughput run. */
export const PublisherRunSchema = v.object({
  streamRecords: Figure,
  batches: Figure,
  recordsPerBatch: Figure,
  /** Distinct change events (by `changeId`) the run put on the bus. */
  events: Figure,
  /** Publisher process CPU (DynamoDB Local and the bus run in other processes). */
  cpuMicrosPerBatch: Figure,
  cpuMicrosPerRecord: Figure,
  /** Bytes the publisher bundle writes to stdout per stream record. */
  logBytesPerRecord: Figure,
});
export type PublisherRun = v.InferOutput<typeof PublisherRunSchema>;

export const ChangeEventsResultSchema = v.object({
  cases: v.array(ChangeEventCaseSchema),
  mix: ChangeEventsMixSchema,
  publisher: PublisherRunSchema,
});
export type ChangeEventsResult = v.InferOutput<typeof ChangeEventsResultSchema>;

export const EndToEndResultSchema = v.object({
  concurrency: Figure,
  requests: Figure,
  requestsPerSecond: Figure,
  ackP50Ms: Figure,
  ackP99Ms: Figure,
  visibilityRequests: Figure,
  visibleP50Ms: Figure,
  visibleP99Ms: Figure,
  /** Closed loop as for visibility: each client posts, then waits for its change events. */
  changeRequests: Figure,
  /** The ack latency of those same posts: the floor the push-out adds to. */
  changeAckP50Ms: Figure,
  changeAckP99Ms: Figure,
  /** From the 2xx ack to the first, and to the last, of the webhook's change events. */
  ackToFirstChangeP50Ms: Figure,
  ackToFirstChangeP99Ms: Figure,
  ackToAllChangesP50Ms: Figure,
  ackToAllChangesP99Ms: Figure,
  /** Distinct change events expected for those webhooks (by kind), and received for them. */
  changeEventsExpected: Figure,
  changeEventsReceived: Figure,
  /** Posts of an event already received (at least once allows them; consumers dedupe). */
  changeEventsRepeated: Figure,
  webhooksMissingChanges: Figure,
  /** Responses other than 200 `accepted`, and records that never became visible. */
  failures: Figure,
  timeToHealthyMs: Figure,
});
export type EndToEndResult = v.InferOutput<typeof EndToEndResultSchema>;

export const CostLineSchema = v.object({
  item: Name,
  basis: Name,
  dollarsPerMillion: Figure,
});
export type CostLine = v.InferOutput<typeof CostLineSchema>;

export const CostResultSchema = v.object({
  region: Name,
  priceDate: Name,
  /** Each kind of webhook in the mix, and what a million of that kind alone would cost. */
  mix: v.array(v.object({ name: Name, share: Figure, images: Figure, dollarsPerMillion: Figure })),
  imagesPerWebhook: Figure,
  lines: v.array(CostLineSchema),
  totalPerMillion: Figure,
  restApiTotalPerMillion: Figure,
  /** The same mix with DynamoDB at the floor (one write per image plus one ledger write). */
  floorTotalPerMillion: Figure,
  /** Change events: the stream, the publisher, its reads, the outbox writes and EventBridge. */
  changeLines: v.array(CostLineSchema),
  changeEventsPerMillion: Figure,
  totalWithChangesPerMillion: Figure,
  /** Costs outside the goal's scope, shown so they are not forgotten. */
  notCounted: v.array(CostLineSchema),
});
export type CostResult = v.InferOutput<typeof CostResultSchema>;

/** One function's modelled memory curve (see `bench/cost/power-tuning.ts`). */
export const MemoryCurveSchema = v.object({
  name: Name,
  /** What one invocation is: a request, or a full batch. */
  invocation: Name,
  cpuMicros: Figure,
  ioWaitMs: Figure,
  /** The service calls assumed to be waited for in sequence. */
  ioBasis: Name,
  configuredMb: Figure,
  points: v.array(
    v.object({
      memoryMb: Figure,
      durationMs: Figure,
      billedMs: Figure,
      dollarsPerMillion: Figure,
    }),
  ),
  recommendedMb: Figure,
  /** Whether the configured memory is the knee, or costs and performs the same as it. */
  configuredOnKnee: v.boolean(),
});
export type MemoryCurve = v.InferOutput<typeof MemoryCurveSchema>;

export const MemoryResultSchema = v.object({
  latencyFactor: Figure,
  /** The read function's CPU per warm GET of one record, measured for its curve. */
  readCpu: CpuCaseSchema,
  functions: v.array(MemoryCurveSchema),
});
export type MemoryResult = v.InferOutput<typeof MemoryResultSchema>;

/** Dollars per million webhooks of one body size, by the items that grow with the body. */
export const PayloadCostSchema = v.object({
  httpApi: Figure,
  ingestLambda: Figure,
  sqs: Figure,
  ledgerWrites: Figure,
  workerLambda: Figure,
  s3: Figure,
  total: Figure,
});

export const PayloadSizeRowSchema = v.object({
  label: Name,
  bodyBytes: Figure,
  images: Figure,
  /** False when the queue message would pass SQS's 1 MiB and ingest answers 413. */
  accepted: v.boolean(),
  envelopeBytes: Figure,
  /** The gzip archive as the ledger stores it, and the ledger's completion units. */
  archiveBytes: Figure,
  ledgerWriteUnits: Figure,
  httpApiRequests: Figure,
  sqsRequests: Figure,
  ingestCpuMicros: Figure,
  /** Measured here, or extrapolated from the two largest measured bodies (refused sizes). */
  ingestCpuMeasured: v.boolean(),
  /** The worker's body-proportional CPU: parsing the message and compressing the archive. */
  workerBodyCpuMicros: Figure,
  carried: PayloadCostSchema,
  claimCheck: PayloadCostSchema,
});
export type PayloadSizeRow = v.InferOutput<typeof PayloadSizeRowSchema>;

export const PayloadSizesResultSchema = v.object({
  body: Name,
  rows: v.array(PayloadSizeRowSchema),
  /** Sizes scanned for the crossover: the body-carrying items only (SQS and the ledger). */
  scan: v.array(v.object({ bodyBytes: Figure, carriedDollars: Figure, claimCheckDollars: Figure })),
  /** Smallest scanned body at which the claim-check is cheaper, and the largest below it. */
  crossoverAboveBytes: Figure,
  crossoverBelowBytes: Figure,
  claimCheckBasis: Name,
});
export type PayloadSizesResult = v.InferOutput<typeof PayloadSizesResultSchema>;

/** CloudWatch Logs bytes per webhook of the mix, as the handlers print them. */
export const LogsResultSchema = v.object({
  ingestBytes: Figure,
  workerBytes: Figure,
  publisherBytes: Figure,
  platformBytes: Figure,
  totalBytes: Figure,
  dollarsPerMillion: Figure,
  /** API Gateway's access log line per request, beside the handlers' total. */
  accessLogBytes: Figure,
  accessLogDollarsPerMillion: Figure,
  basis: Name,
});
export type LogsResult = v.InferOutput<typeof LogsResultSchema>;

export const GoalSchema = v.object({
  goal: Name,
  target: Name,
  actual: Name,
  holds: v.boolean(),
});
export type Goal = v.InferOutput<typeof GoalSchema>;

export const ResultsSchema = v.object({
  version: v.literal(RESULTS_VERSION),
  mode: v.picklist(['full', 'quick']),
  startedAt: v.pipe(v.string(), v.isoTimestamp()),
  durationSeconds: Figure,
  machine: v.object({ node: Name, cpus: Figure, platform: Name }),
  bundles: v.array(BundleResultSchema),
  coldInit: ColdInitResultSchema,
  ingestCpu: IngestCpuResultSchema,
  worker: WorkerResultSchema,
  changeEvents: ChangeEventsResultSchema,
  endToEnd: EndToEndResultSchema,
  cost: CostResultSchema,
  memory: MemoryResultSchema,
  payloadSizes: PayloadSizesResultSchema,
  logs: LogsResultSchema,
  goals: v.array(GoalSchema),
});
export type Results = v.InferOutput<typeof ResultsSchema>;
