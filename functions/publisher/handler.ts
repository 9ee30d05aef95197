import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { EventBridgeChangeBus } from '../../shared/changes/eventbridge-change-bus';
import { createPublisherHandler } from '../../shared/changes/publish-changes';
import { readPublisherConfig } from '../../shared/changes/publisher-config';
import { readAwsEnvironment } from '../../shared/aws/aws-environment';
import { createDynamoDbClient } from '../../shared/aws/dynamodb';
import { createLogger } from '../../shared/observability/logger';
import { DynamoDbImageRecordStore } from '../../shared/store/dynamodb-image-record-store';

/** Read once at load: a misconfigured publisher fails here, before it takes any stream record. */
const config = readPublisherConfig(process.env);

/** This function's own logger, so its lines name this function even beside others locally. */
const logger = createLogger();

/** One client each per container; locally their AWS_ENDPOINT_URL_* variables point them. */
const eventBridge = new EventBridgeClient({});
const dynamoDb = createDynamoDbClient(readAwsEnvironment(process.env));

const publish = createPublisherHandler({
  bus: new EventBridgeChangeBus(eventBridge, config.eventBusName),
  store: new DynamoDbImageRecordStore({ client: dynamoDb, tableName: config.recordsTable }),
  log: logger,
});

/** DynamoDB stream of the records table → change events on the bus (partial batch failures). */
export const handler = (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> =>
  publish(event);
