import {
  type AttributeValue,
  BatchGetItemCommand,
  type DynamoDBClient,
  type KeysAndAttributes,
} from '@aws-sdk/client-dynamodb';
import type { CapacityListener } from './dynamodb-item';
import { type RawLedgerItem } from './ledger-read-ahead';
import { StoreOperationError } from './store-errors';

/** BatchGetItem takes at most 100 keys per call. */
export const MAX_BATCH_GET_KEYS = 100;

/**
 * Calls again for keys DynamoDB left unprocessed (throttling, or its 16 MB response limit),
 * with a short backoff, before leaving them to their own checks.
 */
export const UNPROCESSED_RETRIES = 2;
const BACKOFF_MS = 20;

/**
 * The attributes a check decides on (`decideCheck`), and nothing else: no archive (up to 350 KB
 * of gzip), refusal list or notes, which would cross the wire and be parsed for nothing. The read
 * costs the same units either way (DynamoDB charges the whole item).
 */
export const CHECK_PROJECTION = {
  ProjectionExpression:
    '#eventId, #status, #completedAt, #deliveries, #moreDeliveries, #lastDelivery, #lastFailedAttempt',
  ExpressionAttributeNames: {
    '#eventId': 'eventId',
    '#status': 'status',
    '#completedAt': 'completedAt',
    '#deliveries': 'deliveries',
    '#moreDeliveries': 'moreDeliveries',
    '#lastDelivery': 'lastDelivery',
    '#lastFailedAttempt': 'lastFailedAttempt',
  },
} as const;

/** Where a batch read goes and whom it reports its units to. */
export interface LedgerBatchReadTarget {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly onCapacity: CapacityListener;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The ledger items of `eventIds`, eventually consistent, with ONE BatchGetItem per 100 distinct
 * ids: each id read maps to its item, or to `undefined` when it has no entry. Keys DynamoDB
 * leaves unprocessed are asked for again `UNPROCESSED_RETRIES` times; any still unprocessed are
 * left out of the map, so their checks read them one by one. Throws `StoreOperationError` when a
 * call fails.
 */
export const readLedgerItems = async (
  target: LedgerBatchReadTarget,
  eventIds: readonly string[],
): Promise<Map<string, RawLedgerItem | undefined>> => {
  const read = new Map<string, RawLedgerItem | undefined>();
  const distinct = [...new Set(eventIds)];
  for (let start = 0; start < distinct.length; start += MAX_BATCH_GET_KEYS) {
    let pending: readonly string[] = distinct.slice(start, start + MAX_BATCH_GET_KEYS);
    for (let call = 0; pending.length > 0 && call <= UNPROCESSED_RETRIES; call += 1) {
      if (call > 0) await pause(BACKOFF_MS * 2 ** (call - 1));
      const answer = await batchGet(target, pending);
      const unprocessed = new Set(answer.unprocessed);
      for (const item of answer.items) {
        const eventId = item.eventId?.S;
        if (eventId !== undefined) read.set(eventId, item);
      }
      for (const eventId of pending) {
        if (!unprocessed.has(eventId) && !read.has(eventId)) read.set(eventId, undefined);
      }
      pending = pending.filter((eventId) => unprocessed.has(eventId));
    }
  }
  return read;
};

/** One BatchGetItem on the ledger: the items it returned and the ids it left unprocessed. */
const batchGet = async (
  { client, tableName, onCapacity }: LedgerBatchReadTarget,
  eventIds: readonly string[],
): Promise<{ items: RawLedgerItem[]; unprocessed: string[] }> => {
  const request: KeysAndAttributes = {
    Keys: eventIds.map((eventId) => ({ eventId: { S: eventId } })),
    ConsistentRead: false,
    ...CHECK_PROJECTION,
  };
  try {
    const output = await client.send(
      new BatchGetItemCommand({
        RequestItems: { [tableName]: request },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    const readUnits = (output.ConsumedCapacity ?? [])
      .filter((consumed) => consumed.TableName === tableName)
      .reduce((sum, consumed) => sum + (consumed.CapacityUnits ?? 0), 0);
    onCapacity({
      tableName,
      operation: 'BatchGetItem',
      readUnits,
      writeUnits: 0,
      indexWriteUnits: 0,
      reported: true,
    });
    const keys: ReadonlyArray<Record<string, AttributeValue>> =
      output.UnprocessedKeys?.[tableName]?.Keys ?? [];
    return {
      items: output.Responses?.[tableName] ?? [],
      unprocessed: keys.flatMap((key) => (key.eventId?.S === undefined ? [] : [key.eventId.S])),
    };
  } catch (error) {
    throw new StoreOperationError('BatchGetItem (read ahead)', tableName, { cause: error });
  }
};
