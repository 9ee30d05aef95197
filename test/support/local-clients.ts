import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_AWS } from '../../local/servers/dynamodb-local';

const endpointOf = (name: 'TEST_DYNAMODB_ENDPOINT' | 'TEST_SQS_ENDPOINT'): string => {
  const endpoint = process.env[name];
  if (!endpoint)
    throw new Error(`${name} is not set: run integration tests through jest's global setup`);
  return endpoint;
};

/** A DynamoDB client for the run's DynamoDB Local. */
export const localDynamoDb = (): DynamoDBClient =>
  new DynamoDBClient({ ...LOCAL_AWS, endpoint: endpointOf('TEST_DYNAMODB_ENDPOINT') });

/** An SQS client for the run's local-aws-sqs. */
export const localSqs = (): SQSClient =>
  new SQSClient({ ...LOCAL_AWS, endpoint: endpointOf('TEST_SQS_ENDPOINT') });

/** A name no other test in the run uses. */
export const uniqueName = (prefix: string): string =>
  `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
