import {
  CreateTableCommand,
  DescribeTableCommand,
  UpdateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { type TableDefinition, toCreateTableInput, toTimeToLiveInput } from './table-definitions';

/**
 * Creates, one UpdateTable each, the definition's indexes an existing table lacks, and enables its
 * stream when the table has none.
 */
const addMissingParts = async (
  client: DynamoDBClient,
  definition: TableDefinition,
  tableName: string,
): Promise<void> => {
  const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (
    definition.stream !== undefined &&
    described.Table?.StreamSpecification?.StreamEnabled !== true
  ) {
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        StreamSpecification: { StreamEnabled: true, StreamViewType: definition.stream },
      }),
    );
  }
  const present = new Set(
    (described.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName),
  );
  const full = toCreateTableInput(definition, tableName);
  for (const index of full.GlobalSecondaryIndexes ?? []) {
    if (present.has(index.IndexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: full.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
  }
};

/** How long `ensureTable` waits for a new table to become active. */
const TABLE_ACTIVE_WAIT_SECONDS = 60;

/**
 * Creates a table from its shared definition unless it exists, waits until it is active and
 * enables its TTL. The local stack and integration tests use it; in AWS the CDK stack creates the
 * same tables from the same definitions. An existing table (a `.data` directory from an earlier
 * version) gets the indexes and the stream its definition gained since; nothing else about it
 * changes.
 */
export const ensureTable = async (
  client: DynamoDBClient,
  definition: TableDefinition,
  tableName: string,
): Promise<'created' | 'existed'> => {
  try {
    await client.send(new CreateTableCommand(toCreateTableInput(definition, tableName)));
  } catch (error) {
    if (error instanceof ResourceInUseException) {
      await addMissingParts(client, definition, tableName);
      return 'existed';
    }
    throw error;
  }
  await waitUntilTableExists(
    { client, maxWaitTime: TABLE_ACTIVE_WAIT_SECONDS, minDelay: 1 },
    { TableName: tableName },
  );
  const timeToLive = toTimeToLiveInput(definition, tableName);
  if (timeToLive) await client.send(new UpdateTimeToLiveCommand(timeToLive));
  return 'created';
};
