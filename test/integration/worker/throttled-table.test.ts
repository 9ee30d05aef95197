import {
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { LOCAL_AWS } from '../../../local/servers/dynamodb-local';
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
 * answers the first attempts of every call with DynamoDB's throttling error, and the SDK's own
 * retry machinery, configured as the worker configures it, has to get through.
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

const viaProxy = { ...LOCAL_AWS, endpoint: '' };
const workerClient = () => createWorkerDynamoDbClient({ ...viaProxy, endpoint: proxy.endpoint });

const putMarker = (client: DynamoDBClient, id: string) =>
  client.send(
    new PutItemCommand({
      TableName: tables.records,
      Item: { pk: { S: id }, marker: { S: 'written' } },
    }),
  );

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
    const output = await putMarker(client, 'through-on-the-eighth');

    // Assess
    expect(output.$metadata.attempts).toBe(8);
    expect(proxy.counts.throttled - before.throttled).toBe(7);
    expect(proxy.counts.forwarded - before.forwarded).toBe(1);
    expect(await readMarker('through-on-the-eighth')).toBe('written');
    client.destroy();
  });

  it('gives up after 8 throttled attempts, with the throttling error', async () => {
    // Prepare
    const client = workerClient();
    proxy.throttledAttempts = WORKER_DYNAMODB_MAX_ATTEMPTS;
    const before = { ...proxy.counts };

    // Act
    const write = putMarker(client, 'never-through');

    // Assess
    await expect(write).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    expect(proxy.counts.throttled - before.throttled).toBe(8);
    expect(proxy.counts.forwarded - before.forwarded).toBe(0);
    expect(await readMarker('never-through')).toBeUndefined();
    client.destroy();
  });

  it("outlasts throttling the SDK's default client gives up on", async () => {
    // Prepare
    const fallback = new DynamoDBClient({ ...viaProxy, endpoint: proxy.endpoint });
    const defaultAttempts = await fallback.config.maxAttempts();
    proxy.throttledAttempts = defaultAttempts;

    // Act
    const defaultWrite = putMarker(fallback, 'default-client');
    await expect(defaultWrite).rejects.toBeInstanceOf(ProvisionedThroughputExceededException);
    const client = workerClient();
    const workerWrite = await putMarker(client, 'worker-client');

    // Assess
    expect(defaultAttempts).toBeLessThan(WORKER_DYNAMODB_MAX_ATTEMPTS);
    expect(workerWrite.$metadata.attempts).toBe(defaultAttempts + 1);
    expect(await readMarker('default-client')).toBeUndefined();
    expect(await readMarker('worker-client')).toBe('written');
    fallback.destroy();
    client.destroy();
  });

  it('applies a whole batch while every call is throttled three times', async () => {
    // Prepare
    const client = workerClient();
    const pipeline = await createTestPipeline(client);
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
    client.destroy();
  });
});
