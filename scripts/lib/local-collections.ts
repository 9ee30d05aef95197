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

/** One collection and how many records the index holds for it. */
export interface CollectionCount extends CollectionRef {
  readonly records: number;
}

/**
 * Every collection in a local records table, with its record count: a Scan of the sparse
 * `byCollection` index, reading only its partition key (`<vendor>#<collectionId>`; vendor names
 * never contain `#`). Local only: a deployed table is never scanned.
 */
export const collectionCounts = async (
  client: DynamoDBClient,
  tableName: string,
): Promise<CollectionCount[]> => {
  const counts = new Map<string, number>();
  const pages = paginateScan(
    { client },
    {
      TableName: tableName,
      IndexName: BY_COLLECTION_INDEX,
      ProjectionExpression: '#key',
      ExpressionAttributeNames: { '#key': COLLECTION_KEY },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const key = item[COLLECTION_KEY]?.S;
      if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return [...counts.keys()].sort().flatMap((key) => {
    const separator = key.indexOf('#');
    const vendor = key.slice(0, separator);
    return separator > 0 && isVendor(vendor)
      ? [{ vendor, collectionId: key.slice(separator + 1), records: counts.get(key) ?? 0 }]
      : [];
  });
};

/**
 * Every collection in a local stack's records table. The read API can only list one collection
 * at a time, so `npm run records` without `--collection` first asks DynamoDB Local which
 * collections exist (`collectionCounts`); records are still read through the API.
 */
export const localCollections = async (stack: StackFile): Promise<CollectionRef[]> => {
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: stack.dynamoDbEndpoint });
  try {
    const found = await collectionCounts(client, stack.tables.records);
    return found.map(({ vendor, collectionId }) => ({ vendor, collectionId }));
  } finally {
    client.destroy();
  }
};
