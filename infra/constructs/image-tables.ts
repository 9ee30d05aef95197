import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import {
  type KeyAttribute,
  LEDGER_TABLE,
  RECORDS_TABLE,
  type TableDefinition,
} from '../../shared/store/table-definitions';
import { pinLogicalId } from './pinned-logical-id';

/** The shared definitions only use string keys; this keeps the mapping total if that changes. */
const ATTRIBUTE_TYPES: Readonly<Record<KeyAttribute['type'], dynamodb.AttributeType>> = {
  S: dynamodb.AttributeType.STRING,
};

const toAttribute = (key: KeyAttribute): dynamodb.Attribute => ({
  name: key.name,
  type: ATTRIBUTE_TYPES[key.type],
});

const PROJECTION_TYPES: Readonly<Record<'ALL', dynamodb.ProjectionType>> = {
  ALL: dynamodb.ProjectionType.ALL,
};

const STREAM_VIEW_TYPES: Readonly<
  Record<NonNullable<TableDefinition['stream']>, dynamodb.StreamViewType>
> = {
  NEW_AND_OLD_IMAGES: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
};

/** Durability settings that differ per table; everything key-shaped comes from the definition. */
interface TableDurability {
  readonly deletionProtection: boolean;
}

/**
 * Maps one shared `TableDefinition` to a table. Keys, indexes, TTL and the stream come only from
 * the definition, the same object the local stack turns into `CreateTable`, so AWS and the laptop
 * cannot drift apart.
 *
 * Common to both tables: on-demand billing (webhook traffic is bursty and small; nothing to
 * capacity-plan), point-in-time recovery (35 days of restore points for a few cents per GB), and
 * `RETAIN`, so deleting the stack never deletes data.
 */
const tableFromDefinition = (
  scope: Construct,
  id: string,
  definition: TableDefinition,
  durability: TableDurability,
): dynamodb.TableV2 =>
  new dynamodb.TableV2(scope, id, {
    partitionKey: toAttribute(definition.partitionKey),
    globalSecondaryIndexes: definition.globalIndexes.map((index) => ({
      indexName: index.indexName,
      partitionKey: toAttribute(index.partitionKey),
      sortKey: toAttribute(index.sortKey),
      projectionType: PROJECTION_TYPES[index.projection],
    })),
    timeToLiveAttribute: definition.timeToLiveAttribute,
    ...(definition.stream === undefined
      ? {}
      : { dynamoStream: STREAM_VIEW_TYPES[definition.stream] }),
    billing: dynamodb.Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: durability.deletionProtection,
    removalPolicy: RemovalPolicy.RETAIN,
  });

/**
 * The image records table and the event ledger, built from `shared/store/table-definitions.ts`.
 *
 * Records also get deletion protection: they are the product, and a stray console or API delete
 * must fail. The ledger gets PITR but not deletion protection: it is a dedupe window and a short
 * event archive that expires on its own through TTL, and after a teardown an operator may drop it
 * in one step; the records are what cannot be rebuilt once the archive has expired.
 */
export class ImageTables extends Construct {
  readonly records: dynamodb.TableV2;
  readonly ledger: dynamodb.TableV2;
  /** The definitions the tables were built from, exposed so a test can prove they are shared. */
  readonly recordsDefinition: TableDefinition = RECORDS_TABLE;
  readonly ledgerDefinition: TableDefinition = LEDGER_TABLE;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.records = tableFromDefinition(this, 'Records', this.recordsDefinition, {
      deletionProtection: true,
    });
    pinLogicalId(this.records, 'RecordsTable');

    this.ledger = tableFromDefinition(this, 'Ledger', this.ledgerDefinition, {
      deletionProtection: false,
    });
    pinLogicalId(this.ledger, 'LedgerTable');
  }
}
