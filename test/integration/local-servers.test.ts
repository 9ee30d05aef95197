import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { localDynamoDb, localSqs, uniqueName } from '../support/local-clients';

describe('local servers started by the global setup', () => {
  it('answers DynamoDB calls from DynamoDB Local', async () => {
    // Prepare
    const dynamo = localDynamoDb();

    // Act
    const result = await dynamo.send(new ListTablesCommand({}));

    // Assess
    expect(Array.isArray(result.TableNames)).toBe(true);
    dynamo.destroy();
  });

  it('round-trips a message through local SQS', async () => {
    // Prepare
    const sqs = localSqs();
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName('smoke') }));

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello' }));
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1 }),
    );

    // Assess
    expect(received.Messages?.map((message) => message.Body)).toEqual(['hello']);
    sqs.destroy();
  });
});
