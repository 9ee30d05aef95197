import {
  BatchGetItemCommand,
  CreateTableCommand,
  type DynamoDBClient,
  QueryCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { CapacityTally } from '../support/capacity-tally';
import { DynamoDbImageRecordStore } from '../../shared/store/dynamodb-image-record-store';
import { collectionKey } from '../../shared/store/record-item';
import { ensureTable } from '../../shared/store/ensure-table';
import {
  BY_COLLECTION_INDEX,
  RECORDS_TABLE,
  toCreateTableInput,
} from '../../shared/store/table-definitions';
import { VENDOR_DEFINITIONS } from '../../shared/vendors/registry';
import { changesOf } from '../../shared/worker/process-event';
import { PRICES } from '../cost/prices';
import { WEBHOOK_MIX } from '../cost/webhook-mix';
import { envelopeFor, spyneSkuEvent } from '../inputs/bench-bodies';
import { buildScenario } from '../inputs/worker-scenarios';
import type { IndexProjectionResult } from '../report/results-schema';
import { round } from '../support/stats';
import { sdkDynamoDb } from '../../shared/aws/sdk-dynamodb';

/** Records in the list page whose read cost is compared (the read API's default page size). */
const PAGE_SIZE = 25;

const createRecordsTable = async (
  client: DynamoDBClient,
  name: string,
  projection: 'ALL' | 'KEYS_ONLY',
): Promise<void> => {
  if (projection === 'ALL') {
    await ensureTable(client, RECORDS_TABLE, name);
    return;
  }
  const input = toCreateTableInput(RECORDS_TABLE, name);
  await client.send(
    new CreateTableCommand({
      ...input,
      GlobalSecondaryIndexes: input.GlobalSecondaryIndexes?.map((index) => ({
        ...index,
        Projection: { ProjectionType: 'KEYS_ONLY' },
      })),
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1 }, { TableName: name });
};

/** Index write units of the mix's record writes (per webhook) on one table. */
const mixIndexWriteUnits = async (client: DynamoDBClient, table: string): Promise<number> => {
  const tally = new CapacityTally();
  const store = new DynamoDbImageRecordStore({
    client: sdkDynamoDb(client),
    tableName: table,
    onCapacity: tally.listener,
  });
  let perWebhook = 0;
  for (const entry of WEBHOOK_MIX) {
    const scenario = buildScenario(entry.scenario);
    if (scenario.kind === 'duplicate') continue;
    for (const envelope of scenario.prepare) {
      for (const change of changesOf(envelope, VENDOR_DEFINITIONS)) await store.apply(change);
    }
    tally.reset();
    for (const change of changesOf(scenario.measured, VENDOR_DEFINITIONS))
      await store.apply(change);
    perWebhook += entry.share * tally.totals().indexWriteUnits;
  }
  return perWebhook;
};

/** Read units of one collection page: one Query, plus a BatchGetItem when the index has keys only. */
const pageReadUnits = async (
  client: DynamoDBClient,
  table: string,
  collection: string,
  projection: 'ALL' | 'KEYS_ONLY',
): Promise<number> => {
  const query = await client.send(
    new QueryCommand({
      TableName: table,
      IndexName: BY_COLLECTION_INDEX,
      KeyConditionExpression: 'collectionKey = :collection',
      ExpressionAttributeValues: { ':collection': { S: collection } },
      Limit: PAGE_SIZE,
      ReturnConsumedCapacity: 'TOTAL',
    }),
  );
  let units = query.ConsumedCapacity?.CapacityUnits ?? 0;
  if (projection === 'KEYS_ONLY') {
    const keys = (query.Items ?? []).flatMap((item) => (item.pk ? [{ pk: item.pk }] : []));
    const batch = await client.send(
      new BatchGetItemCommand({
        RequestItems: { [table]: { Keys: keys } },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    units += (batch.ConsumedCapacity ?? []).reduce(
      (sum, used) => sum + (used.CapacityUnits ?? 0),
      0,
    );
  }
  return units;
};

/**
 * The `byCollection` projection question, measured: every record write also writes the index,
 * and with projection ALL an update rewrites the index copy whole; KEYS_ONLY would leave updates
 * that keep the index keys out of the index, at the price of a BatchGetItem on every list page.
 * Both sides are measured on DynamoDB Local, and the break-even is how many list pages per
 * webhook would eat the write saving.
 */
export const measureIndexProjection = async (
  client: DynamoDBClient,
  tableName: (role: string) => string,
): Promise<IndexProjectionResult> => {
  const all = tableName('records-all');
  const keysOnly = tableName('records-keys-only');
  await Promise.all([
    createRecordsTable(client, all, 'ALL'),
    createRecordsTable(client, keysOnly, 'KEYS_ONLY'),
  ]);
  const [allWrites, keysOnlyWrites] = [
    await mixIndexWriteUnits(client, all),
    await mixIndexWriteUnits(client, keysOnly),
  ];
  const sku = spyneSkuEvent(PAGE_SIZE);
  const changes = changesOf(envelopeFor(sku), VENDOR_DEFINITIONS);
  for (const table of [all, keysOnly]) {
    const store = new DynamoDbImageRecordStore({ client: sdkDynamoDb(client), tableName: table });
    for (const change of changes) await store.apply(change);
  }
  const collection = collectionKey('spyne', String(sku.body.sku_id));
  const allPage = await pageReadUnits(client, all, collection, 'ALL');
  const keysOnlyPage = await pageReadUnits(client, keysOnly, collection, 'KEYS_ONLY');
  const savedWriteUnits = allWrites - keysOnlyWrites;
  const extraReadUnits = keysOnlyPage - allPage;
  return {
    indexWriteUnitsAll: round(allWrites),
    indexWriteUnitsKeysOnly: round(keysOnlyWrites),
    pageSize: PAGE_SIZE,
    pageReadUnitsAll: round(allPage),
    pageReadUnitsKeysOnly: round(keysOnlyPage),
    breakEvenPagesPerWebhook:
      extraReadUnits > 0
        ? round(
            (savedWriteUnits * PRICES.dynamoDbWritePerMillion) /
              (extraReadUnits * PRICES.dynamoDbReadPerMillion),
            2,
          )
        : 0,
  };
};
