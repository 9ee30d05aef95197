import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { build } from 'esbuild';
import * as v from 'valibot';
import { functionBuildOptions } from '../../../infra/bundling/function-bundling';
import { DEV_SECRETS } from '../../../shared/config/dev-secrets';
import { localDynamoDb, localSqs, uniqueName } from '../../support/local-clients';
import { createTestTables, type TestTables } from '../store/support/test-tables';

const run = promisify(execFile);
const REPOSITORY_ROOT = join(__dirname, '..', '..', '..');

/** Imports a bundle the way the Lambda runtime does and writes the handler's answer to a file. */
const INVOKE_SCRIPT = `import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [bundle, eventFile, outFile] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(bundle).href);
const context = { awsRequestId: 'bundle-test', functionName: 'bundle-test', getRemainingTimeInMillis: () => 10000 };
writeFileSync(outFile, JSON.stringify(await handler(JSON.parse(readFileSync(eventFile, 'utf8')), context)));
process.exit(0);
`;

const IngestAnswerSchema = v.object({ statusCode: v.number(), body: v.string() });
const WorkerAnswerSchema = v.object({
  batchItemFailures: v.array(v.object({ itemIdentifier: v.string() })),
});

/**
 * The deployed bundles replace the SDK's default credential chain with its environment link only
 * (`BUNDLE_ALIASES`). These tests build them exactly as deployed and run them in plain `node`
 * against the local servers: with credentials in the environment they work end to end; with
 * credentials only in a shared config profile, which the full chain would have used, they refuse.
 */
describe('the deployed bundles and AWS credentials', () => {
  const sqs = localSqs();
  const dynamoDb = localDynamoDb();
  let directory: string;
  let queueUrl: string;
  let quarantineUrl: string;
  let tables: TestTables;

  const bundleFile = (name: string) => join(directory, `${name}.mjs`);

  /** Runs a bundle on one fixture event in a fresh process with exactly `env`. */
  const invoke = async (
    name: string,
    fixture: string,
    env: NodeJS.ProcessEnv,
  ): Promise<unknown> => {
    const out = join(directory, `${name}-${Math.random().toString(36).slice(2)}.json`);
    await run(
      process.execPath,
      [
        join(directory, 'invoke.mjs'),
        bundleFile(name),
        join(REPOSITORY_ROOT, 'events', fixture),
        out,
      ],
      { cwd: directory, env: { PATH: process.env.PATH, ...env } },
    );
    return JSON.parse(readFileSync(out, 'utf8'));
  };

  const lambdaEnvironment = (functionName: string): NodeJS.ProcessEnv => ({
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    HOME: directory,
  });

  const ingestEnvironment = (): NodeJS.ProcessEnv => ({
    ...lambdaEnvironment('ingest-sharinpix'),
    QUEUE_URL: queueUrl,
    QUARANTINE_QUEUE_URL: quarantineUrl,
    SHARINPIX_SECRET: DEV_SECRETS.SHARINPIX_SECRET,
    AWS_ENDPOINT_URL_SQS: process.env.TEST_SQS_ENDPOINT,
  });

  const environmentCredentials = {
    AWS_ACCESS_KEY_ID: 'ASIABUNDLETEST000001',
    AWS_SECRET_ACCESS_KEY: 'bundle/test/secret/access/key/00000000000',
    AWS_SESSION_TOKEN: 'bundle-test-session-token',
  };

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'bundle-credentials-'));
    writeFileSync(join(directory, 'invoke.mjs'), INVOKE_SCRIPT);
    writeFileSync(
      join(directory, 'credentials'),
      '[bundle-test]\naws_access_key_id = AKIABUNDLETEST000002\naws_secret_access_key = bundle-test-profile-secret\n',
    );
    await Promise.all(
      ['ingest-sharinpix', 'worker'].map((name) =>
        build(functionBuildOptions(`functions/${name}/handler.ts`, bundleFile(name))),
      ),
    );
    const [main, quarantine] = await Promise.all([
      sqs.send(new CreateQueueCommand({ QueueName: uniqueName('bundle-events') })),
      sqs.send(new CreateQueueCommand({ QueueName: uniqueName('bundle-quarantine') })),
    ]);
    queueUrl = main.QueueUrl ?? '';
    quarantineUrl = quarantine.QueueUrl ?? '';
    tables = await createTestTables(dynamoDb);
  }, 60_000);

  afterAll(() => {
    sqs.destroy();
    dynamoDb.destroy();
    rmSync(directory, { recursive: true, force: true });
  });

  it('ingest signs with the credentials in the environment and the message reaches SQS', async () => {
    // Act
    const answer = v.parse(
      IngestAnswerSchema,
      await invoke('ingest-sharinpix', 'sharinpix/new_image.json', {
        ...ingestEnvironment(),
        ...environmentCredentials,
      }),
    );
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
      }),
    );

    // Assess
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 'accepted' });
    expect(received.Messages?.map((message) => JSON.parse(message.Body ?? '{}').eventId)).toEqual([
      JSON.parse(answer.body).eventId,
    ]);
  }, 30_000);

  it('ingest does not fall back to a shared credentials profile (the chain is the environment only)', async () => {
    // Prepare: a profile the full default chain would have picked up.
    const profileOnly = {
      ...ingestEnvironment(),
      AWS_PROFILE: 'bundle-test',
      AWS_SHARED_CREDENTIALS_FILE: join(directory, 'credentials'),
    };

    // Act
    const answer = v.parse(
      IngestAnswerSchema,
      await invoke('ingest-sharinpix', 'sharinpix/new_image.json', profileOnly),
    );

    // Assess: no credentials, so the queue is unreachable: the contract's 503, never a 2xx.
    expect(answer.statusCode).toBe(503);
    expect(JSON.parse(answer.body)).toEqual({ error: 'temporarily_unavailable' });
  }, 30_000);

  it('the worker applies an event to DynamoDB Local with the credentials in the environment', async () => {
    // Act
    const answer = v.parse(
      WorkerAnswerSchema,
      await invoke('worker', 'worker/sharinpix--new_image.json', {
        ...lambdaEnvironment('worker'),
        ...environmentCredentials,
        RECORDS_TABLE: tables.records,
        LEDGER_TABLE: tables.ledger,
        AWS_ENDPOINT_URL_DYNAMODB: process.env.TEST_DYNAMODB_ENDPOINT,
      }),
    );
    const stored = await dynamoDb.send(
      new GetItemCommand({
        TableName: tables.records,
        Key: { pk: { S: 'sharinpix#f37e01b7-942c-4179-bfd0-0cccf4700328' } },
      }),
    );

    // Assess
    expect(answer.batchItemFailures).toEqual([]);
    expect(stored.Item?.rev).toEqual({ N: '1' });
  }, 30_000);
});
