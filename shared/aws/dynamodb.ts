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
 * JSON client (`dynamodb-json-client.ts`); tools and tests that already hold the SDK's client
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
