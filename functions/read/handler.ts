import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLogger } from '../../shared/observability/logger';
import { createCursorKeyProvider } from '../../shared/read/cursor-key-provider';
import { readReadConfig } from '../../shared/read/read-config';
import { createReadHandler } from '../../shared/read/read-handler';
import { DynamoDbImageRecordStore } from '../../shared/store/dynamodb-image-record-store';

/** Read once at load: a missing table name or cursor key fails here, not on a request. */
const config = readReadConfig(process.env);

/** This function's own logger, so its lines name this function even beside others locally. */
const logger = createLogger();

/** One client per container; locally the SDK picks up AWS_ENDPOINT_URL_DYNAMODB itself. */
const dynamoDb = new DynamoDBClient({});

/**
 * `GET /images/{vendor}/{imageId}` and `GET /images?vendor=&collection=` (HTTP API, payload 2.0).
 * The read handler puts the invocation's request id on this function's log lines itself.
 */
export const handler = createReadHandler({
  store: new DynamoDbImageRecordStore({ client: dynamoDb, tableName: config.recordsTable }),
  cursorKey: createCursorKeyProvider(config.cursorKey),
  log: logger,
});
