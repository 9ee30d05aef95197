import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { LOCAL_AWS } from '../../local/servers/dynamodb-local';
import type { StackFile } from '../../local/stack/stack-file';
import { BY_COLLECTION_INDEX, RECORDS_TABLE } from '../../shared/store/table-definitions';
import { isVendor, type Vendor } from '../../shared/vendors/vendor';

/** One collection of one vendor. */
export interface CollectionRef {
  readonly vendor: Vendor;
  readonly collectionId: string;
}

const COLLECTION_KEY = RECORDS_TABLE.globalIndexes[0].partitionKey.name;

/**
 * Every collection in a local stack's records table. The read API can only list one collection
 * at a time, so `npm run records` without `--collection` first asks DynamoDB Local which
 * collections exist: a Scan of the sparse `byCollection` index, reading only its partition key
 * (`<vendor>#<collectionId>`; vendor names never contain `#`). Records are still read through
 * the API. Local only: a deployed table is never scanned.
 */
export const localCollections = async (stack: StackFile): Promise<CollectionRef[]> => {
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: stack.dynamoDbEndpoint });
  const keys = new Set<string>();
  try {
    const pages = paginateScan(
      { client },
      {
        TableName: stack.tables.records,
        IndexName: BY_COLLECTION_INDEX,
        ProjectionExpression: '#key',
        ExpressionAttributeNames: { '#key': COLLECTION_KEY },
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const key = item[COLLECTION_KEY]?.S;
        if (key !== undefined) keys.add(key);
      }
    }
  } finally {
    client.destroy();
  }
  return [...keys].sort().flatMap((key) => {
    const separator = key.indexOf('#');
    const vendor = key.slice(0, separator);
    return separator > 0 && isVendor(vendor)
      ? [{ vendor, collectionId: key.slice(separator + 1) }]
      : [];
  });
};
