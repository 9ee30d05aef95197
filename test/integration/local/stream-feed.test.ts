import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { LambdaHandler } from '../../../local/lambda/invoke-handler';
import { LOCAL_AWS } from '../../../local/servers/dynamodb-local';
import {
  FileCheckpointStore,
  MemoryCheckpointStore,
} from '../../../local/stream-feed/stream-checkpoints';
import type { StreamBatchFailure } from '../../../local/stream-feed/stream-failure';
import {
  type StreamBatchReport,
  StreamFeed,
  type StreamFeedOptions,
} from '../../../local/stream-feed/stream-feed';
import { ensureTable } from '../../../shared/store/ensure-table';
import { RECORDS_TABLE } from '../../../shared/store/table-definitions';
import { localDynamoDb, uniqueName } from '../../support/local-clients';

jest.setTimeout(30_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `done()` holds. */
const until = async (done: () => boolean, what: string, timeoutMs = 20_000) => {
  const started = Date.now();
  while (!done()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
};

/** A records table (from the shared definition, so with its stream) and its stream's ARN. */
const createTable = async (dynamoDb: DynamoDBClient) => {
  const name = uniqueName('stream-feed');
  await ensureTable(dynamoDb, RECORDS_TABLE, name);
  const described = await dynamoDb.send(new DescribeTableCommand({ TableName: name }));
  return { name, streamArn: described.Table?.LatestStreamArn ?? '' };
};

/** Writes items `key-<from>` … `key-<to - 1>`, each with a binary attribute, in order. */
const writeItems = async (dynamoDb: DynamoDBClient, table: string, from: number, to: number) => {
  for (let index = from; index < to; index += 1) {
    await dynamoDb.send(
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: `key-${index}` }, blob: { B: Buffer.from(`bytes-${index}`) } },
      }),
    );
  }
};

const keyOf = (record: DynamoDBRecord): string => record.dynamodb?.Keys?.pk?.S ?? '';

describe('the stream feed against DynamoDB Local', () => {
  let dynamoDb: DynamoDBClient;
  let streams: DynamoDBStreamsClient;
  const feeds: StreamFeed[] = [];

  const startFeed = (
    streamArn: string,
    handler: LambdaHandler,
    overrides: Partial<StreamFeedOptions> = {},
  ): StreamFeed => {
    const feed = new StreamFeed({
      streams,
      streamArn,
      functionName: 'publisher',
      handler,
      checkpoints: new MemoryCheckpointStore(),
      batchSize: 4,
      functionTimeoutMs: 5_000,
      retryAttempts: 100,
      maxRecordAgeMs: 3_600_000,
      bisectOnError: true,
      onFailure: async () => {},
      idlePollMs: 50,
      retryDelayMs: () => 20,
      log: () => undefined,
      ...overrides,
    });
    feeds.push(feed);
    feed.start();
    return feed;
  };

  beforeAll(() => {
    dynamoDb = localDynamoDb();
    streams = new DynamoDBStreamsClient({
      ...LOCAL_AWS,
      endpoint: process.env.TEST_DYNAMODB_ENDPOINT ?? '',
    });
  });

  afterEach(async () => {
    await Promise.all(feeds.splice(0).map((feed) => feed.stop()));
  });

  afterAll(() => {
    dynamoDb.destroy();
    streams.destroy();
  });

  it('hands every write to the function in order, in batches, as Lambda shapes stream records', async () => {
    // Prepare
    const table = await createTable(dynamoDb);
    await writeItems(dynamoDb, table.name, 0, 10);
    const batches: DynamoDBRecord[][] = [];

    // Act
    startFeed(table.streamArn, (event) => {
      batches.push((event as DynamoDBStreamEvent).Records);
      return { batchItemFailures: [] };
    });
    await until(() => batches.flat().length >= 10, 'ten records');

    // Assess
    const records = batches.flat();
    expect(records.map(keyOf)).toEqual(Array.from({ length: 10 }, (_, index) => `key-${index}`));
    expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(4);
    const [first] = records;
    expect(first).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventSourceARN: table.streamArn,
      dynamodb: {
        StreamViewType: 'NEW_AND_OLD_IMAGES',
        NewImage: { blob: { B: Buffer.from('bytes-0').toString('base64') } },
      },
    });
    expect(typeof first?.dynamodb?.ApproximateCreationDateTime).toBe('number');
  });

  it('retries from the sequence number the function reports, never before it', async () => {
    // Prepare
    const table = await createTable(dynamoDb);
    await writeItems(dynamoDb, table.name, 0, 4);
    const seen: string[][] = [];

    // Act
    startFeed(table.streamArn, (event) => {
      const records = (event as DynamoDBStreamEvent).Records;
      seen.push(records.map(keyOf));
      const third = records[2]?.dynamodb?.SequenceNumber;
      return seen.length === 1 && third !== undefined
        ? { batchItemFailures: [{ itemIdentifier: third }] }
        : { batchItemFailures: [] };
    });
    await until(() => seen.length >= 2, 'the retry');

    // Assess
    expect(seen[0]).toEqual(['key-0', 'key-1', 'key-2', 'key-3']);
    expect(seen[1]).toEqual(['key-2', 'key-3']);
  });

  it('bisects a batch the function fails on, and parks the one bad record after its retries', async () => {
    // Prepare
    const table = await createTable(dynamoDb);
    await writeItems(dynamoDb, table.name, 0, 4);
    const delivered = new Set<string>();
    const failures: StreamBatchFailure[] = [];
    const reports: StreamBatchReport[] = [];

    // Act
    startFeed(
      table.streamArn,
      (event) => {
        const keys = (event as DynamoDBStreamEvent).Records.map(keyOf);
        if (keys.includes('key-2')) throw new Error('poison record');
        for (const key of keys) delivered.add(key);
        return { batchItemFailures: [] };
      },
      {
        retryAttempts: 2,
        onFailure: async (failure) => {
          failures.push(failure);
        },
        onBatch: (report) => reports.push(report),
      },
    );
    await until(
      () => delivered.size >= 3 && failures.length >= 1,
      'the good records and one parked',
    );

    // Assess
    expect([...delivered].sort()).toEqual(['key-0', 'key-1', 'key-3']);
    expect(failures).toHaveLength(1);
    const parked = reports.find((report) => report.outcome === 'given-up');
    expect(parked?.sequenceNumbers).toHaveLength(1);
    expect(failures[0]?.DDBStreamBatchInfo).toMatchObject({
      streamArn: table.streamArn,
      batchSize: 1,
      startSequenceNumber: parked?.sequenceNumbers[0],
      endSequenceNumber: parked?.sequenceNumbers[0],
    });
    expect(failures[0]?.requestContext.condition).toBe('RetryAttemptsExhausted');
    // Two halves of four, then the bad half in two again: splits are not retries.
    expect(reports.filter((report) => report.outcome === 'error')).toHaveLength(5);
  });

  it('resumes from its checkpoint after its function died mid-batch: everything, once, in order', async () => {
    // Prepare
    const table = await createTable(dynamoDb);
    const dir = mkdtempSync(join(tmpdir(), 'stream-checkpoints-'));
    const store = () => new FileCheckpointStore(join(dir, 'checkpoints.json'));
    await writeItems(dynamoDb, table.name, 0, 8);
    const firstRun: string[] = [];
    const secondRun: string[] = [];
    let hung = false;

    // Act: after two batches the first feed's function never answers again (a dead process);
    // the feed is stopped, and a new one starts on the same checkpoint file.
    const first = startFeed(
      table.streamArn,
      (event) => {
        if (firstRun.length >= 4) {
          hung = true;
          return new Promise<never>(() => undefined);
        }
        firstRun.push(...(event as DynamoDBStreamEvent).Records.map(keyOf));
        return { batchItemFailures: [] };
      },
      { checkpoints: store(), batchSize: 2, functionTimeoutMs: 300 },
    );
    await until(() => hung, 'the first function to hang');
    await first.stop();
    await writeItems(dynamoDb, table.name, 8, 10);
    startFeed(
      table.streamArn,
      (event) => {
        secondRun.push(...(event as DynamoDBStreamEvent).Records.map(keyOf));
        return { batchItemFailures: [] };
      },
      { checkpoints: store(), batchSize: 2 },
    );
    await until(() => secondRun.includes('key-9'), 'the second feed to reach the end');
    rmSync(dir, { recursive: true, force: true });

    // Assess
    expect(firstRun).toEqual(['key-0', 'key-1', 'key-2', 'key-3']);
    expect(secondRun).toEqual(['key-4', 'key-5', 'key-6', 'key-7', 'key-8', 'key-9']);
  });

  it('gives a records table created before it had a stream its stream', async () => {
    // Prepare
    const name = uniqueName('streamless');
    await dynamoDb.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );

    // Act
    const outcome = await ensureTable(dynamoDb, RECORDS_TABLE, name);
    const described = await dynamoDb.send(new DescribeTableCommand({ TableName: name }));

    // Assess
    expect(outcome).toBe('existed');
    expect(described.Table?.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    expect(described.Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual([
      'byCollection',
    ]);
  });
});
