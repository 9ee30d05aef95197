import { readAwsEnvironment } from '../aws/aws-environment';
import type { AwsJsonClientOptions } from '../aws/aws-json-client';
import type { DynamoDb } from '../aws/dynamodb';
import { createDynamoDbClient } from '../aws/dynamodb';
import type { Env } from '../config/env';

/**
 * Attempts per DynamoDB call, the first included. The SDK's default for DynamoDB is 3: a burst of
 * throttling that outlasts 2 retries fails the call, and with it the message, which then waits
 * out its visibility timeout and counts a receive towards the dead-letter queue. Every write the
 * worker makes is conditional and idempotent, so retrying it is always safe. With the client's
 * jittered waits (`dynamoDbRetryDelayMs`), the 7 retries wait 3.55 s at most in all.
 */
export const WORKER_DYNAMODB_MAX_ATTEMPTS = 8;

/**
 * The worker's DynamoDB client: created once per container from the function's environment
 * (locally `AWS_ENDPOINT_URL_DYNAMODB` points it at the local server), with the retry budget
 * above. `overrides` are for tests that script the wire or the waits.
 */
export const createWorkerDynamoDbClient = (
  env: Env = process.env,
  overrides: Partial<Omit<AwsJsonClientOptions, 'service' | 'environment'>> = {},
): DynamoDb =>
  createDynamoDbClient(readAwsEnvironment(env), {
    maxAttempts: WORKER_DYNAMODB_MAX_ATTEMPTS,
    ...overrides,
  });
