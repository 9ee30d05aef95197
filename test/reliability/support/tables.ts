import { type DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { fromLedgerItem, type LedgerEntry } from '../../../shared/store/ledger-item';
import { isAliasKey } from '../../../shared/store/alias-item';
import { fromRecordItem, isCompletionKey } from '../../../shared/store/record-item';
import { signatureKey } from '../../../shared/store/dynamodb-event-ledger';
import type { Vendor } from '../../../shared/vendors/vendor';
import { isAnnounced } from '../../../shared/record/record-state';

/**
 * Every ledger entry, read straight from the table (strongly consistent scan), each parsed with
 * the ledger's own schema. The ledger is the ground truth for "accepted = completed": every
 * message the worker takes leaves exactly one entry, whatever happened to it.
 */
export const scanLedger = async (
  client: DynamoDBClient,
  tableName: string,
): Promise<LedgerEntry[]> => {
  const entries: LedgerEntry[] = [];
  for await (const page of paginateScan(
    { client },
    { TableName: tableName, ConsistentRead: true },
  )) {
    for (const item of page.Items ?? []) {
      // Signature bindings share the ledger table; they are not events.
      if (item.eventId?.S?.startsWith(signatureKey(''))) continue;
      const parsed = fromLedgerItem(item);
      if (!parsed.ok) {
        throw new Error(`corrupt ledger item: ${JSON.stringify(parsed.issues.slice(0, 3))}`);
      }
      entries.push(parsed.value);
    }
  }
  return entries;
};

/** One stored image, by the keys the read API takes. */
export interface RecordKey {
  readonly vendor: Vendor;
  readonly imageId: string;
}

/** The stored image records, by whether a reader may see them yet. */
export interface StoredRecordKeys {
  /** Records `GET` serves. */
  readonly announced: RecordKey[];
  /** Images only a prediction names so far: held, and answered 404 until an event names them. */
  readonly predictionOnly: RecordKey[];
}

/**
 * The key of every stored image record (`pk` = `<vendor>#<imageId>`), other item kinds aside,
 * each item parsed with the store's own parser.
 */
export const scanRecordKeys = async (
  client: DynamoDBClient,
  tableName: string,
): Promise<StoredRecordKeys> => {
  const announced: RecordKey[] = [];
  const predictionOnly: RecordKey[] = [];
  const pages = paginateScan({ client }, { TableName: tableName, ConsistentRead: true });
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const pk = item.pk?.S ?? '';
      // Completion outbox items and aliases share the table; they are not image records.
      if (isCompletionKey(pk) || isAliasKey(pk)) continue;
      const parsed = fromRecordItem(item);
      if (!parsed.ok) {
        throw new Error(
          `corrupt record item "${pk}": ${JSON.stringify(parsed.issues.slice(0, 3))}`,
        );
      }
      const { vendor, imageId } = parsed.value.state;
      (isAnnounced(parsed.value.state) ? announced : predictionOnly).push({ vendor, imageId });
    }
  }
  return { announced, predictionOnly };
};
