import type { AttributeValue, KeysAndAttributes } from '@aws-sdk/client-dynamodb';
import type { DynamoDb } from '../aws/dynamodb';
import type { CapacityListener } from './dynamodb-item';
import { StoreOperationError } from './store-errors';

/**
 * Reading a batch's ledger entries ahead of their checks: what was read (`LedgerReadAhead`) and
 * the BatchGetItem reads that fill it (`readLedgerItems`), with the projection the check's own
 * read shares (`CHECK_PROJECTION`). One concept, one file: the read and what it hands over are
 * read side by side.
 */

/** A ledger item as DynamoDB returns it, not yet parsed. */
export type RawLedgerItem = Readonly<Record<string, AttributeValue>>;

/**
 * The ledger entries of one SQS batch's events, read together before any of them is checked
 * (`EventLedger.readAhead`), so a batch of ten makes one read instead of ten reads in sequence
 * with their writes. Each entry serves ONE check (`take`): a second delivery of the same event in
 * the batch runs after the first one completed it (deliveries of one event run in turn), so it
 * must read the entry again to find it completed, not reuse what was read before.
 *
 * Items are kept raw and parsed by the check that takes them, so a corrupt entry fails its own
 * event only. An event missing here (its key left unprocessed, or taken already) is read by its
 * check as before.
 */
export class LedgerReadAhead {
  readonly #items: Map<string, RawLedgerItem | undefined>;

  /** `items`: each event read, with its item, or `undefined` when it has no entry. */
  constructor(items: ReadonlyMap<string, RawLedgerItem | undefined>) {
    this.#items = new Map(items);
  }

  /** Events read ahead and not taken yet. */
  get size(): number {
    return this.#items.size;
  }

  /**
   * The event's entry as read ahead, once: `{ item }` (`item` undefined when the event has no
   * entry), or `undefined` when it was not read ahead or was taken already.
   */
  take(eventId: string): { readonly item: RawLedgerItem | undefined } | undefined {
    if (!this.#items.has(eventId)) return undefined;
    const item = this.#items.get(eventId);
    this.#items.delete(eventId);
    return { item };
  }
}

/** BatchGetItem takes at most 100 keys per call. */
export const MAX_BATCH_GET_KEYS = 100;

/**
 * Calls again for keys DynamoDB left unprocessed (throttling, or its 16 MB response limit),
 * with a short backoff, before leaving them to their own checks.
 */
export const UNPROCESSED_RETRIES = 2;
const BACKOFF_MS = 20;

/** The least an eventually consistent read of one key costs, item or not. */
const EVENTUALLY_CONSISTENT_MINIMUM = 0.5;

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
  readonly client: DynamoDb;
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
    const output = await client.call('BatchGetItem', {
      RequestItems: { [tableName]: request },
      ReturnConsumedCapacity: 'TOTAL',
    });
    const reportedUnits = (output.ConsumedCapacity ?? [])
      .filter((consumed) => consumed.TableName === tableName)
      .reduce((sum, consumed) => sum + (consumed.CapacityUnits ?? 0), 0);
    const unprocessedKeys: ReadonlyArray<Record<string, AttributeValue>> =
      output.UnprocessedKeys?.[tableName]?.Keys ?? [];
    const processed = eventIds.length - unprocessedKeys.length;
    // DynamoDB charges each key read as a GetItem, at least half a unit even when it has no item
    // (eventually consistent); DynamoDB Local reports only the items found, so the minimum is
    // kept as an estimate where the report falls short of it.
    const minimumUnits = processed * EVENTUALLY_CONSISTENT_MINIMUM;
    onCapacity({
      tableName,
      operation: 'BatchGetItem',
      readUnits: Math.max(reportedUnits, minimumUnits),
      writeUnits: 0,
      indexWriteUnits: 0,
      reported: reportedUnits >= minimumUnits,
    });
    return {
      items: output.Responses?.[tableName] ?? [],
      unprocessed: unprocessedKeys.flatMap((key) =>
        key.eventId?.S === undefined ? [] : [key.eventId.S],
      ),
    };
  } catch (error) {
    throw new StoreOperationError('BatchGetItem (read ahead)', tableName, { cause: error });
  }
};
