import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  PUBLISHER_BATCH_SIZE,
  PUBLISHER_MAX_RECORD_AGE,
  PUBLISHER_RETRY_ATTEMPTS,
  PUBLISHER_SIZING,
} from '../../infra/function-sizing';
import { FUNCTION_NAMES, type FunctionName } from '../../shared/http/routes';
import { ensureTable } from '../../shared/store/ensure-table';
import { LEDGER_TABLE, RECORDS_TABLE } from '../../shared/store/table-definitions';
import { type LocalChangeBus, startLocalChangeBus } from '../change-bus/local-change-bus';
import type { IamOptions } from '../cli/start-options';
import { createConsolePages } from '../console/console-pages';
import { DeliveryFeed } from '../console/delivery-feed';
import { type Gateway, type LocalPageRequest, startGateway } from '../gateway/gateway-server';
import { type GatewayResponse, gatewayJson } from '../gateway/http-api-result';
import { localStreamArn } from '../iam/aws-call';
import { type LoadedRoles, loadFunctionRoles } from '../iam/function-roles';
import { type LocalIam, startLocalIam } from '../iam/local-iam';
import { bundleHandlers, type HandlerBundles } from '../lambda/handler-bundles';
import type { LambdaHandler } from '../lambda/invoke-handler';
import { loadHandler } from '../lambda/load-handler';
import { startThreadedHandler } from '../lambda/threaded-handler';
import { EMPTY_WORKER_COUNTS, type WorkerEventCounts } from '../logs/handler-lines';
import { handlerLogLevel, type LogSettings } from '../logs/log-settings';
import { installOutputCapture } from '../logs/output-capture';
import { withReadableLogs } from '../logs/readable-handler';
import {
  assertJavaAvailable,
  type DynamoDbLocal,
  LOCAL_AWS,
  startDynamoDbLocal,
} from '../servers/dynamodb-local';
import { assertPortsFree } from '../servers/port-check';
import { type SqsLocal, startSqsLocal } from '../servers/sqs-local';
import {
  type QueueContents,
  restoreQueueContents,
  saveQueueContents,
  takeAllMessages,
  withHeldMessages,
} from '../sqs/queue-snapshot';
import { FileCheckpointStore, MemoryCheckpointStore } from '../stream-feed/stream-checkpoints';
import { StreamFeed } from '../stream-feed/stream-feed';
import { WorkerFeed } from '../worker-feed/worker-feed';
import { applyEnvironment, lambdaEnvironment, localWorkerTimeoutMs } from './lambda-environment';
import {
  LOCAL_ACCOUNT_ID,
  LOCAL_CHANGE_BUS_NAME,
  LOCAL_CHANGE_FAILURE_QUEUE_NAME,
  LOCAL_REGION,
  LOCAL_TABLE_NAMES,
  type QueueRole,
} from './local-names';
import { LocalStackError } from './local-stack-error';
import { ensureQueues, type LocalQueues, MAX_RECEIVE_COUNT } from './queue-layout';
import {
  isProcessAlive,
  readStackFile,
  removeStackFile,
  type StackFile,
  writeStackFile,
} from './stack-file';
import { StackHealth } from './stack-health';
import { stopOrphanedDynamoDbLocal } from './stale-stack';

/** How the stack is started; `parseStartOptions` builds it from the command line. */
export interface LocalStackOptions {
  readonly port: number;
  readonly dynamoDbPort: number;
  readonly sqsPort: number;
  readonly inMemory: boolean;
  readonly dataDir: string;
  readonly visibilityTimeoutSeconds: number;
  readonly pollers: number;
  readonly iam: IamOptions;
  /** How handler output is printed (see `local/logs`). */
  readonly logs: LogSettings;
  /** `--forward-changes URL`. */
  readonly forwardChangesUrl: string | undefined;
  /** The environment handlers are configured from (normally `process.env`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: (line: string) => void;
}

/** What the stack kept of its queues when it stopped, per queue. */
export type SavedCounts = Readonly<Record<QueueRole, number>>;

/** A healthy stack, and the one way to stop it. */
export interface RunningStack {
  readonly info: StackFile;
  /** Messages put back on the queues from the last clean stop. */
  readonly restored: SavedCounts;
  /** A stack file of a stack that did not stop cleanly was found (its queued messages are gone). */
  readonly recoveredFromCrash: boolean;
  /** Whether IAM is enforced, and how the roles were obtained when it is. */
  readonly iam: { readonly enforced: boolean; readonly roles?: Omit<LoadedRoles, 'roles'> };
  /**
   * Stops in order, losing nothing: no new requests, in-flight requests finish, the worker feed
   * drains the queue (up to 20 s) and finishes its batches, messages other consumers hold are
   * waited for (up to 30 s), queues are saved, servers stop. `force` skips both waits.
   */
  readonly stop: (options?: { force?: boolean }) => Promise<SavedCounts>;
}

const HOST = '127.0.0.1';
/** How long a stop lets the worker keep draining the main queue. */
const DRAIN_MS = 20_000;
/** How long a stop then lets the publisher catch up with the records stream. */
const STREAM_DRAIN_MS = 10_000;
/**
 * How long a stop waits, beyond the drain, for messages another consumer holds: SQS's default
 * visibility timeout, so a message peeked with default settings comes back in time to be saved.
 */
const HELD_MESSAGE_WAIT_MS = 30_000;

const EMPTY_COUNTS: SavedCounts = { main: 0, dlq: 0, quarantine: 0 };

const countsOf = (contents: QueueContents): SavedCounts => ({
  main: contents.main.length,
  dlq: contents.dlq.length,
  quarantine: contents.quarantine.length,
});

/**
 * Starts the whole pipeline on this machine and returns once `GET /health` answers 200:
 * DynamoDB Local and local-aws-sqs, tables from the shared definitions, the three queues with
 * their redrive, the saved queue messages of the last run, the HTTP gateway in front of the real
 * handlers, and the worker feed. The gateway listens first (answering 503 until ready), so a busy
 * port fails before anything slow starts and `/health` can be polled from the first second.
 */
export const startLocalStack = async (options: LocalStackOptions): Promise<RunningStack> => {
  const { log } = options;
  const previous = readStackFile(options.dataDir);
  if (previous && previous.pid !== process.pid && isProcessAlive(previous.pid)) {
    throw new LocalStackError(
      `Another local stack (pid ${previous.pid}) is using ${options.dataDir}. Stop it first, or start this one with --data-dir DIR.`,
    );
  }
  const recoveredFromCrash = previous !== undefined;
  if (previous && (await stopOrphanedDynamoDbLocal(previous))) {
    log(`stopped DynamoDB Local (pid ${previous.dynamoDbPid}) left running by a crashed stack`);
  }
  assertJavaAvailable();
  // DynamoDB Local binds every interface; some systems let that coexist with a loopback-only
  // listener, whose server the readiness probe would then mistake for ours. Check both.
  await assertPortsFree([
    { port: options.port, host: HOST, purpose: 'HTTP API', flag: '--port' },
    {
      port: options.dynamoDbPort,
      host: '0.0.0.0',
      purpose: 'DynamoDB Local',
      flag: '--dynamodb-port',
    },
    { port: options.dynamoDbPort, host: HOST, purpose: 'DynamoDB Local', flag: '--dynamodb-port' },
    { port: options.sqsPort, host: HOST, purpose: 'local SQS', flag: '--sqs-port' },
  ]);

  // The roles are synthesized and the handlers bundled while DynamoDB Local's JVM starts, so
  // they rarely add to the start.
  const roles = options.iam.enforce ? loadFunctionRoles() : undefined;
  roles?.catch(() => undefined);
  const bundles = options.iam.enforce ? bundleHandlers() : undefined;
  bundles?.catch(() => undefined);

  const health = new StackHealth();
  const handlers = new Map<FunctionName, LambdaHandler>();
  let consolePages:
    ((request: LocalPageRequest) => Promise<GatewayResponse | undefined>) | undefined;
  const gateway: Gateway = await startGateway({
    port: options.port,
    host: HOST,
    portFlag: '--port',
    handlerFor: (name) => (health.phase === 'running' ? handlers.get(name) : undefined),
    health: health.report,
    localPages: (request) =>
      consolePages && health.phase === 'running'
        ? consolePages(request)
        : Promise.resolve(
            gatewayJson(503, { error: 'temporarily_unavailable' }, { 'retry-after': '1' }),
          ),
    log,
  });

  const stoppers: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    await gateway.close();
    health.close();
  };

  try {
    const dynamoDbDir = join(options.dataDir, 'dynamodb');
    if (!options.inMemory) mkdirSync(dynamoDbDir, { recursive: true });
    const [dynamoDb, sqsServer] = await Promise.allSettled([
      startDynamoDbLocal({
        port: options.dynamoDbPort,
        ...(options.inMemory ? {} : { dataDir: dynamoDbDir }),
      }),
      startSqsLocal({ port: options.sqsPort }),
    ]);
    if (dynamoDb.status === 'fulfilled') stoppers.push(dynamoDb.value.stop);
    if (sqsServer.status === 'fulfilled') stoppers.push(sqsServer.value.stop);
    if (dynamoDb.status === 'rejected') throw dynamoDb.reason;
    if (sqsServer.status === 'rejected') throw sqsServer.reason;
    const running = await wireStack(
      options,
      dynamoDb.value,
      sqsServer.value,
      health,
      handlers,
      roles,
      bundles,
    );
    stoppers.push(running.close);
    consolePages = running.consolePages;
    health.setPhase('running');
    writeStackFile(options.dataDir, running.info);
    let stopping: Promise<SavedCounts> | undefined;
    let forced = false;
    const stop = (stopOptions?: { force?: boolean }): Promise<SavedCounts> => {
      if (stopOptions?.force && !forced) {
        forced = true;
        // Cuts a drain already under way short; the running stop below then carries on.
        if (stopping) {
          void running.feed.stop({ drainMs: 0 });
          void running.streamFeed.stop();
        }
      }
      stopping ??= (async () => {
        health.setPhase('stopping');
        await gateway.close();
        await running.feed.stop({ drainMs: forced ? 0 : DRAIN_MS });
        await running.streamFeed.stop({ drainMs: forced ? 0 : STREAM_DRAIN_MS });
        await running.changeBus.close();
        try {
          const waitUntil = Date.now() + HELD_MESSAGE_WAIT_MS;
          const contents = await running.collectQueues(() => (forced ? 0 : waitUntil));
          if (!options.inMemory) {
            saveQueueContents(join(options.dataDir, 'sqs'), contents, running.queues, new Date());
          }
          return countsOf(contents);
        } finally {
          for (const stopServer of stoppers.reverse()) await stopServer().catch(() => undefined);
          health.close();
          removeStackFile(options.dataDir);
        }
      })();
      return stopping;
    };
    return {
      info: running.info,
      restored: running.restored,
      recoveredFromCrash,
      iam: running.iam,
      stop,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
};

/** The stack's wiring once both servers answer: resources, handlers and the worker feed. */
const wireStack = async (
  options: LocalStackOptions,
  dynamoDbServer: DynamoDbLocal,
  sqsServer: SqsLocal,
  health: StackHealth,
  handlers: Map<FunctionName, LambdaHandler>,
  roles: Promise<LoadedRoles> | undefined,
  bundles: Promise<HandlerBundles> | undefined,
) => {
  const dynamoDb = new DynamoDBClient({ ...LOCAL_AWS, endpoint: dynamoDbServer.endpoint });
  const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: sqsServer.endpoint });
  const tables = LOCAL_TABLE_NAMES;
  await ensureTable(dynamoDb, RECORDS_TABLE, tables.records);
  await ensureTable(dynamoDb, LEDGER_TABLE, tables.ledger);
  const recordsStreamArn = (
    await dynamoDb.send(new DescribeTableCommand({ TableName: tables.records }))
  ).Table?.LatestStreamArn;
  if (recordsStreamArn === undefined) {
    throw new LocalStackError(`the ${tables.records} table has no stream`);
  }
  const queues: LocalQueues = await ensureQueues(sqs, {
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
  });
  const failureQueueUrl = (
    await sqs.send(new CreateQueueCommand({ QueueName: LOCAL_CHANGE_FAILURE_QUEUE_NAME }))
  ).QueueUrl;
  if (failureQueueUrl === undefined) {
    throw new LocalStackError(`${LOCAL_CHANGE_FAILURE_QUEUE_NAME} was not created`);
  }
  const restored = options.inMemory
    ? EMPTY_COUNTS
    : await restoreQueueContents(sqs, join(options.dataDir, 'sqs'), queues);

  const closers: Array<() => Promise<void>> = [];
  const changeBus: LocalChangeBus = await startLocalChangeBus({
    bus: { name: LOCAL_CHANGE_BUS_NAME, region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID },
    dataDir: options.dataDir,
    inMemory: options.inMemory,
    forwardUrl: options.forwardChangesUrl,
    print: (line) => console.log(line),
  });
  closers.push(changeBus.close);
  applyEnvironment(
    lambdaEnvironment(options.env, {
      sqsEndpoint: sqsServer.endpoint,
      dynamoDbEndpoint: dynamoDbServer.endpoint,
      queues,
      tables,
      changeBus: { endpoint: changeBus.endpoint, name: LOCAL_CHANGE_BUS_NAME },
      logLevel: handlerLogLevel(options.logs.level),
    }),
  );
  let iam: LocalIam | undefined;
  let loadedRoles: LoadedRoles | undefined;
  try {
    if (roles === undefined || bundles === undefined) {
      for (const name of FUNCTION_NAMES) handlers.set(name, await loadHandler(name));
    } else {
      loadedRoles = await roles;
      options.log(
        `IAM: each function's role read from the CDK app (${loadedRoles.fromCache ? 'cached' : 'synthesized'} in ${loadedRoles.ms} ms)`,
      );
      const built = await bundles;
      options.log(
        `each function bundled as for Lambda, to run in a thread of its own (${built.fromCache ? 'cached' : 'built'} in ${built.ms} ms)`,
      );
      for (const { functionName, action } of options.iam.revoke) {
        options.log(`IAM drill: ${action} taken out of ${functionName}'s role (--iam-revoke)`);
      }
      const localIam = await startLocalIam({
        roles: loadedRoles.roles,
        baseEnvironment: process.env,
        dynamoDbEndpoint: dynamoDbServer.endpoint,
        sqsEndpoint: sqsServer.endpoint,
        eventsEndpoint: changeBus.endpoint,
        scope: { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID },
        revoke: options.iam.revoke,
        // The worker's event source mapping polls the main queue with the worker's role; the
        // publisher's reads the records table's stream with the publisher's role.
        eventSources: {
          worker: [{ ref: queues.main.url, arn: queues.main.arn }],
          publisher: [
            {
              ref: tables.records,
              arn: `arn:aws:dynamodb:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:table/${tables.records}`,
              streamArn: localStreamArn(recordsStreamArn, {
                region: LOCAL_REGION,
                accountId: LOCAL_ACCOUNT_ID,
              }),
            },
          ],
        },
        ...(options.iam.callsLogFile === undefined
          ? {}
          : { callsLogFile: options.iam.callsLogFile }),
        log: options.log,
      });
      iam = localIam;
      closers.push(localIam.proxy.close);
      const threads = await Promise.all(
        FUNCTION_NAMES.map(async (name) => {
          const threaded = await startThreadedHandler(name, localIam.environmentOf(name), built);
          closers.push(threaded.close);
          return [name, threaded.handler] as const;
        }),
      );
      for (const [name, handler] of threads) handlers.set(name, handler);
    }
  } catch (error) {
    for (const close of closers) await close().catch(() => undefined);
    throw error;
  }
  installOutputCapture();
  const deliveries = new DeliveryFeed();
  const events: WorkerEventCounts = { ...EMPTY_WORKER_COUNTS };
  for (const [name, handler] of [...handlers]) {
    handlers.set(
      name,
      withReadableLogs(name, handler, {
        settings: options.logs,
        print: (line) => console.log(line),
        onWorkerBatch: (counts) => {
          for (const key of Object.keys(events) as Array<keyof WorkerEventCounts>) {
            events[key] += counts[key];
          }
        },
        onInvocation: (invocation) => deliveries.observe(invocation),
      }),
    );
  }
  const worker = handlers.get('worker');
  if (!worker) throw new LocalStackError('the worker handler did not load');
  const publisher = handlers.get('publisher');
  if (!publisher) throw new LocalStackError('the publisher handler did not load');

  // With IAM enforced the feed polls and deletes as the worker, through the proxy, as the event
  // source mapping does with the worker's role: a role that cannot poll leaves messages queued.
  const feedSqs = iam === undefined ? sqs : new SQSClient(iam.clientConfigOf('worker'));
  const feed = new WorkerFeed({
    sqs: feedSqs,
    queue: {
      url: iam === undefined ? queues.main.url : iam.queueUrlViaProxy(queues.main.url),
      arn: queues.main.arn,
      region: LOCAL_AWS.region,
    },
    handler: worker,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    pollers: options.pollers,
    functionTimeoutMs: localWorkerTimeoutMs(options.visibilityTimeoutSeconds),
    maxReceiveCount: MAX_RECEIVE_COUNT,
    log: options.log,
  });
  // The stream mapping reads the stream with the publisher's role: through the IAM proxy, signed
  // with the publisher's key, when IAM is enforced.
  const streams = new DynamoDBStreamsClient(
    iam === undefined
      ? { ...LOCAL_AWS, endpoint: dynamoDbServer.endpoint }
      : iam.clientConfigOf('publisher'),
  );
  const streamFeed = new StreamFeed({
    streams,
    streamArn: recordsStreamArn,
    functionName: 'publisher',
    handler: publisher,
    checkpoints: options.inMemory
      ? new MemoryCheckpointStore()
      : new FileCheckpointStore(join(options.dataDir, 'streams', 'checkpoints.json')),
    batchSize: PUBLISHER_BATCH_SIZE,
    functionTimeoutMs: PUBLISHER_SIZING.timeout.toMilliseconds(),
    retryAttempts: PUBLISHER_RETRY_ATTEMPTS,
    maxRecordAgeMs: PUBLISHER_MAX_RECORD_AGE.toMilliseconds(),
    bisectOnError: true,
    onFailure: async (failure) => {
      await sqs.send(
        new SendMessageCommand({ QueueUrl: failureQueueUrl, MessageBody: JSON.stringify(failure) }),
      );
    },
    log: options.log,
  });
  health.attach(
    {
      dynamoDbEndpoint: dynamoDbServer.endpoint,
      sqsEndpoint: sqsServer.endpoint,
      queues,
    },
    () => ({ ...feed.stats(), events: { ...events } }),
    () =>
      iam === undefined
        ? { enforced: false }
        : {
            enforced: true,
            ...iam.proxy.stats(),
            revoked: options.iam.revoke.map(
              (revocation) => `${revocation.functionName}=${revocation.action}`,
            ),
          },
    () => ({ ...changeBus.stats(), publisher: streamFeed.stats() }),
  );
  feed.start();
  streamFeed.start();

  const info: StackFile = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    gatewayUrl: `http://${HOST}:${options.port}`,
    dynamoDbEndpoint: dynamoDbServer.endpoint,
    sqsEndpoint: sqsServer.endpoint,
    region: LOCAL_AWS.region,
    queues,
    tables,
    changeBus: { endpoint: changeBus.endpoint, name: LOCAL_CHANGE_BUS_NAME },
    dataDir: options.dataDir,
    inMemory: options.inMemory,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    ...(dynamoDbServer.pid !== undefined ? { dynamoDbPid: dynamoDbServer.pid } : {}),
  };

  /**
   * Every message of every queue: the visible ones, those the feed left to the visibility
   * timeout, and those another consumer holds (waited for until `deadline`).
   */
  const collectQueues = async (deadline: () => number): Promise<QueueContents> => {
    const take = async (role: QueueRole) => {
      const { taken, abandoned } = await takeAllMessages(sqs, queues[role].url, {
        deadline,
        knownHidden: () => (role === 'main' ? feed.hiddenCount(Date.now()) : 0),
        onWait: (held) =>
          options.log(
            `waiting for ${held} ${queues[role].name} message(s) another consumer holds (until its visibility timeout ends)`,
          ),
      });
      if (abandoned > 0) {
        options.log(
          `${abandoned} ${queues[role].name} message(s) still held by another consumer were not saved`,
        );
      }
      return taken;
    };
    const visible: QueueContents = {
      main: await take('main'),
      dlq: await take('dlq'),
      quarantine: await take('quarantine'),
    };
    return withHeldMessages(visible, feed.heldMessages(Date.now()), MAX_RECEIVE_COUNT);
  };

  const consolePages = createConsolePages({
    port: options.port,
    health: health.report,
    deliveries,
    dynamoDb,
    recordsTable: tables.records,
    sqs,
    queues,
    changes: () => changeBus.log,
  });

  return {
    info,
    queues,
    restored,
    feed,
    consolePages,
    streamFeed,
    changeBus,
    collectQueues,
    iam: {
      enforced: iam !== undefined,
      ...(loadedRoles === undefined
        ? {}
        : { roles: { fromCache: loadedRoles.fromCache, ms: loadedRoles.ms } }),
    },
    close: async () => {
      await streamFeed.stop();
      for (const close of closers.reverse()) await close().catch(() => undefined);
      streams.destroy();
      dynamoDb.destroy();
      sqs.destroy();
      if (feedSqs !== sqs) feedSqs.destroy();
    },
  };
};
