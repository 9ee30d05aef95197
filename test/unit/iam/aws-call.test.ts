import { awsCallOf, deniedResponse, localStreamArn } from '../../../local/iam/aws-call';

const SCOPE = { region: 'us-east-1', accountId: '123456789012' };
const QUEUE_URL = 'http://127.0.0.1:9324/123456789012/vendor-webhooks-events';
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:vendor-webhooks-events';
const noSecret = () => undefined;
const LOCAL_STREAM =
  'arn:aws:dynamodb:ddblocal:000000000000:table/records/stream/2026-12-01T00:00:00.000';
const STREAM =
  'arn:aws:dynamodb:us-east-1:123456789012:table/records/stream/2026-12-01T00:00:00.000';

describe('the action and resource IAM authorizes a request as', () => {
  it.each([
    ['AmazonSQS.ReceiveMessage', 'sqs:ReceiveMessage'],
    ['AmazonSQS.GetQueueAttributes', 'sqs:GetQueueAttributes'],
    ['AmazonSQS.DeleteMessageBatch', 'sqs:DeleteMessage'],
    ['AmazonSQS.SendMessageBatch', 'sqs:SendMessage'],
    ['AmazonSQS.ChangeMessageVisibilityBatch', 'sqs:ChangeMessageVisibility'],
  ])('%s is %s on the queue its URL names', (target, action) => {
    // Act
    const call = awsCallOf(target, { QueueUrl: QUEUE_URL }, SCOPE, noSecret);

    // Assess
    expect(call).toEqual({ service: 'sqs', action, resource: QUEUE_ARN });
  });

  it('names the index for a DynamoDB query on one, the table otherwise', () => {
    // Act
    const onIndex = awsCallOf(
      'DynamoDB_20120810.Query',
      { TableName: 'records', IndexName: 'byCollection' },
      SCOPE,
      noSecret,
    );
    const onTable = awsCallOf(
      'DynamoDB_20120810.BatchWriteItem',
      { TableName: 'records' },
      SCOPE,
      noSecret,
    );

    // Assess
    expect(onIndex?.resource).toBe(
      'arn:aws:dynamodb:us-east-1:123456789012:table/records/index/byCollection',
    );
    expect(onTable).toEqual({
      service: 'dynamodb',
      action: 'dynamodb:BatchWriteItem',
      resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/records',
    });
  });

  it('attributes a BatchGetItem to the one table its RequestItems name', () => {
    // Prepare
    const body = {
      RequestItems: { ledger: { Keys: [{ eventId: { S: 'a' } }, { eventId: { S: 'b' } }] } },
    };

    // Act
    const call = awsCallOf('DynamoDB_20120810.BatchGetItem', body, SCOPE, noSecret);

    // Assess
    expect(call).toEqual({
      service: 'dynamodb',
      action: 'dynamodb:BatchGetItem',
      resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/ledger',
    });
  });

  it('does not attribute a BatchGetItem over two tables (one call, two resources)', () => {
    // Prepare
    const body = {
      RequestItems: {
        ledger: { Keys: [{ eventId: { S: 'a' } }] },
        records: { Keys: [{ pk: { S: 'b' } }] },
      },
    };

    // Act
    const call = awsCallOf('DynamoDB_20120810.BatchGetItem', body, SCOPE, noSecret);

    // Assess
    expect(call).toBeUndefined();
  });

  it('is nothing for a request that is not one of these JSON APIs', () => {
    // Act
    const call = awsCallOf('Logs_20140328.PutLogEvents', {}, SCOPE, noSecret);

    // Assess
    expect(call).toBeUndefined();
  });
});

describe('the refusal a denied call gets', () => {
  it("is SQS's AccessDenied, with the query error header the SDK reads the code from", () => {
    // Prepare
    const call = { service: 'sqs', action: 'sqs:ReceiveMessage', resource: QUEUE_ARN } as const;

    // Act
    const denied = deniedResponse(call, 'arn:aws:sts::123456789012:assumed-role/WorkerRole/worker');

    // Assess
    expect(denied.status).toBe(403);
    expect(denied.headers['x-amzn-query-error']).toBe('AccessDenied;Sender');
    expect(denied.body).toContain(
      'is not authorized to perform: sqs:ReceiveMessage on resource: arn:aws:sqs:us-east-1:123456789012:vendor-webhooks-events',
    );
  });
});

describe('stream reads and PutEvents, as the IAM proxy authorizes them', () => {
  it.each([
    ['DescribeStream', { StreamArn: LOCAL_STREAM }],
    ['GetShardIterator', { StreamArn: LOCAL_STREAM, ShardId: 'shard-1' }],
    ['GetRecords', { ShardIterator: `${LOCAL_STREAM}|001|c2hhcmQ=`, Limit: 100 }],
  ])(
    'a stream read (%s) is dynamodb:<operation> on the stream, in the local account',
    (operation, body) => {
      // Act
      const call = awsCallOf(`DynamoDBStreams_20120810.${operation}`, body, SCOPE, noSecret);

      // Assess
      expect(call).toEqual({
        service: 'dynamodbstreams',
        action: `dynamodb:${operation}`,
        resource: STREAM,
      });
    },
  );

  it('PutEvents is events:PutEvents on the bus its entries name, by name or by ARN', () => {
    // Act
    const byName = awsCallOf(
      'AWSEvents.PutEvents',
      { Entries: [{ EventBusName: 'changes' }, { EventBusName: 'changes' }] },
      SCOPE,
      noSecret,
    );
    const byArn = awsCallOf(
      'AWSEvents.PutEvents',
      { Entries: [{ EventBusName: 'arn:aws:events:eu-west-1:210987654321:event-bus/shared' }] },
      SCOPE,
      noSecret,
    );
    const unnamed = awsCallOf('AWSEvents.PutEvents', { Entries: [{}] }, SCOPE, noSecret);

    // Assess
    expect(byName).toEqual({
      service: 'events',
      action: 'events:PutEvents',
      resource: 'arn:aws:events:us-east-1:123456789012:event-bus/changes',
    });
    expect(byArn?.resource).toBe('arn:aws:events:eu-west-1:210987654321:event-bus/shared');
    expect(unnamed?.resource).toBe('arn:aws:events:us-east-1:123456789012:event-bus/default');
  });

  it('does not attribute a PutEvents that names two buses (one call, one resource)', () => {
    // Act
    const call = awsCallOf(
      'AWSEvents.PutEvents',
      { Entries: [{ EventBusName: 'changes' }, { EventBusName: 'other' }] },
      SCOPE,
      noSecret,
    );

    // Assess
    expect(call).toBeUndefined();
  });

  it('refuses stream reads and puts with the error each service sends', () => {
    // Act
    const stream = deniedResponse(
      { service: 'dynamodbstreams', action: 'dynamodb:GetRecords', resource: STREAM },
      'arn:aws:sts::123456789012:assumed-role/PublisherFunctionRole/publisher',
    );
    const events = deniedResponse(
      {
        service: 'events',
        action: 'events:PutEvents',
        resource: 'arn:aws:events:us-east-1:123456789012:event-bus/changes',
      },
      'arn:aws:sts::123456789012:assumed-role/PublisherFunctionRole/publisher',
    );

    // Assess
    expect(stream.status).toBe(400);
    expect(JSON.parse(stream.body)).toMatchObject({
      __type: 'com.amazon.coral.service#AccessDeniedException',
    });
    expect(events.status).toBe(400);
    expect(events.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(events.body)).toMatchObject({
      __type: 'AccessDeniedException',
      Message: expect.stringContaining('is not authorized to perform: events:PutEvents') as string,
    });
  });

  it('names a DynamoDB Local stream in the local account and region', () => {
    // Act
    const arn = localStreamArn(LOCAL_STREAM, SCOPE);

    // Assess
    expect(arn).toBe(STREAM);
  });
});
