import type {
  AttributeValue,
  BatchGetItemInput,
  BatchGetItemOutput,
  GetItemInput,
  GetItemOutput,
  PutItemInput,
  PutItemOutput,
  QueryInput,
  QueryOutput,
  ScanInput,
  ScanOutput,
  UpdateItemInput,
  UpdateItemOutput,
} from '@aws-sdk/client-dynamodb';
import { AwsCallError } from './aws-call-error';
import type { AwsEnvironment } from './aws-environment';
import { AwsJsonClient, type AwsJsonClientOptions, type AwsJsonService } from './aws-json-client';

/**
 * The DynamoDB operations the stores make, by name, with the SDK's own input and output shapes
 * (imported as types only, so no SDK code comes with them): an item is the same
 * `AttributeValue` map whichever client carries it.
 */
export interface DynamoDbOperations {
  GetItem: { input: GetItemInput; output: GetItemOutput };
  PutItem: { input: PutItemInput; output: PutItemOutput };
  UpdateItem: { input: UpdateItemInput; output: UpdateItemOutput };
  BatchGetItem: { input: BatchGetItemInput; output: BatchGetItemOutput };
  Query: { input: QueryInput; output: QueryOutput };
  Scan: { input: ScanInput; output: ScanOutput };
}

export type DynamoDbOperation = keyof DynamoDbOperations;

/**
 * The stores' port to DynamoDB: one call by operation name. The functions fill it with the lean
 * JSON client below (`createDynamoDbClient`); tools and tests that already hold the SDK's client
 * wrap it (`sdk-dynamodb.ts`). A refused condition is a `ConditionalCheckFailedError` from either.
 */
export interface DynamoDb {
  call<O extends DynamoDbOperation>(
    operation: O,
    input: DynamoDbOperations[O]['input'],
  ): Promise<DynamoDbOperations[O]['output']>;
}

/**
 * DynamoDB refused a write's condition. Not a fault: the stores decide on it (a retry of a write
 * that landed, a newer record in place), with the item the condition was judged on when the
 * write asked for it (`ReturnValuesOnConditionCheckFailure: ALL_OLD`).
 */
export class ConditionalCheckFailedError extends AwsCallError {
  readonly item: Record<string, AttributeValue> | undefined;

  constructor(
    operation: string,
    item: Record<string, AttributeValue> | undefined,
    options: { statusCode?: number; cause?: unknown } = {},
  ) {
    super({
      service: 'dynamodb',
      operation,
      code: 'ConditionalCheckFailedException',
      retryable: false,
      ...options,
    });
    this.name = 'ConditionalCheckFailedError';
    this.item = item;
  }
}

/**
 * Bytes in an input (a `Buffer`, which would otherwise serialize as `{ type, data }`, or a
 * `Uint8Array`) are written as base64 text, as the protocol sends a blob. A `JSON.stringify`
 * replacer, reading the holder's raw value because a `Buffer`'s `toJSON` runs before the replacer
 * sees it.
 */
function writeBlobs(this: unknown, key: string, value: unknown): unknown {
  const raw: unknown = (this as Record<string, unknown>)[key];
  return raw instanceof Uint8Array
    ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64')
    : value;
}

/**
 * An attribute value's blob fields: `B` holds one base64 blob, `BS` a list of them. No other
 * field of DynamoDB's answers is named so with text in it (an attribute named `B` holds an
 * attribute value, an object), so reviving by name is exact.
 */
const reviveBlobs = (key: string, value: unknown): unknown => {
  if (key === 'B' && typeof value === 'string') return Buffer.from(value, 'base64');
  if (key === 'BS' && Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return value.map((item: string) => Buffer.from(item, 'base64'));
  }
  return value;
};

const itemOf = (body: unknown): Record<string, AttributeValue> | undefined => {
  if (typeof body !== 'object' || body === null || !('Item' in body)) return undefined;
  const { Item } = body;
  return typeof Item === 'object' && Item !== null
    ? (Item as Record<string, AttributeValue>)
    : undefined;
};

/** DynamoDB over the AWS JSON 1.0 protocol (`X-Amz-Target: DynamoDB_20120810.<Operation>`). */
export const DYNAMODB_JSON_SERVICE: AwsJsonService = {
  id: 'dynamodb',
  jsonVersion: '1.0',
  targetPrefix: 'DynamoDB_20120810',
  writeBlobs,
  reviveBlobs,
  errorOfAnswer: (operation, code, body) =>
    code === 'ConditionalCheckFailedException'
      ? new ConditionalCheckFailedError(operation, itemOf(body))
      : undefined,
};

/** The first retry waits up to this long; each later one up to twice the one before. */
const FIRST_RETRY_CEILING_MS = 50;
/** No retry waits longer than this. */
const RETRY_CEILING_MS = 1_000;

/**
 * The wait before retry `retry` (1 for the first): full jitter, a random wait up to a ceiling of
 * 50 ms that doubles per retry up to 1 s, so 7 retries wait 3.55 s at most in all. The SDK's own
 * backoff for throttling starts at 500 ms and goes up to 20 s per retry: one burst of throttling
 * could then outlast a function's time before the call gives up. Short jittered waits spread the
 * retries of parallel writes, and a call that still fails is retried by its caller (SQS, the
 * stream, the client of the read API).
 */
export const dynamoDbRetryDelayMs = (retry: number, random: () => number = Math.random): number =>
  Math.floor(
    random() * Math.min(RETRY_CEILING_MS, FIRST_RETRY_CEILING_MS * 2 ** Math.max(0, retry - 1)),
  );

/** Attempts per call where a function sets no budget of its own: the SDK's default for DynamoDB. */
const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * A DynamoDB answer takes milliseconds; an attempt with none after 5 s is given up and tried
 * again (the SDK sets no deadline, so a stalled connection held the call until the function's
 * timeout).
 */
const ATTEMPT_TIMEOUT_MS = 5_000;

/**
 * DynamoDB for the functions, on the lean JSON client: one signed POST per attempt. Why not the
 * SDK's client: its middleware stack, endpoint rules and serializers were most of the worker's
 * bundle and most of its CPU per event, for six operations whose JSON is the `AttributeValue`
 * maps the stores already build. Create one per container.
 */
export const createDynamoDbClient = (
  environment: AwsEnvironment,
  overrides: Partial<Omit<AwsJsonClientOptions, 'service' | 'environment'>> = {},
): DynamoDb => {
  const client = new AwsJsonClient({
    service: DYNAMODB_JSON_SERVICE,
    environment,
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
    attemptTimeoutMs: ATTEMPT_TIMEOUT_MS,
    retryDelayMs: (retry) => dynamoDbRetryDelayMs(retry, overrides.random),
    ...overrides,
  });
  // The answer is DynamoDB's own JSON for the operation, as the SDK's deserializer would hand it
  // over (blobs revived above); the stores parse every item they read with valibot schemas.
  return {
    call: <O extends DynamoDbOperation>(operation: O, input: DynamoDbOperations[O]['input']) =>
      client.call(operation, input) as Promise<DynamoDbOperations[O]['output']>,
  };
};
