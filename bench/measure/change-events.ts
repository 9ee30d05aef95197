import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDb } from '../../shared/aws/dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import * as v from 'valibot';
import { PUBLISHER_BATCH_SIZE, PUBLISHER_SIZING } from '../../infra/function-sizing';
import { startLocalChangeBus } from '../../local/change-bus/local-change-bus';
import {
  LOCAL_ACCOUNT_ID,
  LOCAL_CHANGE_BUS_NAME,
  LOCAL_REGION,
} from '../../local/stack/local-names';
import {
  CHANGE_EVENT_SOURCE,
  COLLECTION_COMPLETED,
  type ChangeEvent,
  IMAGE_RECORD_CHANGED,
} from '../../shared/changes/change-event';
import { entryBytes } from '../../shared/changes/change-event-bus';
import {
  createPublisherHandler,
  type PublisherHandler,
} from '../../shared/changes/publish-changes';
import { CapacityTally } from '../support/capacity-tally';
import { DynamoDbImageRecordStore } from '../../shared/store/dynamodb-image-record-store';
import { SQS_CHUNK_BYTES } from '../cost/prices';
import { WEBHOOK_MIX } from '../cost/webhook-mix';
import type { Scenario } from '../inputs/worker-scenarios';
import type { ChangeEventCase, ChangeEventsMix, PublisherRun } from '../report/results-schema';
import type { BuiltBundles } from '../support/build-bundles';
import { runProbe } from '../support/child-process';
import { lambdaLikeEnvironment } from '../support/lambda-environment';
import { round } from '../support/stats';
import { StreamReader } from '../support/stream-reader';

/** EventBridge bills each 64 KB chunk of an entry as one custom event (the same chunk as SQS). */
export const EVENTBRIDGE_CHUNK_BYTES = SQS_CHUNK_BYTES;

const silentLog = { info: () => {}, error: () => {} };

/** The records table's stream, as the publisher's event source mapping reads it. */
export const streamArnOf = async (client: DynamoDBClient, tableName: string): Promise<string> => {
  const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const arn = described.Table?.LatestStreamArn;
  if (arn === undefined) throw new Error(`table ${tableName} has no stream`);
  return arn;
};

/** Counts the change events of one delivery: see `createChangeCounter`. */
export interface ChangeCounter {
  /** Passes over what the stream holds so far (a scenario's preparation). */
  skip(): Promise<void>;
  /** The events the publisher makes of the stream records written since the last call. */
  count(scenario: Scenario, outboxWriteUnits: number): Promise<ChangeEventCase>;
}

/**
 * The change events one webhook yields, by running the publisher's own code
 * (`createPublisherHandler`, as `functions/publisher` wires it) on the stream records that the
 * worker's writes for that webhook put on the records table's stream. The bus only collects what
 * it is handed; the store is the real one, so completions are counted by the real Query, and its
 * read units are DynamoDB's own figure. Every event must name the measured webhook as its cause.
 */
export const createChangeCounter = async (
  client: DynamoDBClient,
  dynamoDb: DynamoDb,
  streams: DynamoDBStreamsClient,
  recordsTable: string,
): Promise<ChangeCounter> => {
  const reader = new StreamReader(streams, await streamArnOf(client, recordsTable));
  const published: ChangeEvent[] = [];
  const reads = new CapacityTally();
  const publish: PublisherHandler = createPublisherHandler({
    bus: {
      put: async (events) => {
        published.push(...events);
        return { failed: [] };
      },
    },
    store: new DynamoDbImageRecordStore({
      client: dynamoDb,
      tableName: recordsTable,
      onCapacity: reads.listener,
    }),
    log: silentLog,
  });
  return {
    skip: async () => {
      await reader.readNew();
    },
    count: async (scenario, outboxWriteUnits) => {
      const records: DynamoDBRecord[] = await reader.readNew();
      published.length = 0;
      reads.reset();
      const answer = await publish({ Records: records });
      if (answer.batchItemFailures.length > 0) {
        throw new Error(`the publisher failed the stream records of ${scenario.label}`);
      }
      const foreign = published.filter(
        (event) => event.detail.cause.eventId !== scenario.measured.eventId,
      );
      if (foreign.length > 0) {
        throw new Error(`${foreign.length} change events of ${scenario.label} name another cause`);
      }
      const sizes = published.map((event) =>
        entryBytes(CHANGE_EVENT_SOURCE, event.detailType, JSON.stringify(event.detail)),
      );
      const ofType = (type: string) =>
        published.filter((event) => event.detailType === type).length;
      return {
        scenario: scenario.name,
        name: scenario.label,
        streamRecords: records.length,
        imageRecordChanged: ofType(IMAGE_RECORD_CHANGED),
        collectionCompleted: ofType(COLLECTION_COMPLETED),
        billedEvents: sizes.reduce(
          (sum, bytes) => sum + Math.max(1, Math.ceil(bytes / EVENTBRIDGE_CHUNK_BYTES)),
          0,
        ),
        largestEntryBytes: Math.max(0, ...sizes),
        outboxWriteUnits: round(outboxWriteUnits),
        publisherReadUnits: round(reads.totals().readUnits),
      };
    },
  };
};

/** The measured cases weighted by the mix's shares: change events per webhook of the mix. */
export const changeEventsOfMix = (cases: readonly ChangeEventCase[]): ChangeEventsMix => {
  const totalShare = WEBHOOK_MIX.reduce((sum, entry) => sum + entry.share, 0);
  const weighted = (pick: (item: ChangeEventCase) => number): number =>
    WEBHOOK_MIX.reduce((sum, entry) => {
      const found = cases.find((item) => item.scenario === entry.scenario);
      if (found === undefined) throw new Error(`no change event count for ${entry.scenario}`);
      return sum + (entry.share / totalShare) * pick(found);
    }, 0);
  return {
    imageRecordChanged: round(
      weighted((item) => item.imageRecordChanged),
      3,
    ),
    collectionCompleted: round(
      weighted((item) => item.collectionCompleted),
      3,
    ),
    total: round(
      weighted((item) => item.imageRecordChanged + item.collectionCompleted),
      3,
    ),
    streamRecords: round(
      weighted((item) => item.streamRecords),
      3,
    ),
    billedEvents: round(
      weighted((item) => item.billedEvents),
      3,
    ),
  };
};

const ThroughputAnswerSchema = v.variant('ok', [
  v.object({
    ok: v.literal(true),
    events: v.number(),
    batches: v.number(),
    seconds: v.number(),
    cpuMicros: v.number(),
    logBytes: v.number(),
    failures: v.number(),
  }),
  v.object({ ok: v.literal(false), error: v.string() }),
]);

const ChangeIdSchema = v.object({ detail: v.object({ changeId: v.string() }) });

/** How many stream records warm the publisher up before the measured batches. */
const WARMUP_RECORDS = 10;

/**
 * The publisher's CPU per stream batch: the deployed publisher bundle, in its own process with
 * its Lambda environment, fed the whole stream of a records table (here the worker throughput
 * run's, so the mix's writes) in batches of `PUBLISHER_BATCH_SIZE`, as the event source mapping
 * hands them over under sustained load. Its `PutEvents` go through the real SDK to the local
 * stack's bus (`PutEvents` speaking, in this process), its collection counts to DynamoDB Local.
 * A first batch of a few records, outside the measurement, pays for connections and JIT; its
 * events are put again by the measured batches under the same `changeId`.
 */
export const measurePublisher = async (
  bundles: BuiltBundles,
  workDir: string,
  endpoints: { dynamoDb: string; recordsTable: string },
  client: DynamoDBClient,
  streams: DynamoDBStreamsClient,
): Promise<PublisherRun> => {
  const reader = new StreamReader(streams, await streamArnOf(client, endpoints.recordsTable));
  const records = await reader.readNew();
  if (records.length === 0) throw new Error('the worker throughput run left an empty stream');
  const batches: Array<{ Records: DynamoDBRecord[] }> = [
    { Records: records.slice(0, WARMUP_RECORDS) },
  ];
  for (let start = 0; start < records.length; start += PUBLISHER_BATCH_SIZE) {
    batches.push({ Records: records.slice(start, start + PUBLISHER_BATCH_SIZE) });
  }
  const batchesFile = join(workDir, 'publisher-batches.json');
  writeFileSync(batchesFile, JSON.stringify(batches));
  const bus = await startLocalChangeBus({
    bus: { name: LOCAL_CHANGE_BUS_NAME, region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID },
    dataDir: workDir,
    inMemory: true,
    forwardUrl: undefined,
    print: () => {},
  });
  try {
    const answer = v.parse(
      ThroughputAnswerSchema,
      await runProbe(
        bundles.get('batch-throughput-probe').file,
        [
          bundles.get('publisher').file,
          batchesFile,
          'publisher',
          String(PUBLISHER_SIZING.timeout.toMilliseconds()),
        ],
        lambdaLikeEnvironment('publisher', { ...endpoints, eventBridge: bus.endpoint }),
      ),
    );
    if (!answer.ok) throw new Error(`publisher probe failed: ${answer.error}`);
    if (answer.failures > 0) throw new Error(`the publisher failed ${answer.failures} batches`);
    const changeIds = new Set(
      bus.log.readFrom(0).map((line) => v.parse(ChangeIdSchema, JSON.parse(line)).detail.changeId),
    );
    return {
      streamRecords: answer.events,
      batches: answer.batches,
      recordsPerBatch: round(answer.events / answer.batches, 1),
      events: changeIds.size,
      cpuMicrosPerBatch: round(answer.cpuMicros / answer.batches, 0),
      cpuMicrosPerRecord: round(answer.cpuMicros / answer.events, 1),
      logBytesPerRecord: round(answer.logBytes / answer.events, 1),
    };
  } finally {
    await bus.close();
  }
};
