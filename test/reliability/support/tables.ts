import { type DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { fromLedgerItem, type LedgerEntry } from '../../../shared/store/ledger-item';
import { isAliasKey } from '../../../shared/store/alias-item';
import { isCompletionKey } from '../../../shared/store/completion-item';
import { signatureKey } from '../../../shared/store/dynamodb-event-ledger';
import { isVendor, type Vendor } from '../../../shared/vendors/vendor';

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

/** The key of every stored image record (`pk` = `<vendor>#<imageId>`), other item kinds aside. */
export const scanRecordKeys = async (
  client: DynamoDBClient,
  tableName: string,
): Promise<RecordKey[]> => {
  const keys: RecordKey[] = [];
  const pages = paginateScan(
    { client },
    {
      TableName: tableName,
      ConsistentRead: true,
      ProjectionExpression: '#pk',
      ExpressionAttributeNames: { '#pk': 'pk' },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const pk = item.pk?.S ?? '';
      // Completion outbox items and aliases share the table; they are not image records.
      if (isCompletionKey(pk) || isAliasKey(pk)) continue;
      const separator = pk.indexOf('#');
      const vendor = pk.slice(0, separator);
      if (separator < 0 || !isVendor(vendor)) throw new Error(`unexpected record key "${pk}"`);
      keys.push({ vendor, imageId: pk.slice(separator + 1) });
    }
  }
  return keys;
};
