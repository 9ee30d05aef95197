import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ConditionalCheckFailedError, type DynamoDb } from '../aws/dynamodb';
import * as v from 'valibot';
import {
  applyChange,
  type CollectionRule,
  movesToAnotherCollection,
  type RecordState,
} from '../record/record-state';
import type { ImageChange, ImageExpectation } from '../record/image-change';
import type { Vendor } from '../vendors/vendor';
import {
  type CapacityListener,
  ignoreCapacity,
  itemBytes,
  MAX_ITEM_BYTES,
  unitsOf,
  writeUnitsFor,
} from './dynamodb-item';
import {
  type CollectionCompletion,
  collectionKey,
  fromRecordItem,
  type RecordCause,
  recordKey,
  type StoredRecord,
  toCompletionItem,
  toSizedRecordItem,
} from './record-item';
import type {
  ApplyResult,
  CollectionPage,
  CollectionPageRequest,
  CollectionPosition,
  ImageRecordStore,
} from './image-record-store';
import {
  ConcurrentUpdateError,
  CorruptItemError,
  RecordTooLargeError,
  StoreOperationError,
} from './store-errors';
import { BY_COLLECTION_INDEX } from './table-definitions';

/** Write attempts on one image before giving up with `ConcurrentUpdateError` (then SQS retries). */
const DEFAULT_MAX_WRITE_ATTEMPTS = 10;

/** The store's client and table, plus the knobs tests and benchmarks turn. */
export interface DynamoDbImageRecordStoreOptions {
  /** Created once per process by the caller, never per call. */
  readonly client: DynamoDb;
  readonly tableName: string;
  readonly onCapacity?: CapacityListener;
  readonly maxWriteAttempts?: number;
  /** The write time recorded as `updatedAt`. */
  readonly now?: () => Date;
}

/** `replace` wrote, or another write got there first and `current` is what is stored now. */
export type ReplaceOutcome =
  | { readonly written: true }
  | { readonly written: false; readonly current: StoredRecord | undefined };

/** The outcome of one conditional PutItem. */
type PutOutcome =
  | { readonly won: true; readonly writeUnits: number }
  | { readonly won: false; readonly writeUnits: number; readonly current?: StoredRecord };

const SortKeyAttributeSchema = v.object({ collectionSort: v.object({ S: v.string() }) });

/**
 * The records table in DynamoDB, one item per image carrying its whole merged state and a `rev`.
 * No transaction, and the store starts from what it expects to find:
 *
 * 1. A change expected to create its image (`new`) is merged into an empty record and written
 *    with PutItem on `attribute_not_exists(pk)`: a new image costs exactly this one write and no
 *    read. A change expected to find its image (`existing`) starts with an eventually consistent
 *    GetItem instead (0.5 RRU, a tenth of the price of the 1+ WRU a refused create costs).
 * 2. With a stored record in hand, a change that would move the image to another collection is
 *    refused under the `fixed` rule (an image belongs to the collection that first created it);
 *    otherwise the change is merged into it with `applyChange`. When no field
 *    changes, the event is stale for this image and nothing is written. Otherwise PutItem of the
 *    merged state on `rev = <stored rev>`, with rev + 1.
 * 3. A refused condition (the image existed after all, or another writer or a stale read got
 *    there first) returns the stored item with the refusal (`ReturnValuesOnConditionCheckFailure:
 *    ALL_OLD`, no extra read), and step 2 runs again on it, at most `maxWriteAttempts` times.
 *    Because the merge is commutative and idempotent, concurrent writers on one image converge
 *    to the state of sequential application, whatever either side expected.
 *
 * Every call asks for consumed capacity (`INDEXES` on writes, i.e. with the index share), and
 * every call reports to `onCapacity`.
 */
export class DynamoDbImageRecordStore implements ImageRecordStore {
  private readonly client: DynamoDb;
  private readonly tableName: string;
  private readonly onCapacity: CapacityListener;
  private readonly maxWriteAttempts: number;
  private readonly now: () => Date;

  constructor(options: DynamoDbImageRecordStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.onCapacity = options.onCapacity ?? ignoreCapacity;
    this.maxWriteAttempts = options.maxWriteAttempts ?? DEFAULT_MAX_WRITE_ATTEMPTS;
    this.now = options.now ?? (() => new Date());
  }

  async apply(
    change: ImageChange,
    expectation: ImageExpectation = 'new',
    collections: CollectionRule = 'fixed',
    cause?: RecordCause,
  ): Promise<ApplyResult> {
    let stored =
      expectation === 'existing' ? await this.get(change.vendor, change.imageId) : undefined;
    let writeUnits = 0;
    for (let attempts = 0; ; attempts += 1) {
      // Checked on every stored state the loop sees, so a concurrent first writer is honoured too.
      if (movesToAnotherCollection(stored?.state, change, collections)) {
        return { outcome: 'refused', reason: 'collection_mismatch', writeUnits, attempts };
      }
      const merged = applyChange(stored?.state, change);
      if (stored !== undefined && !merged.changed) {
        return { outcome: 'stale', writeUnits, attempts };
      }
      if (attempts === this.maxWriteAttempts) {
        throw new ConcurrentUpdateError(recordKey(change.vendor, change.imageId), attempts);
      }
      const put = await this.conditionalPut(merged.state, stored?.rev, cause);
      writeUnits += put.writeUnits;
      if (put.won) {
        const outcome = stored === undefined ? 'created' : 'updated';
        return { outcome, writeUnits, attempts: attempts + 1 };
      }
      // Refused: merge into what is stored now. `undefined` only if the item vanished between
      // our writes (records are never deleted, but be exact): then create it again.
      stored = put.current;
    }
  }

  /**
   * Writes a whole state in place of the stored one: PutItem on `rev = storedRev` (or on
   * `attribute_not_exists(pk)` without one), with rev + 1 and `cause` kept, as `apply` writes. For
   * reprocessing, which rebuilds a state outside the merge: a refused condition hands back the
   * current item, so the caller rebuilds on it instead of overwriting a concurrent write.
   * Throws `RecordTooLargeError` for a state that cannot fit, as `apply` does.
   */
  async replace(
    state: RecordState,
    storedRev: number | undefined,
    cause: RecordCause,
  ): Promise<ReplaceOutcome> {
    const put = await this.conditionalPut(state, storedRev, cause);
    return put.won ? { written: true } : { written: false, current: put.current };
  }

  /**
   * One PutItem on `attribute_not_exists(pk)`: the first application of a completing event
   * records the completion (1 WRU), a retry of it is refused and writes nothing.
   */
  async recordCompletion(completion: CollectionCompletion): Promise<'recorded' | 'exists'> {
    try {
      const output = await this.client.call('PutItem', {
        TableName: this.tableName,
        Item: toCompletionItem(completion),
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnConsumedCapacity: 'INDEXES',
      });
      this.report('PutItem', unitsOf(output.ConsumedCapacity, 'write'), true);
      return 'recorded';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedError)) {
        throw new StoreOperationError('PutItem', this.tableName, { cause: error });
      }
      const writeUnits = writeUnitsFor(itemBytes(toCompletionItem(completion)));
      this.report('PutItem', { readUnits: 0, writeUnits, indexWriteUnits: 0 }, false);
      return 'exists';
    }
  }

  /**
   * One GetItem, eventually consistent: half the read cost. Readers never need the last
   * millisecond, and `apply` does not either: a read that misses the latest write only leads to
   * a refused put, which hands over the latest item.
   */
  async get(vendor: Vendor, imageId: string): Promise<StoredRecord | undefined> {
    const key = recordKey(vendor, imageId);
    const output = await this.call('GetItem', () =>
      this.client.call('GetItem', {
        TableName: this.tableName,
        Key: { pk: { S: key } },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    this.report('GetItem', unitsOf(output.ConsumedCapacity, 'read'), true);
    return output.Item === undefined ? undefined : this.parse(output.Item, key);
  }

  /**
   * One Query of the `byCollection` index. It asks for `limit + 1` records, so a page that ends
   * the collection carries no `next` (a bare `LastEvaluatedKey` would promise an empty page).
   * When DynamoDB's 1 MB response limit cuts the Query short, the records read so far are the
   * page and `next` resumes after them, which keeps every response bounded.
   */
  async listCollection(request: CollectionPageRequest): Promise<CollectionPage> {
    const partition = collectionKey(request.vendor, request.collectionId);
    const found: Array<{ record: StoredRecord; position: CollectionPosition }> = [];
    let startKey: Record<string, AttributeValue> | undefined = request.after && {
      pk: { S: request.after.recordKey },
      collectionKey: { S: partition },
      collectionSort: { S: request.after.sortKey },
    };
    for (;;) {
      const output = await this.call('Query', () =>
        this.client.call('Query', {
          TableName: this.tableName,
          IndexName: BY_COLLECTION_INDEX,
          KeyConditionExpression: 'collectionKey = :collection',
          ExpressionAttributeValues: { ':collection': { S: partition } },
          Limit: request.limit + 1 - found.length,
          ExclusiveStartKey: startKey,
          ReturnConsumedCapacity: 'TOTAL',
        }),
      );
      this.report('Query', unitsOf(output.ConsumedCapacity, 'read'), true);
      for (const item of output.Items ?? []) found.push(this.parseIndexed(item));
      startKey = output.LastEvaluatedKey;
      // Done at the collection's end, or as soon as a Query returned records (an empty, size-cut
      // Query continues). A `startKey` left over means more records follow this page.
      if (startKey === undefined || found.length > 0) break;
    }
    const page = found.slice(0, request.limit);
    const last = page.at(-1);
    const more = startKey !== undefined || found.length > request.limit;
    return {
      records: page.map((entry) => entry.record),
      ...(more && last ? { next: last.position } : {}),
    };
  }

  private parseIndexed(item: Record<string, AttributeValue>): {
    record: StoredRecord;
    position: CollectionPosition;
  } {
    const key = item.pk?.S ?? '(no pk)';
    const sortKey = v.safeParse(SortKeyAttributeSchema, item);
    if (!sortKey.success) {
      throw new CorruptItemError(this.tableName, key, 'index item without collectionSort');
    }
    return {
      record: this.parse(item, key),
      position: { recordKey: key, sortKey: sortKey.output.collectionSort.S },
    };
  }

  /** Step 1 (no `storedRev`) or step 2 of `apply`: one PutItem, its condition and its cost. */
  private async conditionalPut(
    state: RecordState,
    storedRev: number | undefined,
    cause: RecordCause | undefined,
  ): Promise<PutOutcome> {
    const key = recordKey(state.vendor, state.imageId);
    const { item, textBytes } = toSizedRecordItem({
      state,
      rev: (storedRev ?? 0) + 1,
      updatedAt: this.now().toISOString(),
      ...(cause ? { cause } : {}),
    });
    // The limit applies to the record's content, not to how well it deflates (see `textBytes`).
    if (textBytes > MAX_ITEM_BYTES) throw new RecordTooLargeError(key, textBytes, MAX_ITEM_BYTES);
    try {
      const output = await this.client.call('PutItem', {
        TableName: this.tableName,
        Item: item,
        ...(storedRev === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: 'rev = :rev',
              ExpressionAttributeValues: { ':rev': { N: String(storedRev) } },
            }),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        ReturnConsumedCapacity: 'INDEXES',
      });
      const units = unitsOf(output.ConsumedCapacity, 'write');
      this.report('PutItem', units, true);
      return { won: true, writeUnits: units.writeUnits };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedError)) {
        throw new StoreOperationError('PutItem', this.tableName, { cause: error });
      }
      // DynamoDB charges a failed condition by item size but reports nothing: estimate it.
      const oldBytes = error.item ? itemBytes(error.item) : 0;
      const writeUnits = writeUnitsFor(Math.max(itemBytes(item), oldBytes));
      this.report('PutItem', { readUnits: 0, writeUnits, indexWriteUnits: 0 }, false);
      return {
        won: false,
        writeUnits,
        ...(error.item ? { current: this.parse(error.item, key) } : {}),
      };
    }
  }

  private parse(item: Record<string, AttributeValue>, key: string): StoredRecord {
    const parsed = fromRecordItem(item);
    if (!parsed.ok) {
      const reason = parsed.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
      throw new CorruptItemError(this.tableName, key, reason);
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

  private report(
    operation: 'PutItem' | 'GetItem' | 'Query',
    units: { readUnits: number; writeUnits: number; indexWriteUnits: number },
    reported: boolean,
  ): void {
    this.onCapacity({ tableName: this.tableName, operation, ...units, reported });
  }
}
