import { awsCallOf, deniedResponse } from '../../../local/iam/aws-call';

const SCOPE = { region: 'us-east-1', accountId: '123456789012' };
const QUEUE_URL = 'http://127.0.0.1:9324/123456789012/vendor-webhooks-events';
const QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:vendor-webhooks-events';
const noSecret = () => undefined;

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
