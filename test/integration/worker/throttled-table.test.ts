import {
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { LOCAL_AWS } from '../../../local/servers/dynamodb-local';
import type { DynamoDb } from '../../../shared/aws/dynamodb';
import type { EventEnvelope } from '../../../shared/queue/event-queue';
import {
  createWorkerDynamoDbClient,
  WORKER_DYNAMODB_MAX_ATTEMPTS,
} from '../../../shared/worker/worker-dynamodb-client';
import { loadBody } from '../../support/vendor-bodies';
import { localDynamoDb } from '../../support/local-clients';
import { createTestTables, type TestTables } from '../store/support/test-tables';
import { envelopeOf } from './support/envelopes';
import { createTestPipeline } from './support/pipeline';
import { ThrottlingProxy } from './support/throttling-proxy';

/**
 * The worker's retry budget against real throttling answers: a proxy in front of DynamoDB Local
 * answers the first attempts of every call with DynamoDB's throttling error, and the worker's own
 * client, with its retry budget, has to get through.
 */
let proxy: ThrottlingProxy;
let direct: DynamoDBClient;
let tables: TestTables;
beforeAll(async () => {
  direct = localDynamoDb();
  tables = await createTestTables(direct);
  proxy = await ThrottlingProxy.start(process.env.TEST_DYNAMODB_ENDPOINT ?? '');
});
afterAll(async () => {
  direct.destroy();
  await proxy.close();
});

/** The worker's client as the function builds it, from an environment that points it at the proxy. */
const workerClient = (): DynamoDb =>
  createWorkerDynamoDbClient({
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
  });

const putMarker = (client: DynamoDb, id: string) =>
  client.call('PutItem', {
    TableName: tables.records,
    Item: { pk: { S: id }, marker: { S: 'written' } },
  });

const readMarker = async (id: string) =>
  (await direct.send(new GetItemCommand({ TableName: tables.records, Key: { pk: { S: id } } })))
    .Item?.marker?.S;

describe("the worker's DynamoDB client, throttled", () => {
  it('gets a write through on its 8th attempt after 7 throttled ones', async () => {
    // Prepare
    const client = workerClient();
    proxy.throttledAttempts = WORKER_DYNAMODB_MAX_ATTEMPTS - 1;
    const before = { ...proxy.counts };

    // Act
    await putMarker(client, 'through-on-the-eighth');

    // Assess
    expect(proxy.counts.throttled - before.throttled).toBe(7);
    expect(proxy.counts.forwarded - before.forwarded).toBe(1);
    expect(await readMarker('through-on-the-eighth')).toBe('written');
  });

  it('gives up after 8 throttled attempts, with the throttling error', async () => {
    // Prepare
    const client = workerClient();
    proxy.throttledAttempts = WORKER_DYNAMODB_MAX_ATTEMPTS;
    const before = { ...proxy.counts };

    // Act
    const write = putMarker(client, 'never-through');

    // Assess
    await expect(write).rejects.toMatchObject({
      code: 'ProvisionedThroughputExceededException',
      retryable: true,
    });
    expect(proxy.counts.throttled - before.throttled).toBe(8);
    expect(proxy.counts.forwarded - before.forwarded).toBe(0);
    expect(await readMarker('never-through')).toBeUndefined();
  });

  it("outlasts throttling the SDK's default client gives up on", async () => {
    // Prepare
    const fallback = new DynamoDBClient({ ...LOCAL_AWS, endpoint: proxy.endpoint });
    const defaultAttempts = await fallback.config.maxAttempts();
    proxy.throttledAttempts = defaultAttempts;

    // Act
    const defaultWrite = fallback.send(
      new PutItemCommand({
        TableName: tables.records,
        Item: { pk: { S: 'default-client' }, marker: { S: 'written' } },
      }),
    );
    await expect(defaultWrite).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    const before = { ...proxy.counts };
    await putMarker(workerClient(), 'worker-client');

    // Assess
    expect(defaultAttempts).toBeLessThan(WORKER_DYNAMODB_MAX_ATTEMPTS);
    expect(proxy.counts.throttled - before.throttled).toBe(defaultAttempts);
    expect(proxy.counts.forwarded - before.forwarded).toBe(1);
    expect(await readMarker('default-client')).toBeUndefined();
    expect(await readMarker('worker-client')).toBe('written');
    fallback.destroy();
  });

  it('applies a whole batch while every call is throttled three times', async () => {
    // Prepare
    const pipeline = await createTestPipeline(direct, { dynamoDb: workerClient() });
    const body = loadBody('spyne', 'v2-sample-b') as Record<string, unknown>;
    const envelopes: EventEnvelope[] = Array.from({ length: 5 }, (_, round) =>
      envelopeOf('spyne', { ...body, sku_id: `sku-throttled-${round}` }),
    );
    proxy.throttledAttempts = 3;
    const before = { ...proxy.counts };

    // Act
    await pipeline.deliver(...envelopes);

    // Assess
    const throttled = proxy.counts.throttled - before.throttled;
    const forwarded = proxy.counts.forwarded - before.forwarded;
    expect(forwarded).toBeGreaterThan(0);
    expect(throttled).toBe(3 * forwarded);
    const images = body.image_data as Array<{ image_id: string }>;
    for (const image of images) {
      await expect(pipeline.getRecord('spyne', image.image_id)).resolves.toMatchObject({
        imageId: image.image_id,
      });
    }
  });
});
