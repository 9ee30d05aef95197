import { createLogger } from '../../shared/observability/logger';
import { metrics } from '../../shared/observability/metrics';
import { DynamoDbEventLedger } from '../../shared/store/dynamodb-event-ledger';
import { DynamoDbImageAliasStore } from '../../shared/store/dynamodb-image-alias-store';
import { DynamoDbImageRecordStore } from '../../shared/store/dynamodb-image-record-store';
import { VENDOR_DEFINITIONS } from '../../shared/vendors/registry';
import { readWorkerConfig } from '../../shared/worker/worker-config';
import { createWorkerDynamoDbClient } from '../../shared/worker/worker-dynamodb-client';
import { createWorkerHandler } from '../../shared/worker/worker-handler';

/** Read once at load: a misconfigured worker fails here, before it takes any message. */
const config = readWorkerConfig(process.env);

/** This function's own logger, so its lines name this function even beside others locally. */
const logger = createLogger();

/** One client per container, with the worker's retry budget for throttling. */
const dynamoDb = createWorkerDynamoDbClient();

/**
 * SQS event source mapping → queued events applied to the image records (partial batch failures).
 * Its log lines name each event by its SQS message id, not the batch invocation (see the handler).
 */
export const handler = createWorkerHandler({
  ledger: new DynamoDbEventLedger({
    client: dynamoDb,
    tableName: config.ledgerTable,
    dedupeWindowSeconds: config.dedupeWindowSeconds,
    archiveRetentionSeconds: config.archiveRetentionSeconds,
  }),
  store: new DynamoDbImageRecordStore({ client: dynamoDb, tableName: config.recordsTable }),
  aliases: new DynamoDbImageAliasStore({ client: dynamoDb, tableName: config.recordsTable }),
  definitions: VENDOR_DEFINITIONS,
  archiveEvents: config.archiveEvents,
  applyConcurrency: config.applyConcurrency,
  log: logger,
  metrics,
});
