import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { lambdaContext } from '../../../local/lambda/lambda-context';
import { localDynamoDb, localDynamoDbPort } from '../../support/local-clients';
import { createTestTables, type TestTables } from '../store/support/test-tables';
import { envelopeOfBody, sqsEventOf, sqsRecordOf } from './support/envelopes';
import { InspectableLedger } from '../../support/inspectable-ledger';

const ENV = [
  'RECORDS_TABLE',
  'LEDGER_TABLE',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'POWERTOOLS_METRICS_DISABLED',
  'POWERTOOLS_LOG_LEVEL',
] as const;
const saved = Object.fromEntries(ENV.map((name) => [name, process.env[name]]));

let client: DynamoDBClient;
let tables: TestTables;

beforeAll(async () => {
  client = localDynamoDb();
  tables = await createTestTables(client);
});

afterAll(() => client.destroy());

afterEach(() => {
  for (const name of ENV) {
    const value = saved[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

/** The environment the local stack (and CDK, with real names) gives the worker. */
const setWorkerEnv = (): void => {
  process.env.RECORDS_TABLE = tables.records;
  process.env.LEDGER_TABLE = tables.ledger;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = process.env.TEST_DYNAMODB_ENDPOINT;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
};

describe('functions/worker/handler.ts', () => {
  it('applies a batch with the tables and endpoint its environment names', async () => {
    // Prepare
    setWorkerEnv();
    const envelope = envelopeOfBody('spyne', 'v1-single-image');
    const bad = sqsRecordOf('{"not":"an envelope"}');
    let failures: string[] = [];

    // Act
    await jest.isolateModulesAsync(async () => {
      const { handler } = await import('../../../functions/worker/handler');
      const response = await handler(
        sqsEventOf([sqsRecordOf(envelope), bad]),
        lambdaContext('worker', 60_000),
      );
      failures = response.batchItemFailures.map((failure) => failure.itemIdentifier);
    });

    // Assess
    expect(failures).toEqual([bad.messageId]);
    const ledger = new InspectableLedger({
      client: localDynamoDbPort(),
      tableName: tables.ledger,
      dedupeWindowSeconds: 60,
      archiveRetentionSeconds: 60,
    });
    expect((await ledger.find(envelope.eventId))?.status).toBe('completed');
  });

  it('refuses to load without its tables', async () => {
    // Prepare
    setWorkerEnv();
    delete process.env.LEDGER_TABLE;

    // Act
    const load = jest.isolateModulesAsync(async () => {
      await import('../../../functions/worker/handler');
    });

    // Assess
    await expect(load).rejects.toThrow('LEDGER_TABLE: is required but not set');
  });
});
