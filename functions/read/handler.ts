import { readAwsEnvironment } from '../../shared/aws/aws-environment';
import { createDynamoDbClient } from '../../shared/aws/dynamodb';
import { createLogger } from '../../shared/observability/logger';
import { createCursorKeyProvider } from '../../shared/read/cursor-key-provider';
import { readReadConfig } from '../../shared/read/read-config';
import { createReadHandler } from '../../shared/read/read-handler';
import { DynamoDbImageRecordStore } from '../../shared/store/dynamodb-image-record-store';

/** Read once at load: a missing table name or cursor key fails here, not on a request. */
const config = readReadConfig(process.env);

/** This function's own logger, so its lines name this function even beside others locally. */
const logger = createLogger();

/** Region, credentials and endpoint overrides, read once at load. */
const aws = readAwsEnvironment(process.env);

/** One client per container; locally AWS_ENDPOINT_URL_DYNAMODB points it at the local server. */
const dynamoDb = createDynamoDbClient(aws);

/**
 * `GET /images/{vendor}/{imageId}` and `GET /images?vendor=&collection=` (HTTP API, payload 2.0).
 * The read handler puts the invocation's request id on this function's log lines itself.
 */
export const handler = createReadHandler({
  store: new DynamoDbImageRecordStore({ client: dynamoDb, tableName: config.recordsTable }),
  cursorKey: createCursorKeyProvider(config.cursorKey, aws),
  log: logger,
});
