import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDb } from '../aws/dynamodb';
import type { Vendor } from '../vendors/vendor';
import { type CapacityListener, ignoreCapacity, unitsOf } from './dynamodb-item';
import { fromLedgerItem, type LedgerEntry, type LedgerStatus } from './ledger-item';
import { CorruptItemError, StoreOperationError } from './store-errors';
import { UNFINISHED_INDEX } from './table-definitions';

/** The reader's client and table. */
export interface LedgerReaderOptions {
  readonly client: DynamoDb;
  readonly tableName: string;
  readonly onCapacity?: CapacityListener;
}

/** Which entries a history listing keeps. */
export interface LedgerFilter {
  readonly vendor?: Vendor;
  readonly status?: LedgerStatus;
  /** ISO time: only events received at or after it. */
  readonly since?: string;
  readonly limit: number;
}

/** Every attribute but the archive, which a listing never needs. */
const LISTED_ATTRIBUTES = [
  'eventId',
  'status',
  'firstSeenAt',
  'completedAt',
  'deliveries',
  'moreDeliveries',
  'vendor',
  'eventType',
  'receivedAt',
  'imagesApplied',
  'imagesRefused',
  'refusedImages',
  'notes',
  'noteCount',
  'expiresAt',
  'archiveSkipped',
  'failures',
  'lastError',
  'lastFailedAt',
  'lastFailedAttempt',
  'unfinishedSince',
];

/** When the event was first seen: the gateway's receipt, else the entry's first write. */
const seenAt = (entry: LedgerEntry): string => entry.receivedAt ?? entry.firstSeenAt ?? '';

const newestFirst = (a: LedgerEntry, b: LedgerEntry): number => seenAt(b).localeCompare(seenAt(a));

/**
 * The ledger as operators read it (`npm run events`, the local console); the worker never uses
 * this. Two ways to list, with different costs:
 *
 * - `unfinished`: a Query of the sparse `unfinished` index, which holds only the events that
 *   failed at least once and have not completed since. Reads only those; writes nothing extra on
 *   the happy path (see `LEDGER_TABLE`).
 * - `history`: a Scan of the whole ledger with a filter. DynamoDB charges a Scan by the bytes it
 *   reads before filtering (archives included), so this is for small tables and the local stack;
 *   in AWS, history at volume belongs to Logs Insights on the worker's one line per event.
 */
export class DynamoDbLedgerReader {
  private readonly client: DynamoDb;
  private readonly tableName: string;
  private readonly onCapacity: CapacityListener;

  constructor(options: LedgerReaderOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.onCapacity = options.onCapacity ?? ignoreCapacity;
  }

  /** One entry, archive included, read strongly consistent. */
  async find(eventId: string): Promise<LedgerEntry | undefined> {
    const output = await this.call('GetItem', () =>
      this.client.call('GetItem', {
        TableName: this.tableName,
        Key: { eventId: { S: eventId } },
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    this.report('GetItem', output.ConsumedCapacity);
    return output.Item && this.parse(output.Item);
  }

  /** One vendor's unfinished events, the longest-unfinished last, received at or after `since`. */
  async unfinished(
    vendor: Vendor,
    options: { since?: string; limit?: number } = {},
  ): Promise<LedgerEntry[]> {
    const found: LedgerEntry[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const output = await this.call('Query', () =>
        this.client.call('Query', {
          TableName: this.tableName,
          IndexName: UNFINISHED_INDEX,
          KeyConditionExpression: 'unfinishedVendor = :vendor',
          ExpressionAttributeValues: { ':vendor': { S: vendor } },
          ScanIndexForward: false,
          ExclusiveStartKey: startKey,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.report('Query', output.ConsumedCapacity);
      for (const item of output.Items ?? []) found.push(this.parse(item));
      startKey = output.LastEvaluatedKey;
    } while (startKey !== undefined && found.length < (options.limit ?? Infinity));
    return found
      .filter((entry) => options.since === undefined || (entry.receivedAt ?? '') >= options.since)
      .slice(0, options.limit);
  }

  /** The newest entries that match, from a Scan of the whole table (see the class comment). */
  async history(filter: LedgerFilter): Promise<LedgerEntry[]> {
    // Only event entries: the table also holds signature bindings, which have no status.
    const conditions: string[] = ['attribute_exists(#status)'];
    const values: Record<string, AttributeValue> = {};
    if (filter.vendor !== undefined) {
      conditions.push('#vendor = :vendor');
      values[':vendor'] = { S: filter.vendor };
    }
    if (filter.status !== undefined) {
      conditions.push('#status = :status');
      values[':status'] = { S: filter.status };
    }
    if (filter.since !== undefined) {
      conditions.push('#receivedAt >= :since');
      values[':since'] = { S: filter.since };
    }
    const names = Object.fromEntries(LISTED_ATTRIBUTES.map((name) => [`#${name}`, name]));
    const found: LedgerEntry[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const output = await this.call('Scan', () =>
        this.client.call('Scan', {
          TableName: this.tableName,
          ProjectionExpression: LISTED_ATTRIBUTES.map((name) => `#${name}`).join(', '),
          ExpressionAttributeNames: names,
          FilterExpression: conditions.join(' AND '),
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
          ExclusiveStartKey: startKey,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.report('Query', output.ConsumedCapacity);
      for (const item of output.Items ?? []) found.push(this.parse(item));
      startKey = output.LastEvaluatedKey;
    } while (startKey !== undefined);
    return found.sort(newestFirst).slice(0, filter.limit);
  }

  /**
   * Every entry that still holds an archive, archive included, of one vendor or all: what
   * reprocessing reads. A Scan, so it reads (and is charged for) the whole ledger once.
   */
  async archived(options: { vendor?: Vendor } = {}): Promise<LedgerEntry[]> {
    const found: LedgerEntry[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const output = await this.call('Scan', () =>
        this.client.call('Scan', {
          TableName: this.tableName,
          FilterExpression:
            options.vendor === undefined
              ? 'attribute_exists(#archive)'
              : 'attribute_exists(#archive) AND #vendor = :vendor',
          ExpressionAttributeNames: {
            '#archive': 'archive',
            ...(options.vendor === undefined ? {} : { '#vendor': 'vendor' }),
          },
          ...(options.vendor === undefined
            ? {}
            : { ExpressionAttributeValues: { ':vendor': { S: options.vendor } } }),
          ExclusiveStartKey: startKey,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.report('Query', output.ConsumedCapacity);
      for (const item of output.Items ?? []) found.push(this.parse(item));
      startKey = output.LastEvaluatedKey;
    } while (startKey !== undefined);
    return found;
  }

  private parse(item: Record<string, AttributeValue>): LedgerEntry {
    const parsed = fromLedgerItem(item);
    if (!parsed.ok) {
      const reason = parsed.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
      throw new CorruptItemError(this.tableName, item.eventId?.S ?? '(no eventId)', reason);
    }
    return parsed.value;
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw new StoreOperationError(operation, this.tableName, { cause: error });
    }
  }

  private report(operation: 'GetItem' | 'Query', consumed: Parameters<typeof unitsOf>[0]): void {
    this.onCapacity({
      tableName: this.tableName,
      operation,
      ...unitsOf(consumed, 'read'),
      reported: true,
    });
  }
}
