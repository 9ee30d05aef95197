import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { StreamReader } from '../../../bench/support/stream-reader';
import { LOCAL_AWS } from '../../../local/servers/dynamodb-local';
import type { EventEnvelope } from '../../../shared/queue/event-queue';
import { deliveryCount } from '../../../shared/store/ledger-item';
import type { ApplyResult, ImageRecordStore } from '../../../shared/store/image-record-store';
import { VENDOR_DEFINITIONS } from '../../../shared/vendors/registry';
import {
  processEvent,
  type ProcessEventDeps,
  type ProcessResult,
} from '../../../shared/worker/process-event';
import { localDynamoDb } from '../../support/local-clients';
import { loadBody } from '../../support/vendor-bodies';
import { envelopeOf } from './support/envelopes';
import { createTestPipeline, type TestPipeline } from './support/pipeline';

/**
 * Nothing holds an event while a worker applies it, so two deliveries of one event may apply it
 * at the same time. This runs that race many times against DynamoDB Local: two `processEvent`
 * calls of the same event at once, under different SQS messages (a vendor retry), each round a
 * new event of three new images that completes its SKU. Every round must end as one application
 * does: one ledger completion and one counted duplicate, one `created` per image, records equal
 * to a single apply's, and no write more on the records table's stream.
 */

const ROUNDS = 30;

let client: DynamoDBClient;
let streams: DynamoDBStreamsClient;
beforeAll(() => {
  client = localDynamoDb();
  streams = new DynamoDBStreamsClient({
    ...LOCAL_AWS,
    endpoint: process.env.TEST_DYNAMODB_ENDPOINT ?? '',
  });
});
afterAll(() => {
  client.destroy();
  streams.destroy();
});

/** A Spyne SKU of three images that no other round names; the SKU is done, so it completes. */
const eventOfRound = (round: number): EventEnvelope => {
  const body = loadBody('spyne', 'v2-sample-b') as Record<string, unknown>;
  const images = body.image_data as Array<Record<string, unknown>>;
  return envelopeOf('spyne', {
    ...body,
    sku_id: `sku-race-${round}`,
    image_data: images.map((image, index) => ({ ...image, image_id: `race-${round}-${index}` })),
  });
};

/** One image change's outcome, as the store answered it. */
interface Outcome {
  readonly imageId: string;
  readonly outcome: ApplyResult['outcome'];
}

/** The worker's dependencies over a pipeline's tables, its store recording each outcome. */
const depsOf = (pipeline: TestPipeline, outcomes: Outcome[]): ProcessEventDeps => {
  const store: ImageRecordStore = {
    apply: async (change, expectation, collections, cause) => {
      const result = await pipeline.store.apply(change, expectation, collections, cause);
      outcomes.push({ imageId: change.imageId, outcome: result.outcome });
      return result;
    },
    recordCompletion: (completion) => pipeline.store.recordCompletion(completion),
    get: (vendor, imageId) => pipeline.store.get(vendor, imageId),
    listCollection: (...args) => pipeline.store.listCollection(...args),
  };
  return {
    ledger: pipeline.ledger,
    store,
    definitions: VENDOR_DEFINITIONS,
    archiveEvents: true,
    applyConcurrency: 8,
  };
};

/** Reads the records table's stream from its start. */
const streamOf = async (pipeline: TestPipeline): Promise<StreamReader> => {
  const described = await client.send(
    new DescribeTableCommand({ TableName: pipeline.tables.records }),
  );
  const arn = described.Table?.LatestStreamArn;
  if (arn === undefined) throw new Error(`${pipeline.tables.records} has no stream`);
  return new StreamReader(streams, arn);
};

/** The keys of the stream records written since the last read, each with how often it was. */
const writesPerKey = async (reader: StreamReader): Promise<Map<string, number>> => {
  const counts = new Map<string, number>();
  for (const record of await reader.readNew()) {
    const key = record.dynamodb?.Keys?.pk?.S ?? '(no key)';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
};

describe('two deliveries of one event applied at the same time', () => {
  it(`converge on one application, ${ROUNDS} times over`, async () => {
    // Prepare: the racing pipeline, and a reference that applies each event once, alone.
    const racing = await createTestPipeline(client);
    const reference = await createTestPipeline(client);
    const events = Array.from({ length: ROUNDS }, (_, round) => eventOfRound(round));
    const outcomes: Outcome[] = [];
    const deps = depsOf(racing, outcomes);
    const racingStream = await streamOf(racing);
    const referenceStream = await streamOf(reference);
    for (const event of events) await reference.deliver(event);

    // Act
    const results: Array<readonly ProcessResult[]> = [];
    for (const event of events) {
      results.push(
        await Promise.all([
          processEvent(event, { messageId: `${event.eventId}/a`, receiveCount: 1 }, deps),
          processEvent(
            { ...event, requestId: 'vendor-retry' },
            { messageId: `${event.eventId}/b`, receiveCount: 1 },
            deps,
          ),
        ]),
      );
    }
    const racingWrites = await writesPerKey(racingStream);
    const referenceWrites = await writesPerKey(referenceStream);

    // Assess: one completion and one counted duplicate per round.
    for (const pair of results) {
      expect(pair.map((result) => result.kind).sort()).toEqual(['applied', 'duplicate']);
    }
    const overlapped = results.filter((pair) =>
      pair.some((result) => result.kind === 'duplicate' && result.appliedConcurrently),
    ).length;
    expect(overlapped).toBeGreaterThan(0);
    for (const event of events) {
      const entry = await racing.ledger.find(event.eventId);
      expect(entry?.status).toBe('completed');
      expect(entry && deliveryCount(entry)).toBe(2);
      expect([...(entry?.deliveries ?? [])].sort()).toEqual([event.requestId, 'vendor-retry']);
    }
    // Exactly one `created` per image; any other apply of it changed nothing.
    const imageIds = events.flatMap((_, round) =>
      [0, 1, 2].map((index) => `race-${round}-${index}`),
    );
    for (const imageId of imageIds) {
      const of = outcomes.filter((outcome) => outcome.imageId === imageId);
      expect(of.filter((outcome) => outcome.outcome === 'created')).toHaveLength(1);
      expect(of.every((outcome) => ['created', 'stale'].includes(outcome.outcome))).toBe(true);
    }
    // Records as a single apply leaves them, at the same revision.
    for (const imageId of imageIds) {
      const [raced, alone] = await Promise.all([
        racing.store.get('spyne', imageId),
        reference.store.get('spyne', imageId),
      ]);
      expect(raced?.state).toEqual(alone?.state);
      expect(raced?.rev).toBe(1);
      expect(alone?.rev).toBe(1);
    }
    // One stream record per image and per completion, as the single applies wrote.
    expect(racingWrites.size).toBe(ROUNDS * (3 + 1));
    expect([...racingWrites.values()].every((count) => count === 1)).toBe(true);
    expect([...racingWrites.keys()].sort()).toEqual([...referenceWrites.keys()].sort());
    console.log(
      `${ROUNDS} races: ${overlapped} applied by both deliveries at once, ` +
        `${ROUNDS - overlapped} checked after the other completed; ` +
        `${[...racingWrites.values()].reduce((sum, count) => sum + count, 0)} stream records`,
    );
  }, 180_000);
});
