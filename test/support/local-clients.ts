import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_AWS, localAwsEnvironment } from '../../local/servers/dynamodb-local';
import type { AwsJsonClientOptions } from '../../shared/aws/aws-json-client';
import type { DynamoDb } from '../../shared/aws/dynamodb';
import { createDynamoDbClient } from '../../shared/aws/dynamodb';
import { createSqsMessageSender, type SqsMessageSender } from '../../shared/aws/sqs-send-message';

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

/** The ingest path's lean SQS sender, pointed at the run's local-aws-sqs. */
export const localSqsSender = (
  overrides: Partial<Omit<AwsJsonClientOptions, 'service' | 'environment'>> = {},
): SqsMessageSender =>
  createSqsMessageSender(
    localAwsEnvironment({ AWS_ENDPOINT_URL_SQS: endpointOf('TEST_SQS_ENDPOINT') }),
    overrides,
  );

/**
 * The functions' lean DynamoDB client, pointed at the run's DynamoDB Local (or at `endpoint`): what
 * the tests give the stores, so they run on the same client as in AWS.
 */
export const localDynamoDbPort = (
  overrides: Partial<Omit<AwsJsonClientOptions, 'service' | 'environment'>> = {},
  endpoint: string = endpointOf('TEST_DYNAMODB_ENDPOINT'),
): DynamoDb =>
  createDynamoDbClient(localAwsEnvironment({ AWS_ENDPOINT_URL_DYNAMODB: endpoint }), overrides);

/** A name no other test in the run uses. */
export const uniqueName = (prefix: string): string =>
  `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
