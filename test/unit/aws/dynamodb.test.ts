import { readAwsEnvironment } from '../../../shared/aws/aws-environment';
import { ConditionalCheckFailedError } from '../../../shared/aws/dynamodb';
import { createDynamoDbClient, dynamoDbRetryDelayMs } from '../../../shared/aws/dynamodb';
import { WORKER_DYNAMODB_MAX_ATTEMPTS } from '../../../shared/worker/worker-dynamodb-client';
import {
  jsonAnswer,
  scriptedTransport,
  type ScriptedOutcome,
} from '../../support/scripted-transport';

const ENVIRONMENT = readAwsEnvironment({
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEKEY',
  AWS_SECRET_ACCESS_KEY: 'example/secret/key',
});

const clientWith = (...outcomes: ScriptedOutcome[]) => {
  const script = scriptedTransport(...outcomes);
  const pauses: number[] = [];
  const dynamoDb = createDynamoDbClient(ENVIRONMENT, {
    transport: script.transport,
    random: () => 0.5,
    sleep: (ms) => {
      pauses.push(ms);
      return Promise.resolve();
    },
  });
  return { dynamoDb, requests: script.requests, pauses };
};

describe('dynamoDbRetryDelayMs', () => {
  it('waits up to 50 ms before the first retry, doubling per retry up to 1 s', () => {
    // Prepare
    const highest = () => 0.999_999;
    const retries = Array.from(
      { length: WORKER_DYNAMODB_MAX_ATTEMPTS - 1 },
      (_, index) => index + 1,
    );

    // Act
    const ceilings = retries.map((retry) => dynamoDbRetryDelayMs(retry, highest) + 1);

    // Assess
    expect(ceilings).toEqual([50, 100, 200, 400, 800, 1000, 1000]);
    expect(ceilings.reduce((sum, ceiling) => sum + ceiling, 0)).toBe(3550);
  });

  it('draws each wait at random below its ceiling (full jitter)', () => {
    // Act
    const lowest = dynamoDbRetryDelayMs(4, () => 0);
    const middle = dynamoDbRetryDelayMs(4, () => 0.5);

    // Assess
    expect(lowest).toBe(0);
    expect(middle).toBe(200);
  });
});

describe('createDynamoDbClient', () => {
  it('posts the operation to the regional endpoint as JSON 1.0, blobs written as base64', async () => {
    // Prepare
    const { dynamoDb, requests } = clientWith(jsonAnswer(200, {}));
    const bytes = Buffer.from([0, 1, 2, 250, 255]);

    // Act
    await dynamoDb.call('PutItem', {
      TableName: 'records',
      Item: {
        pk: { S: 'a' },
        state: { B: bytes },
        parts: { BS: [new Uint8Array([7]), Buffer.from('x')] },
        nested: { M: { inner: { B: new Uint8Array([1, 2]) } } },
      },
    });

    // Assess
    const [request] = requests;
    expect(request?.url.href).toBe('https://dynamodb.eu-west-1.amazonaws.com/');
    expect(request?.headers['x-amz-target']).toBe('DynamoDB_20120810.PutItem');
    expect(request?.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(request?.headers.authorization).toMatch(/\/eu-west-1\/dynamodb\/aws4_request/);
    expect(JSON.parse(request?.body ?? '')).toEqual({
      TableName: 'records',
      Item: {
        pk: { S: 'a' },
        state: { B: bytes.toString('base64') },
        parts: { BS: ['Bw==', 'eA=='] },
        nested: { M: { inner: { B: 'AQI=' } } },
      },
    });
  });

  it('reads blobs back as bytes and leaves text fields as text', async () => {
    // Prepare
    const { dynamoDb } = clientWith(
      jsonAnswer(200, {
        Item: {
          B: { S: 'an attribute named B' },
          state: { B: Buffer.from('gzip').toString('base64') },
          parts: { BS: ['AQ==', 'Ag=='] },
          count: { N: '3' },
        },
        ConsumedCapacity: { TableName: 'records', CapacityUnits: 0.5 },
      }),
    );

    // Act
    const output = await dynamoDb.call('GetItem', {
      TableName: 'records',
      Key: { pk: { S: 'a' } },
    });

    // Assess
    expect(output.Item?.B).toEqual({ S: 'an attribute named B' });
    expect(Buffer.from(output.Item?.state?.B ?? []).toString()).toBe('gzip');
    expect(output.Item?.parts?.BS?.map((part) => [...part])).toEqual([[1], [2]]);
    expect(output.Item?.count).toEqual({ N: '3' });
    expect(output.ConsumedCapacity?.CapacityUnits).toBe(0.5);
  });

  it('refuses a condition as ConditionalCheckFailedError, with the item it was judged on', async () => {
    // Prepare
    const { dynamoDb, requests } = clientWith(
      jsonAnswer(400, {
        __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
        message: 'The conditional request failed',
        Item: { pk: { S: 'a' }, rev: { N: '4' }, state: { B: 'AQI=' } },
      }),
    );

    // Act
    const refused = await dynamoDb
      .call('PutItem', {
        TableName: 'records',
        Item: { pk: { S: 'a' } },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      })
      .catch((error: unknown) => error);

    // Assess
    expect(refused).toBeInstanceOf(ConditionalCheckFailedError);
    const failure = refused as ConditionalCheckFailedError;
    expect(failure.retryable).toBe(false);
    expect(failure.item?.rev).toEqual({ N: '4' });
    expect([...(failure.item?.state?.B ?? [])]).toEqual([1, 2]);
    expect(requests).toHaveLength(1);
  });

  it('retries throttling with jittered, doubling waits, three attempts by default', async () => {
    // Prepare
    const throttled = jsonAnswer(400, {
      __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    });
    const { dynamoDb, requests, pauses } = clientWith(throttled);

    // Act
    const failing = dynamoDb.call('GetItem', { TableName: 'records', Key: { pk: { S: 'a' } } });

    // Assess
    await expect(failing).rejects.toMatchObject({
      code: 'ProvisionedThroughputExceededException',
      retryable: true,
    });
    expect(requests).toHaveLength(3);
    expect(pauses).toEqual([25, 50]);
  });
});
