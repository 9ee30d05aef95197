import {
  BatchGetItemCommand,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { sdkDynamoDb } from '../../../shared/aws/sdk-dynamodb';
import { DynamoDbEventLedger } from '../../../shared/store/dynamodb-event-ledger';
import type { CapacityUse } from '../../../shared/store/dynamodb-item';
import {
  LedgerReadAhead,
  MAX_BATCH_GET_KEYS,
  UNPROCESSED_RETRIES,
} from '../../../shared/store/ledger-read-ahead';
import { StoreOperationError } from '../../../shared/store/store-errors';

/**
 * The read-ahead's fault paths, which DynamoDB Local cannot produce on demand: keys left
 * unprocessed (throttling, or the 16 MB response limit) and a failed call. Its normal path, one
 * BatchGetItem for a batch, is tested against DynamoDB Local (test/integration/worker).
 */

const TABLE = 'ledger';
const NOW = new Date('2026-11-23T12:00:00.000Z');
const ddbMock = mockClient(DynamoDBClient);
afterEach(() => ddbMock.reset());

const completedItem = (eventId: string) => ({
  eventId: { S: eventId },
  status: { S: 'completed' },
  completedAt: { S: '2026-11-23T11:00:00.000Z' },
  deliveries: { SS: ['first-delivery'] },
});

const keysOf = (...eventIds: string[]) => ({
  [TABLE]: { Keys: eventIds.map((eventId) => ({ eventId: { S: eventId } })) },
});

const ledgerWith = (uses: CapacityUse[] = []) =>
  new DynamoDbEventLedger({
    client: sdkDynamoDb(new DynamoDBClient({ region: 'us-east-1' })),
    tableName: TABLE,
    dedupeWindowSeconds: 7 * 24 * 3600,
    archiveRetentionSeconds: 30 * 24 * 3600,
    onCapacity: (use) => uses.push(use),
    now: () => NOW,
  });

/** The ids each BatchGetItem call asked for, in order. */
const askedFor = (): string[][] =>
  ddbMock
    .commandCalls(BatchGetItemCommand)
    .map((call) =>
      (call.args[0].input.RequestItems?.[TABLE]?.Keys ?? []).map((key) => key.eventId?.S ?? ''),
    );

describe('DynamoDbEventLedger.readAhead, fault paths (aws-sdk-client-mock)', () => {
  it('asks again for unprocessed keys and reads them in a second call', async () => {
    // Prepare: the first call returns one item and leaves the other key unprocessed.
    ddbMock
      .on(BatchGetItemCommand)
      .resolvesOnce({
        Responses: { [TABLE]: [completedItem('e1')] },
        UnprocessedKeys: keysOf('e2'),
        ConsumedCapacity: [{ TableName: TABLE, CapacityUnits: 0.5 }],
      })
      .resolvesOnce({
        Responses: { [TABLE]: [] },
        ConsumedCapacity: [{ TableName: TABLE, CapacityUnits: 0.5 }],
      });
    const uses: CapacityUse[] = [];
    const ledger = ledgerWith(uses);

    // Act
    const ahead = await ledger.readAhead(['e1', 'e2']);

    // Assess: e1 found, e2 read on the second call and absent; two calls, their units reported.
    expect(askedFor()).toEqual([['e1', 'e2'], ['e2']]);
    expect(ahead.take('e1')).toEqual({ item: completedItem('e1') });
    expect(ahead.take('e2')).toEqual({ item: undefined });
    expect(uses.map((use) => [use.operation, use.readUnits])).toEqual([
      ['BatchGetItem', 0.5],
      ['BatchGetItem', 0.5],
    ]);
  });

  it('leaves keys still unprocessed after its retries to their own check, which reads them with GetItem', async () => {
    // Prepare: every call leaves e2 unprocessed.
    ddbMock.on(BatchGetItemCommand).resolves({
      Responses: { [TABLE]: [completedItem('e1')] },
      UnprocessedKeys: keysOf('e2'),
    });
    ddbMock.on(GetItemCommand).resolves({ Item: completedItem('e2') });
    const ledger = ledgerWith();
    const attempt = { messageId: 'm2', receiveCount: 1 };
    const event = {
      deliveryId: 'first-delivery',
      vendor: 'spyne' as const,
      eventType: 'sku.completed',
      receivedAt: '2026-11-23T10:00:00.000Z',
    };

    // Act
    const ahead = await ledger.readAhead(['e1', 'e2']);
    const checkE1 = await ledger.check({ ...event, eventId: 'e1', attempt }, ahead);
    const checkE2 = await ledger.check({ ...event, eventId: 'e2', attempt }, ahead);

    // Assess: 1 + UNPROCESSED_RETRIES batch calls; e1 checked from the read-ahead, e2 with a
    // GetItem of its own; both are duplicates of a delivery counted already (no write).
    expect(askedFor()).toHaveLength(1 + UNPROCESSED_RETRIES);
    expect(ddbMock.commandCalls(GetItemCommand).map((call) => call.args[0].input.Key)).toEqual([
      { eventId: { S: 'e2' } },
    ]);
    expect(checkE1).toEqual({ kind: 'duplicate', deliveries: 1 });
    expect(checkE2).toEqual({ kind: 'duplicate', deliveries: 1 });
  });

  it('reads more than 100 events in calls of at most 100 keys', async () => {
    // Prepare
    ddbMock.on(BatchGetItemCommand).resolves({ Responses: { [TABLE]: [] } });
    const eventIds = Array.from({ length: MAX_BATCH_GET_KEYS + 5 }, (_, index) => `e${index}`);

    // Act
    const ahead = await ledgerWith().readAhead([...eventIds, 'e0']);

    // Assess: distinct ids only, 100 then 5.
    expect(askedFor().map((keys) => keys.length)).toEqual([MAX_BATCH_GET_KEYS, 5]);
    expect(ahead.size).toBe(MAX_BATCH_GET_KEYS + 5);
  });

  it('throws a StoreOperationError naming the call when it fails', async () => {
    // Prepare
    ddbMock
      .on(BatchGetItemCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }));

    // Act
    const reading = ledgerWith().readAhead(['e1']);

    // Assess
    await expect(reading).rejects.toThrow(StoreOperationError);
    await expect(reading).rejects.toThrow(/BatchGetItem/);
  });
});

describe('LedgerReadAhead', () => {
  it('hands each entry to one check only, so a second delivery of the event reads again', () => {
    // Prepare
    const ahead = new LedgerReadAhead(new Map([['e1', completedItem('e1')]]));

    // Act
    const first = ahead.take('e1');
    const second = ahead.take('e1');

    // Assess
    expect(first).toEqual({ item: completedItem('e1') });
    expect(second).toBeUndefined();
  });
});
