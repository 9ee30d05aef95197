import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../../../../shared/store/ensure-table';
import { LEDGER_TABLE, RECORDS_TABLE } from '../../../../shared/store/table-definitions';
import { uniqueName } from '../../../support/local-clients';

/** The names of one test file's own tables. */
export interface TestTables {
  readonly records: string;
  readonly ledger: string;
}

/**
 * Creates a fresh records table and ledger in DynamoDB Local from the shared definitions, the
 * same way the local stack does, under names no other test uses.
 */
export const createTestTables = async (client: DynamoDBClient): Promise<TestTables> => {
  const tables = { records: uniqueName('records'), ledger: uniqueName('ledger') };
  await Promise.all([
    ensureTable(client, RECORDS_TABLE, tables.records),
    ensureTable(client, LEDGER_TABLE, tables.ledger),
  ]);
  return tables;
};
