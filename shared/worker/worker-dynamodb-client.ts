import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';

/**
 * Attempts per DynamoDB call, the first included. The SDK's default for DynamoDB is 4 (10 in the
 * v2 SDK): a burst of throttling that outlasts 3 retries fails the call, and with it the message,
 * which then waits out its visibility timeout and counts a receive towards the dead-letter queue.
 * Every write the worker makes is conditional and idempotent, so retrying it is always safe.
 */
export const WORKER_DYNAMODB_MAX_ATTEMPTS = 8;

/** The first retry waits up to this long; each later one up to twice the one before. */
const FIRST_RETRY_CEILING_MS = 50;
/** No retry waits longer than this. */
const RETRY_CEILING_MS = 1_000;

/**
 * The wait before retry `attempt` (1 for the first retry): full jitter, a random wait up to a
 * ceiling of 50 ms that doubles per retry up to 1 s, so the 7 retries wait 3.55 s at most in all.
 * The SDK's own backoff for throttling starts at 500 ms and goes up to 20 s per retry: one burst
 * of throttling could then outlast the worker's time (30 s in AWS, a few seconds locally) before
 * the call gives up. Short jittered waits spread the retries of a batch's parallel writes, and a
 * call that still fails is retried by SQS, message by message.
 */
export const workerRetryDelayMs = (attempt: number, random: () => number = Math.random): number =>
  Math.floor(
    random() * Math.min(RETRY_CEILING_MS, FIRST_RETRY_CEILING_MS * 2 ** Math.max(0, attempt - 1)),
  );

/**
 * The worker's DynamoDB client: created once per container, with the retry budget above. Locally
 * the SDK picks up `AWS_ENDPOINT_URL_DYNAMODB` itself; `config` is for tests that point it
 * elsewhere.
 */
export const createWorkerDynamoDbClient = (config: DynamoDBClientConfig = {}): DynamoDBClient =>
  new DynamoDBClient({
    ...config,
    retryStrategy: new ConfiguredRetryStrategy(WORKER_DYNAMODB_MAX_ATTEMPTS, (attempt) =>
      workerRetryDelayMs(attempt),
    ),
  });
