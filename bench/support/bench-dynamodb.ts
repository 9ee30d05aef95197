import { localAwsEnvironment, startDynamoDbLocal } from '../../local/servers/dynamodb-local';
import type { DynamoDb } from '../../shared/aws/dynamodb';
import { createDynamoDbClient } from '../../shared/aws/dynamodb';
import { freePort } from '../../local/servers/free-port';

/** A DynamoDB Local endpoint for a bench run, and how to let it go. */
export interface BenchDynamoDb {
  readonly endpoint: string;
  readonly stop: () => Promise<void>;
}

/**
 * DynamoDB Local for a bench script: the test run's when `TEST_DYNAMODB_ENDPOINT` names one (the
 * bench's smoke test in `npm test`), else one of the script's own on a free port, stopped after.
 */
export const dynamoDbForBench = async (): Promise<BenchDynamoDb> => {
  const given = process.env.TEST_DYNAMODB_ENDPOINT;
  if (given) return { endpoint: given, stop: async () => {} };
  const started = await startDynamoDbLocal({ port: await freePort() });
  return { endpoint: started.endpoint, stop: started.stop };
};

/**
 * The functions' own DynamoDB client (the lean JSON one, as the worker, read and publisher
 * bundles build it), pointed at a bench endpoint: what the measured stores are given.
 */
export const leanDynamoDb = (endpoint: string): DynamoDb =>
  createDynamoDbClient(localAwsEnvironment({ AWS_ENDPOINT_URL_DYNAMODB: endpoint }));
