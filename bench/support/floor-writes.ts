import type { AttributeValue, ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { DynamoDb } from '../../shared/aws/dynamodb';
import type { EventEnvelope } from '../../shared/queue/event-queue';
import { applyChange } from '../../shared/record/record-state';
import { toRecordItem } from '../../shared/store/record-item';
import type { VendorDefinition, VendorEvent } from '../../shared/vendors/vendor-definition';
import type { Vendor } from '../../shared/vendors/vendor';
import { mapWithConcurrency } from '../../shared/worker/worker-handler';
import { changesOf } from '../../shared/worker/process-event';

/** Tables of the floor: keys only, no index, no TTL (see `floorWrites`). */
export interface FloorTables {
  readonly records: string;
  readonly ledger: string;
}

/** What the floor wrote for one event. */
export interface FloorCost {
  readonly writeUnits: number;
  readonly calls: number;
}

const unitsOf = (consumed: ConsumedCapacity | undefined): number => consumed?.CapacityUnits ?? 0;

/**
 * The physical floor of applying one event: the same read and normalization as the worker, then
 * ONE unconditional PutItem per image (the record as a first write would store it, so the same
 * item size) and ONE PutItem for the ledger entry. No check, no conditions, no index, no archive:
 * the least DynamoDB work that still leaves every image written and the event remembered.
 */
export const floorWrites = async (
  client: DynamoDb,
  tables: FloorTables,
  envelope: EventEnvelope,
  definitions: Readonly<Partial<Record<Vendor, VendorDefinition<VendorEvent>>>>,
  concurrency: number,
): Promise<FloorCost> => {
  const changes = envelope.supported ? changesOf(envelope, definitions) : [];
  const updatedAt = new Date().toISOString();
  const put = async (tableName: string, item: Record<string, AttributeValue>) => {
    const output = await client.call('PutItem', {
      TableName: tableName,
      Item: item,
      ReturnConsumedCapacity: 'TOTAL',
    });
    return unitsOf(output.ConsumedCapacity);
  };
  const imageUnits = await mapWithConcurrency(changes, concurrency, (change) =>
    put(
      tables.records,
      toRecordItem({ state: applyChange(undefined, change).state, rev: 1, updatedAt }),
    ),
  );
  const ledgerUnits = await put(tables.ledger, {
    eventId: { S: envelope.eventId },
    status: { S: 'completed' },
    completedAt: { S: updatedAt },
    expiresAt: { N: String(Math.floor(Date.now() / 1000) + 7 * 86_400) },
  });
  return {
    writeUnits: imageUnits.reduce((sum, units) => sum + units, 0) + ledgerUnits,
    calls: changes.length + 1,
  };
};
