import {
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { type TableDefinition, toCreateTableInput, toTimeToLiveInput } from './table-definitions';

/** How long `ensureTable` waits for a new table to become active. */
const TABLE_ACTIVE_WAIT_SECONDS = 60;

/**
 * Creates a table from its shared definition unless it exists, waits until it is active and
 * enables its TTL. The local stack and integration tests use it; in AWS the CDK stack creates the
 * same tables from the same definitions. An existing table is left exactly as it is.
 */
export const ensureTable = async (
  client: DynamoDBClient,
  definition: TableDefinition,
  tableName: string,
): Promise<'created' | 'existed'> => {
  try {
    await client.send(new CreateTableCommand(toCreateTableInput(definition, tableName)));
  } catch (error) {
    if (error instanceof ResourceInUseException) return 'existed';
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
