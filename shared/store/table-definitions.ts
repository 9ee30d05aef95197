import type {
  CreateTableCommandInput,
  UpdateTimeToLiveCommandInput,
} from '@aws-sdk/client-dynamodb';

/**
 * The two tables, described once as plain data. The CDK stack maps these objects to
 * `dynamodb.TableV2` and the local stack (and every integration test) turns them into
 * `CreateTable` calls with `toCreateTableInput`, so AWS and the laptop cannot drift apart: a key,
 * index or TTL attribute changes here or nowhere.
 */

/** A key attribute. Every key in this service is a string. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S';
}

/** A global secondary index with every attribute projected, so one Query answers a page. */
export interface GlobalIndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly projection: 'ALL';
}

/** One table: its keys, its indexes and the attribute DynamoDB's TTL reads, if any. */
export interface TableDefinition {
  readonly partitionKey: KeyAttribute;
  readonly globalIndexes: readonly GlobalIndexDefinition[];
  /** Epoch seconds; DynamoDB deletes the item some time (up to about 48 h) after it passes. */
  readonly timeToLiveAttribute?: string;
  /** The table's stream, when it has one: what each stream record carries of the item. */
  readonly stream?: 'NEW_AND_OLD_IMAGES';
}

/**
 * Image records: one item per image under `pk = <vendor>#<imageId>` (no sort key), and the sparse
 * index `byCollection` that lists one collection ordered by sequence, then imageId. See
 * `record-item.ts` for the attributes and why the record is one item, not an item collection.
 *
 * Its stream carries every committed write with the item before and after (`NEW_AND_OLD_IMAGES`):
 * the change publisher reads it to say what changed, so a change is published whenever it is
 * committed, whatever happens to the worker after the write.
 */
export const RECORDS_TABLE = {
  partitionKey: { name: 'pk', type: 'S' },
  stream: 'NEW_AND_OLD_IMAGES',
  globalIndexes: [
    {
      indexName: 'byCollection',
      partitionKey: { name: 'collectionKey', type: 'S' },
      sortKey: { name: 'collectionSort', type: 'S' },
      projection: 'ALL',
    },
  ],
} as const satisfies TableDefinition;

/** The collection index's name, for queries. */
export const BY_COLLECTION_INDEX = RECORDS_TABLE.globalIndexes[0].indexName;

/**
 * The event ledger: one item per `eventId`, expiring through TTL once the dedupe window (or the
 * archive retention, when longer) has passed. TTL only tidies up; the dedupe window itself is
 * enforced by the worker's check and completion, because TTL deletion lags.
 *
 * `unfinished` is a sparse index of the events that did not complete at the first attempt: an
 * entry has its keys (`unfinishedVendor`, `unfinishedSince`) only from the first failure (noted
 * by the attempt, or by the next receive of a message whose attempt crashed) until completion
 * removes them. An event that completes at once never has
 * them, so on the happy path the index costs no write at all; an event that fails costs one
 * index write per noted failure and one more when it completes and leaves the index.
 */
export const LEDGER_TABLE = {
  partitionKey: { name: 'eventId', type: 'S' },
  globalIndexes: [
    {
      indexName: 'unfinished',
      partitionKey: { name: 'unfinishedVendor', type: 'S' },
      sortKey: { name: 'unfinishedSince', type: 'S' },
      projection: 'ALL',
    },
  ],
  timeToLiveAttribute: 'expiresAt',
} as const satisfies TableDefinition;

/** The ledger's index of unfinished events, for queries. */
export const UNFINISHED_INDEX = LEDGER_TABLE.globalIndexes[0].indexName;

/** On-demand `CreateTable` input for a definition under a concrete name. */
export const toCreateTableInput = (
  definition: TableDefinition,
  tableName: string,
): CreateTableCommandInput => {
  const keyAttributes = [
    definition.partitionKey,
    ...definition.globalIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  const attributeTypes = new Map(keyAttributes.map((key) => [key.name, key.type]));
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributeTypes].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    KeySchema: [{ AttributeName: definition.partitionKey.name, KeyType: 'HASH' }],
    ...(definition.stream === undefined
      ? {}
      : { StreamSpecification: { StreamEnabled: true, StreamViewType: definition.stream } }),
    ...(definition.globalIndexes.length > 0
      ? {
          GlobalSecondaryIndexes: definition.globalIndexes.map((index) => ({
            IndexName: index.indexName,
            KeySchema: [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
              { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: index.projection },
          })),
        }
      : {}),
  };
};

/** The `UpdateTimeToLive` call that enables a definition's TTL, or `undefined` if it has none. */
export const toTimeToLiveInput = (
  definition: TableDefinition,
  tableName: string,
): UpdateTimeToLiveCommandInput | undefined =>
  definition.timeToLiveAttribute === undefined
    ? undefined
    : {
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
      };
