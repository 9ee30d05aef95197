import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  ConditionalCheckFailedError,
  type DynamoDb,
  type DynamoDbOperation,
  type DynamoDbOperations,
} from './dynamodb';

type Sent = Promise<DynamoDbOperations[DynamoDbOperation]['output']>;

const send = (client: DynamoDBClient, operation: DynamoDbOperation, input: object): Sent => {
  switch (operation) {
    case 'GetItem':
      return client.send(new GetItemCommand(input as DynamoDbOperations['GetItem']['input']));
    case 'PutItem':
      return client.send(new PutItemCommand(input as DynamoDbOperations['PutItem']['input']));
    case 'UpdateItem':
      return client.send(new UpdateItemCommand(input as DynamoDbOperations['UpdateItem']['input']));
    case 'BatchGetItem':
      return client.send(
        new BatchGetItemCommand(input as DynamoDbOperations['BatchGetItem']['input']),
      );
    case 'Query':
      return client.send(new QueryCommand(input as DynamoDbOperations['Query']['input']));
    case 'Scan':
      return client.send(new ScanCommand(input as DynamoDbOperations['Scan']['input']));
  }
};

/**
 * The stores' DynamoDB port over the SDK's client, for the tools and tests that hold one already
 * (the functions use the lean client). The SDK's refused condition becomes the port's
 * `ConditionalCheckFailedError`, with the item it carries.
 */
export const sdkDynamoDb = (client: DynamoDBClient): DynamoDb => ({
  call: async <O extends DynamoDbOperation>(
    operation: O,
    input: DynamoDbOperations[O]['input'],
  ): Promise<DynamoDbOperations[O]['output']> => {
    try {
      return await send(client, operation, input);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ConditionalCheckFailedError(operation, error.Item, {
          statusCode: error.$metadata.httpStatusCode ?? 400,
          cause: error,
        });
      }
      throw error;
    }
  },
});
