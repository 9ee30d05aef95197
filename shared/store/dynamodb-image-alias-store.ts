import { ConditionalCheckFailedError, type DynamoDb } from '../aws/dynamodb';
import type { AliasedImageChange } from '../record/image-change';
import type { Vendor } from '../vendors/vendor';
import { aliasKey, asAliasedChanges, heldChangesOf, withHeldChange } from './alias-item';
import { type CapacityListener, ignoreCapacity, unitsOf } from './dynamodb-item';
import type { ImageAliasStore } from './image-alias-store';
import { ConcurrentUpdateError, StoreOperationError } from './store-errors';

/** Hold attempts on one alias before giving up with `ConcurrentUpdateError` (SQS then retries). */
const MAX_HOLD_ATTEMPTS = 10;

export interface DynamoDbImageAliasStoreOptions {
  /** Created once per process by the caller, never per call. */
  readonly client: DynamoDb;
  /** The records table: alias items live beside the records, under `alias#` keys. */
  readonly tableName: string;
  readonly onCapacity?: CapacityListener;
}

/**
 * Aliases in the records table, one item per alias: `imageId` once an event registered it, and
 * `held` (a JSON list, bounded by `withHeldChange`) while none has. Every write is an UpdateItem:
 *
 * - `link` sets `imageId` and returns the item, so the held changes come back with the same call;
 * - `hold` adds to `held` only while `imageId` is absent and `rev` is what it read, so a hold
 *   never lands after a link (it sees the link and applies directly instead) and never loses
 *   another hold;
 * - `release` removes `held` after the caller applied it; a crash before that leaves it to be
 *   applied again by the next link, which changes nothing (the merge is idempotent).
 */
export class DynamoDbImageAliasStore implements ImageAliasStore {
  private readonly client: DynamoDb;
  private readonly tableName: string;
  private readonly onCapacity: CapacityListener;

  constructor(options: DynamoDbImageAliasStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.onCapacity = options.onCapacity ?? ignoreCapacity;
  }

  async resolve(vendor: Vendor, alias: string): Promise<string | undefined> {
    return (await this.read(vendor, alias)).imageId;
  }

  async link(
    vendor: Vendor,
    alias: string,
    imageId: string,
  ): Promise<readonly AliasedImageChange[]> {
    const output = await this.call('UpdateItem', () =>
      this.client.call('UpdateItem', {
        TableName: this.tableName,
        Key: { pk: { S: aliasKey(vendor, alias) } },
        UpdateExpression: 'SET imageId = :imageId',
        ExpressionAttributeValues: { ':imageId': { S: imageId } },
        ReturnValues: 'ALL_NEW',
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    this.report('UpdateItem', output.ConsumedCapacity);
    return asAliasedChanges(vendor, alias, heldChangesOf(output.Attributes?.held?.S));
  }

  async release(vendor: Vendor, alias: string): Promise<void> {
    const output = await this.call('UpdateItem', () =>
      this.client
        .call('UpdateItem', {
          TableName: this.tableName,
          Key: { pk: { S: aliasKey(vendor, alias) } },
          UpdateExpression: 'REMOVE held',
          ConditionExpression: 'attribute_exists(pk)',
          ReturnConsumedCapacity: 'TOTAL',
        })
        .catch((error: unknown) => {
          if (error instanceof ConditionalCheckFailedError) return undefined;
          throw error;
        }),
    );
    if (output) this.report('UpdateItem', output.ConsumedCapacity);
  }

  async hold(change: AliasedImageChange): Promise<{ readonly linkedTo?: string }> {
    const key = aliasKey(change.vendor, change.alias);
    for (let attempt = 0; attempt < MAX_HOLD_ATTEMPTS; attempt += 1) {
      const current = await this.read(change.vendor, change.alias);
      if (current.imageId !== undefined) return { linkedTo: current.imageId };
      const held = withHeldChange(heldChangesOf(current.held), change);
      try {
        const output = await this.client.call('UpdateItem', {
          TableName: this.tableName,
          Key: { pk: { S: key } },
          UpdateExpression: 'SET held = :held, rev = :next',
          ConditionExpression:
            'attribute_not_exists(imageId) AND ' +
            (current.rev === undefined ? 'attribute_not_exists(rev)' : 'rev = :rev'),
          ExpressionAttributeValues: {
            ':held': { S: JSON.stringify(held) },
            ':next': { N: String((current.rev ?? 0) + 1) },
            ...(current.rev === undefined ? {} : { ':rev': { N: String(current.rev) } }),
          },
          ReturnConsumedCapacity: 'TOTAL',
        });
        this.report('UpdateItem', output.ConsumedCapacity);
        return {};
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedError)) {
          throw new StoreOperationError('UpdateItem', this.tableName, { cause: error });
        }
        // Linked or held by another writer meanwhile: read again.
      }
    }
    throw new ConcurrentUpdateError(key, MAX_HOLD_ATTEMPTS);
  }

  /** One strongly consistent GetItem: a hold must see the latest link and the latest `rev`. */
  private async read(
    vendor: Vendor,
    alias: string,
  ): Promise<{ imageId?: string; held?: string; rev?: number }> {
    const output = await this.call('GetItem', () =>
      this.client.call('GetItem', {
        TableName: this.tableName,
        Key: { pk: { S: aliasKey(vendor, alias) } },
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    this.report('GetItem', output.ConsumedCapacity);
    const item = output.Item;
    const rev = item?.rev?.N;
    return {
      ...(item?.imageId?.S ? { imageId: item.imageId.S } : {}),
      ...(item?.held?.S ? { held: item.held.S } : {}),
      ...(rev === undefined ? {} : { rev: Number(rev) }),
    };
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw new StoreOperationError(operation, this.tableName, { cause: error });
    }
  }

  private report(
    operation: 'UpdateItem' | 'GetItem',
    consumed: Parameters<typeof unitsOf>[0],
  ): void {
    const kind = operation === 'GetItem' ? 'read' : 'write';
    this.onCapacity({
      tableName: this.tableName,
      operation,
      ...unitsOf(consumed, kind),
      reported: true,
    });
  }
}
