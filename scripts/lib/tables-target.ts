import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import { UsageError } from '../../local/cli/usage-error';
import { LOCAL_AWS } from '../../local/servers/dynamodb-local';
import type { StackFile } from '../../local/stack/stack-file';
import { readJsonFile } from './json-file';

/** The two tables an operator command reads or writes, and the client for them. */
export interface TablesTarget {
  readonly client: DynamoDBClient;
  readonly ledgerTable: string;
  readonly recordsTable: string;
  /** Where it runs, for summary lines. */
  readonly description: string;
}

/** `cdk deploy --outputs-file` writes `{ "<StackName>": { "<OutputKey>": "<value>" } }`. */
const CdkOutputsSchema = v.record(v.string(), v.record(v.string(), v.unknown()));

const fromOutputsFile = (path: string): { ledgerTable: string; recordsTable: string } => {
  const outputs = v.safeParse(CdkOutputsSchema, readJsonFile(path));
  if (!outputs.success) throw new UsageError(`${path} is not a cdk outputs file`);
  for (const values of Object.values(outputs.output)) {
    const ledgerTable = values.LedgerTableName;
    const recordsTable = values.RecordsTableName;
    if (typeof ledgerTable === 'string' && typeof recordsTable === 'string') {
      return { ledgerTable, recordsTable };
    }
  }
  throw new UsageError(`${path} has no stack with LedgerTableName and RecordsTableName`);
};

/**
 * The tables a command works on: from a `cdk deploy --outputs-file` file (`--outputs`), or named
 * by hand (`--ledger-table` and `--records-table`), with the default AWS credential chain and
 * region (`--region` or `AWS_REGION`); else the running local stack's.
 */
export const resolveTablesTarget = (input: {
  outputs?: string;
  ledgerTable?: string;
  recordsTable?: string;
  region?: string;
  localStack: StackFile | undefined;
}): TablesTarget => {
  if (
    input.outputs !== undefined ||
    input.ledgerTable !== undefined ||
    input.recordsTable !== undefined
  ) {
    const names =
      input.outputs !== undefined
        ? fromOutputsFile(input.outputs)
        : { ledgerTable: input.ledgerTable ?? '', recordsTable: input.recordsTable ?? '' };
    if (names.ledgerTable === '' || names.recordsTable === '') {
      throw new UsageError('give both --ledger-table and --records-table, or --outputs');
    }
    const region = input.region ?? process.env.AWS_REGION;
    return {
      ...names,
      client: new DynamoDBClient(region ? { region } : {}),
      description: `AWS${region ? ` ${region}` : ''}`,
    };
  }
  const stack = input.localStack;
  if (!stack) {
    throw new UsageError(
      'no local stack is running (npm start). For AWS give --outputs cdk-outputs.json, or --ledger-table and --records-table.',
    );
  }
  return {
    ledgerTable: stack.tables.ledger,
    recordsTable: stack.tables.records,
    client: new DynamoDBClient({ ...LOCAL_AWS, endpoint: stack.dynamoDbEndpoint }),
    description: `local stack at ${stack.dynamoDbEndpoint}`,
  };
};
