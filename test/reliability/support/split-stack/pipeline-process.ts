import { join } from 'node:path';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SQSClient } from '@aws-sdk/client-sqs';
import * as v from 'valibot';
import {
  PUBLISHER_BATCH_SIZE,
  PUBLISHER_MAX_RECORD_AGE,
  PUBLISHER_RETRY_ATTEMPTS,
  PUBLISHER_SIZING,
} from '../../../../infra/function-sizing';
import {
  type LocalChangeBus,
  startLocalChangeBus,
} from '../../../../local/change-bus/local-change-bus';
import { startGateway } from '../../../../local/gateway/gateway-server';
import { localStreamArn } from '../../../../local/iam/aws-call';
import { loadFunctionRoles } from '../../../../local/iam/function-roles';
import { startLocalIam } from '../../../../local/iam/local-iam';
import { bundleHandlers } from '../../../../local/lambda/handler-bundles';
import type { LambdaHandler } from '../../../../local/lambda/invoke-handler';
import { startThreadedHandler } from '../../../../local/lambda/threaded-handler';
import { LOCAL_AWS } from '../../../../local/servers/dynamodb-local';
import {
  applyEnvironment,
  lambdaEnvironment,
  localWorkerTimeoutMs,
} from '../../../../local/stack/lambda-environment';
import {
  LOCAL_ACCOUNT_ID,
  LOCAL_CHANGE_BUS_NAME,
  LOCAL_REGION,
} from '../../../../local/stack/local-names';
import { MAX_RECEIVE_COUNT } from '../../../../local/stack/queue-layout';
import { FileCheckpointStore } from '../../../../local/stream-feed/stream-checkpoints';
import { StreamFeed } from '../../../../local/stream-feed/stream-feed';
import { WorkerFeed } from '../../../../local/worker-feed/worker-feed';
import { type FunctionName, HTTP_ROUTES } from '../../../../shared/http/routes';
import {
  PIPELINE_CONFIG_VARIABLE,
  PIPELINE_READY_LINE,
  type PipelineConfig,
  PipelineConfigSchema,
} from './pipeline-config';

/**
 * One part of the local pipeline in its own process, built from the local stack's own parts
 * (the gateway, the IAM proxy and handler threads, the worker feed, the stream feed, the change
 * bus, the Lambda environment): the HTTP gateway with the ingest and read handlers, the worker
 * feed with the worker handler, or the stream feed with the publisher and the change bus, every
 * AWS call authorized against the function's role as `npm start` does. Split this way, with SQS
 * and DynamoDB Local outside all of them, a suite can kill the worker without losing a queued
 * message, kill the publisher without losing a committed change, and put a fault proxy between
 * the handlers and either server.
 */
const log = (line: string) =>
  console.log(`[pipeline ${new Date().toISOString().slice(11, 23)}] ${line}`);

/**
 * IAM as the local stack enforces it: each function's role from the CDK app, an IAM proxy in front
 * of the servers (or their fault proxies), and each handler in a thread of its own with its own
 * credentials. The worker's event source mapping polls the main queue with the worker's role; the
 * publisher's reads the records table's stream with the publisher's role.
 */
/** The functions a process of the split stack runs: only their grants can be used there. */
const functionsOf = (role: PipelineConfig['role']): readonly FunctionName[] => {
  if (role === 'gateway') return [...new Set(HTTP_ROUTES.map((route) => route.functionName))];
  return [role];
};

const startIam = async (config: PipelineConfig, changeBus: LocalChangeBus | undefined) => {
  const table = config.tables.records;
  const scope = { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID };
  const [roles, bundles] = await Promise.all([loadFunctionRoles(), bundleHandlers()]);
  const iam = await startLocalIam({
    roles: roles.roles,
    baseEnvironment: process.env,
    dynamoDbEndpoint: config.dynamoDbEndpoint,
    sqsEndpoint: config.sqsEndpoint,
    ...(changeBus === undefined ? {} : { eventsEndpoint: changeBus.endpoint }),
    scope,
    revoke: [],
    eventSources: {
      worker: [{ ref: config.queues.main.url, arn: config.queues.main.arn }],
      ...(config.recordsStreamArn === undefined
        ? {}
        : {
            publisher: [
              {
                ref: table,
                arn: `arn:aws:dynamodb:${scope.region}:${scope.accountId}:table/${table}`,
                streamArn: localStreamArn(config.recordsStreamArn, scope),
              },
            ],
          }),
    },
    ...(process.env.IAM_CALLS_LOG ? { callsLogFile: process.env.IAM_CALLS_LOG } : {}),
    recordGrantsOf: functionsOf(config.role),
    log,
  });
  const handlerOf = async (name: FunctionName): Promise<LambdaHandler> =>
    (await startThreadedHandler(name, iam.environmentOf(name), bundles)).handler;
  return { iam, handlerOf };
};

const main = async (): Promise<void> => {
  const config = v.parse(
    PipelineConfigSchema,
    JSON.parse(process.env[PIPELINE_CONFIG_VARIABLE] ?? '{}'),
  );
  const changeBus =
    config.role === 'publisher'
      ? await startLocalChangeBus({
          bus: { name: LOCAL_CHANGE_BUS_NAME, region: LOCAL_REGION, accountId: LOCAL_ACCOUNT_ID },
          dataDir: config.dataDir ?? '',
          inMemory: false,
          forwardUrl: config.forwardUrl,
          print: log,
        })
      : undefined;
  applyEnvironment(
    lambdaEnvironment(process.env, {
      sqsEndpoint: config.sqsEndpoint,
      dynamoDbEndpoint: config.dynamoDbEndpoint,
      queues: config.queues,
      tables: config.tables,
      ...(changeBus
        ? { changeBus: { endpoint: changeBus.endpoint, name: LOCAL_CHANGE_BUS_NAME } }
        : {}),
    }),
  );
  const { iam, handlerOf } = await startIam(config, changeBus);
  if (config.role === 'publisher') {
    if (
      changeBus === undefined ||
      config.dataDir === undefined ||
      config.recordsStreamArn === undefined
    ) {
      throw new Error('a publisher process needs a data directory and the stream');
    }
    const bus = changeBus;
    const feed = new StreamFeed({
      streams: new DynamoDBStreamsClient(iam.clientConfigOf('publisher')),
      streamArn: config.recordsStreamArn,
      functionName: 'publisher',
      handler: await handlerOf('publisher'),
      checkpoints: new FileCheckpointStore(join(config.dataDir, 'streams', 'checkpoints.json')),
      batchSize: PUBLISHER_BATCH_SIZE,
      functionTimeoutMs: PUBLISHER_SIZING.timeout.toMilliseconds(),
      retryAttempts: PUBLISHER_RETRY_ATTEMPTS,
      maxRecordAgeMs: PUBLISHER_MAX_RECORD_AGE.toMilliseconds(),
      bisectOnError: true,
      onFailure: (failure) => {
        log(`stream batch given up: ${JSON.stringify(failure.DDBStreamBatchInfo)}`);
        return Promise.resolve();
      },
      log,
    });
    feed.start();
    process.once('SIGTERM', () => {
      void feed
        .stop()
        .then(() => bus.close())
        .then(() => process.exit(0));
    });
  } else if (config.role === 'gateway') {
    // Every function behind an HTTP route, from the one route table.
    const names = [...new Set<FunctionName>(HTTP_ROUTES.map((route) => route.functionName))];
    const handlers = new Map<FunctionName, LambdaHandler>();
    for (const name of names) handlers.set(name, await handlerOf(name));
    const gateway = await startGateway({
      port: config.port ?? 0,
      host: '127.0.0.1',
      portFlag: '--port',
      handlerFor: (name) => handlers.get(name),
      health: () => Promise.resolve({ ready: true, body: { status: 'ok' } }),
      log,
    });
    process.once('SIGTERM', () => {
      void gateway.close().then(() => process.exit(0));
    });
  } else {
    const sqs = new SQSClient(iam.clientConfigOf('worker'));
    const feed = new WorkerFeed({
      sqs,
      queue: {
        url: iam.queueUrlViaProxy(config.queues.main.url),
        arn: config.queues.main.arn,
        region: LOCAL_AWS.region,
      },
      handler: await handlerOf('worker'),
      visibilityTimeoutSeconds: config.visibilityTimeoutSeconds,
      pollers: config.pollers,
      functionTimeoutMs: localWorkerTimeoutMs(config.visibilityTimeoutSeconds),
      maxReceiveCount: MAX_RECEIVE_COUNT,
      log,
    });
    feed.start();
    process.once('SIGTERM', () => {
      void feed.stop({ drainMs: 0 }).then(() => process.exit(0));
    });
  }
  log(PIPELINE_READY_LINE);
};

main().catch((error: unknown) => {
  log(
    `failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
});
