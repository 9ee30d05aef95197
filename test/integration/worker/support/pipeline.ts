import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as v from 'valibot';
import type { EventEnvelope } from '../../../../shared/queue/event-queue';
import { fixedCursorKey } from '../../../../shared/read/cursor-key-provider';
import { createReadHandler, type ReadHandler } from '../../../../shared/read/read-handler';
import { type ImageRecord, ImageRecordSchema } from '../../../../shared/record/image-record';
import type { Vendor } from '../../../../shared/vendors/vendor';
import { getImageEvent } from '../../read/support/http-events';
import { createTestTables, type TestTables } from '../../store/support/test-tables';
import { sqsEventOf, sqsRecordOf } from './envelopes';
import {
  createTestWorker,
  RecordingLog,
  type TestWorker,
  type TestWorkerOptions,
} from './test-worker';

/** The cursor key of the tests' read handlers. */
export const TEST_CURSOR_KEY = 'integration-test-cursor-key-0123456789';

/** The worker and the read API over one fresh pair of tables. */
export interface TestPipeline extends TestWorker {
  readonly tables: TestTables;
  readonly read: ReadHandler;
  /** Delivers envelopes as one SQS batch; fails the test if any message fails. */
  deliver(...envelopes: EventEnvelope[]): Promise<void>;
  /** `GET /images/{vendor}/{imageId}`: the parsed record, or the status when it is not a 200. */
  getRecord(vendor: Vendor, imageId: string): Promise<ImageRecord>;
  /** Any read request: status and parsed body. */
  request(event: APIGatewayProxyEventV2): Promise<{ statusCode: number; body: unknown }>;
}

/**
 * A worker and read API over fresh tables, or over `options.tables` to continue where another
 * pipeline (e.g. one with a faulty client or a crashing ledger) left off. `client` sets the tables
 * up; the worker's stores use `options.dynamoDb`, by default the functions' own lean client.
 */
export const createTestPipeline = async (
  client: DynamoDBClient,
  options: Omit<TestWorkerOptions, 'tables'> & { tables?: TestTables } = {},
): Promise<TestPipeline> => {
  const tables = options.tables ?? (await createTestTables(client));
  const worker = createTestWorker({ ...options, tables });
  const read = createReadHandler({
    store: worker.store,
    cursorKey: fixedCursorKey(TEST_CURSOR_KEY),
    log: new RecordingLog(),
  });
  const request = async (event: APIGatewayProxyEventV2) => {
    const response = await read(event);
    return {
      statusCode: response.statusCode ?? 0,
      body: JSON.parse(typeof response.body === 'string' ? response.body : 'null'),
    };
  };
  return {
    ...worker,
    tables,
    read,
    request,
    async deliver(...envelopes) {
      const response = await worker.handler(sqsEventOf(envelopes.map((item) => sqsRecordOf(item))));
      if (response.batchItemFailures.length > 0) {
        throw new Error(
          `delivery failed: ${JSON.stringify(worker.log.lines.filter((line) => line.level === 'error'))}`,
        );
      }
    },
    async getRecord(vendor, imageId) {
      const { statusCode, body } = await request(getImageEvent(vendor, imageId));
      if (statusCode !== 200) throw new Error(`GET ${vendor}/${imageId} answered ${statusCode}`);
      return v.parse(ImageRecordSchema, body);
    },
  };
};
