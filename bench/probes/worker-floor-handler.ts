import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { VENDOR_DEFINITIONS } from '../../shared/vendors/registry';
import { parseEnvelope } from '../../shared/worker/worker-handler';
import { readWorkerConfig } from '../../shared/worker/worker-config';
import { createWorkerDynamoDbClient } from '../../shared/worker/worker-dynamodb-client';
import { floorWrites } from '../support/floor-writes';

/**
 * The worker's floor, for the events-per-second comparison: each message of a batch parsed,
 * normalized and written with one PutItem per image plus one ledger PutItem (`floorWrites`),
 * records in parallel as Powertools' batch processor runs them, same client and settings.
 */
const config = readWorkerConfig(process.env);
const dynamoDb = createWorkerDynamoDbClient();
const tables = { records: config.recordsTable, ledger: config.ledgerTable };

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  await Promise.all(
    event.Records.map((record) =>
      floorWrites(
        dynamoDb,
        tables,
        parseEnvelope(record.messageId, record.body),
        VENDOR_DEFINITIONS,
        config.applyConcurrency,
      ),
    ),
  );
  return { batchItemFailures: [] };
};
