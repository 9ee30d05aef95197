import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
  SQSBatchResponse,
  SQSEvent,
} from 'aws-lambda';
import { LOCAL_REGION, localQueueArn } from '../../local/stack/local-names';
import { applyEnvironment, lambdaEnvironment } from '../../local/stack/lambda-environment';
import type { LocalQueue, LocalQueues } from '../../local/stack/queue-layout';
import { toSqsEvent } from '../../local/worker-feed/sqs-event';
import { renewCredentials } from '../../shared/auth/scheme-signer';
import { DEV_SECRETS } from '../../shared/config/dev-secrets';
import { manifestOf } from '../../shared/vendors/manifests';
import type { Vendor } from '../../shared/vendors/vendor';
import { getImageEvent } from './read/support/http-events';
import { createTestTables } from './store/support/test-tables';
import { localDynamoDb, localSqs, uniqueName } from '../support/local-clients';

/**
 * The most repository source files one webhook's data path may run code in, from the ingest
 * handler through the queue and the worker to the stored record, and back out through the read
 * API. A reader following one delivery end to end should have few files to open; a new helper
 * file on the path has to earn its place against this number. It was 25 while ingest sent through
 * the AWS SDK, whose code runs in `node_modules` and is not counted; the SDK's place on the ingest
 * path is now taken by two files of ours (`shared/aws/aws-json-client.ts` signs and posts,
 * `shared/aws/sqs-send-message.ts` shapes and checks the one call), and the worker reads a
 * batch's ledger entries ahead in one call (`shared/store/ledger-read-ahead.ts`), which took the
 * ledger check's round trip off every event: hence 28. The worker and the read API now reach
 * DynamoDB through the same lean client instead of the SDK's, and its one DynamoDB file
 * (`shared/aws/dynamodb.ts`: the port, its error and the adapter) takes the SDK's place: 29.
 */
const MAX_DATA_PATH_FILES = 29;

const REPOSITORY = join(__dirname, '..', '..');

/**
 * One representative delivery per vendor, each a fixture that creates an image record (for
 * Cloudinary an upload, which also registers the public id alias its later notifications use),
 * and the image whose record it makes.
 */
const DELIVERIES: ReadonlyArray<{
  readonly vendor: Vendor;
  readonly fixture: string;
  readonly imageId: string;
}> = [
  { vendor: 'spyne', fixture: 'v2-sample-a', imageId: 'img-0f0d6707-d264-44fe-82ce-ab912b0a8ea0' },
  { vendor: 'sharinpix', fixture: 'new_image', imageId: 'f37e01b7-942c-4179-bfd0-0cccf4700328' },
  {
    vendor: 'image-intelligence',
    fixture: 'detect--completed',
    imageId: '52547074-a622-11e6-8f61-63f37dc33285',
  },
  { vendor: 'cloudinary', fixture: 'upload', imageId: 'c66f05238d4ca6294da6ba95908d7d24' },
];

type IngestHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** Each vendor's ingest function, imported by its literal path as the bundler does. */
const INGEST_HANDLERS: Readonly<Record<Vendor, () => Promise<{ handler: IngestHandler }>>> = {
  spyne: () => import('../../functions/ingest-spyne/handler'),
  sharinpix: () => import('../../functions/ingest-sharinpix/handler'),
  'image-intelligence': () => import('../../functions/ingest-image-intelligence/handler'),
  cloudinary: () => import('../../functions/ingest-cloudinary/handler'),
};

/** The three functions of one delivery's path, freshly loaded. */
interface DataPathHandlers {
  readonly ingest: IngestHandler;
  readonly worker: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  readonly read: (
    event: APIGatewayProxyEventV2,
    context: Context,
  ) => Promise<APIGatewayProxyStructuredResultV2>;
}

/**
 * The Lambda context each handler is invoked with. Defined in this harness, whose files are not
 * counted, because the worker calls `getRemainingTimeInMillis` on the path.
 */
const contextOf = (functionName: string): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:123456789012:function:${functionName}`,
  memoryLimitInMB: '512',
  awsRequestId: `${functionName}-request`,
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'data-path',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

/**
 * The fixture `events/<vendor>/<name>.json`, with its credential made afresh from the dev secrets
 * (a fixture's timestamp or token would have expired) and received now.
 */
const signedDelivery = (vendor: Vendor, fixture: string): APIGatewayProxyEventV2 => {
  const event = JSON.parse(
    readFileSync(join(REPOSITORY, 'events', vendor, `${fixture}.json`), 'utf8'),
  ) as APIGatewayProxyEventV2;
  const now = new Date();
  const headers = Object.fromEntries(
    Object.entries(event.headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, value]],
    ),
  );
  const renewed = renewCredentials(
    manifestOf(vendor).auth,
    { query: event.rawQueryString, headers, body: event.body ?? '' },
    DEV_SECRETS,
    { at: () => now },
  );
  const query = Object.fromEntries(new URLSearchParams(renewed.query));
  return {
    ...event,
    rawQueryString: renewed.query,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    headers: { ...renewed.headers },
    body: Buffer.isBuffer(renewed.body) ? renewed.body.toString('utf8') : renewed.body,
    requestContext: { ...event.requestContext, timeEpoch: now.getTime() },
  };
};

/** The repository file of a script V8 reports, or undefined for anything else. */
const repositoryFileOf = (url: string): string | undefined => {
  // Jest names the scripts it compiles by path; Node's own loader by file URL.
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (!path.startsWith(sep)) return undefined;
  const file = relative(REPOSITORY, path);
  const [top] = file.split(sep);
  // Outside the repository, dependencies, and this harness with its helpers.
  if (top === undefined || top === '..' || top === 'node_modules' || top === 'test') {
    return undefined;
  }
  return file.split(sep).join('/');
};

/**
 * Runs `work` and adds to `files` the repository files in which a function ran meanwhile. The
 * counters are reset first, so whatever ran before (loading the modules, the harness's own steps
 * between two handlers) is not counted; a script's top-level code (at offset 0) is left out too,
 * as it is a module's loading, not the path's work.
 */
const measured = async <T>(session: Session, files: Set<string>, work: () => Promise<T>) => {
  await session.post('Profiler.takePreciseCoverage');
  const outcome = await work();
  const { result } = await session.post('Profiler.takePreciseCoverage');
  for (const script of result) {
    const file = repositoryFileOf(script.url);
    const ran = script.functions.some((fn) =>
      fn.ranges.some((range) => range.startOffset > 0 && range.count > 0),
    );
    if (file !== undefined && ran) files.add(file);
  }
  return outcome;
};

/** Why a vendor's path breaks the limit, listing every file it ran in; undefined within it. */
const overTheLimit = (vendor: Vendor, files: ReadonlySet<string>): string | undefined =>
  files.size > MAX_DATA_PATH_FILES
    ? `${vendor}'s data path runs code in ${files.size} files, more than ${MAX_DATA_PATH_FILES}:\n  ${[...files].sort().join('\n  ')}`
    : undefined;

/**
 * How many of the repository's files one webhook's data path runs code in, for each vendor: the
 * real ingest, worker and read handlers, against DynamoDB Local and local SQS, with V8's precise
 * coverage (`Profiler.startPreciseCoverage`, call counts per function).
 *
 * Why coverage, not the import graph: it counts the files a webhook's code runs in, not those
 * merely loaded. A file the path only imports (a type, a constant, a manifest of another vendor)
 * costs a reader following a delivery nothing; a file in which one of the path's functions runs
 * is one more file to open. Each vendor's handlers are loaded fresh (a cold container), the
 * counters are reset once they are loaded and again around each handler call, so module
 * initialization and the harness are left out, and the first invocation's lazy setup is in.
 * Modules are compiled by ts-jest to CommonJS, where reading an export runs no code; a loader
 * that turns exports into getters (esbuild's CommonJS output, as `tsx` runs it) would also count
 * a file whose export is only read, such as each function's `handler.ts`.
 */
describe('one webhook data path', () => {
  const saved = { ...process.env };
  const session = new Session();
  let dynamoDb: DynamoDBClient;
  let sqs: SQSClient;
  let queues: LocalQueues;

  const createQueue = async (role: string): Promise<LocalQueue> => {
    const name = uniqueName(`data-path-${role}`);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    if (QueueUrl === undefined) throw new Error(`CreateQueue returned no URL for ${name}`);
    return { name, url: QueueUrl, arn: localQueueArn(name) };
  };

  beforeAll(async () => {
    dynamoDb = localDynamoDb();
    sqs = localSqs();
    const [tables, main, dlq, quarantine] = await Promise.all([
      createTestTables(dynamoDb),
      createQueue('events'),
      createQueue('dlq'),
      createQueue('quarantine'),
    ]);
    queues = { main, dlq, quarantine };
    applyEnvironment(
      lambdaEnvironment(process.env, {
        sqsEndpoint: process.env.TEST_SQS_ENDPOINT,
        dynamoDbEndpoint: process.env.TEST_DYNAMODB_ENDPOINT,
        queues,
        tables,
        logLevel: 'SILENT',
      }),
    );
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
  });

  afterAll(async () => {
    await session.post('Profiler.stopPreciseCoverage');
    await session.post('Profiler.disable');
    session.disconnect();
    dynamoDb.destroy();
    sqs.destroy();
    for (const name of Object.keys(process.env)) {
      if (!(name in saved)) delete process.env[name];
    }
    Object.assign(process.env, saved);
  });

  /** The three handlers, loaded fresh (a cold container) for one delivery, in their own registry. */
  const loadHandlers = async (vendor: Vendor): Promise<DataPathHandlers> => {
    let handlers: DataPathHandlers | undefined;
    await jest.isolateModulesAsync(async () => {
      const [ingest, worker, read] = await Promise.all([
        INGEST_HANDLERS[vendor](),
        import('../../functions/worker/handler'),
        import('../../functions/read/handler'),
      ]);
      handlers = { ingest: ingest.handler, worker: worker.handler, read: read.handler };
    });
    if (handlers === undefined) throw new Error('the handlers did not load');
    return handlers;
  };

  it.each(DELIVERIES)(
    `runs in at most ${MAX_DATA_PATH_FILES} files for $vendor ($fixture)`,
    async ({ vendor, fixture, imageId }) => {
      // Prepare
      const delivery = signedDelivery(vendor, fixture);
      const read = getImageEvent(vendor, imageId);
      const handlers = await loadHandlers(vendor);
      const files = new Set<string>();

      // Act
      const accepted = await measured(session, files, () =>
        handlers.ingest(delivery, contextOf(`ingest-${vendor}`)),
      );
      const received = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queues.main.url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
      );
      const batch = toSqsEvent(received.Messages ?? [], {
        arn: queues.main.arn,
        region: LOCAL_REGION,
      });
      const applied = await measured(session, files, () =>
        handlers.worker(batch, contextOf('worker')),
      );
      const answer = await measured(session, files, () => handlers.read(read, contextOf('read')));

      // Assess
      expect(accepted.statusCode).toBeGreaterThanOrEqual(200);
      expect(accepted.statusCode).toBeLessThan(300);
      expect(batch.Records).toHaveLength(1);
      expect(applied.batchItemFailures).toEqual([]);
      expect(answer.statusCode).toBe(200);
      expect(JSON.parse(answer.body ?? '{}')).toMatchObject({ vendor, imageId });
      expect(overTheLimit(vendor, files)).toBeUndefined();
    },
  );
});
