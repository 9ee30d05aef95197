import { SQSClient } from '@aws-sdk/client-sqs';
import * as v from 'valibot';
import { startGateway } from '../../../../local/gateway/gateway-server';
import type { LambdaHandler } from '../../../../local/lambda/invoke-handler';
import { loadHandler } from '../../../../local/lambda/load-handler';
import { LOCAL_AWS } from '../../../../local/servers/dynamodb-local';
import {
  applyEnvironment,
  lambdaEnvironment,
  localWorkerTimeoutMs,
} from '../../../../local/stack/lambda-environment';
import { MAX_RECEIVE_COUNT } from '../../../../local/stack/queue-layout';
import { WorkerFeed } from '../../../../local/worker-feed/worker-feed';
import { type FunctionName, HTTP_ROUTES } from '../../../../shared/http/routes';
import {
  PIPELINE_CONFIG_VARIABLE,
  PIPELINE_READY_LINE,
  PipelineConfigSchema,
} from './pipeline-config';

/**
 * One half of the local pipeline in its own process, built from the local stack's own parts
 * (the gateway, the handler loader, the worker feed, the Lambda environment): either the HTTP
 * gateway with the ingest and read handlers, or the worker feed with the worker handler. Split
 * this way, with SQS and DynamoDB Local outside both, a suite can kill the worker without losing
 * a queued message, and put a fault proxy between the handlers and either server.
 */
const log = (line: string) =>
  console.log(`[pipeline ${new Date().toISOString().slice(11, 23)}] ${line}`);

const main = async (): Promise<void> => {
  const config = v.parse(
    PipelineConfigSchema,
    JSON.parse(process.env[PIPELINE_CONFIG_VARIABLE] ?? '{}'),
  );
  applyEnvironment(
    lambdaEnvironment(process.env, {
      sqsEndpoint: config.sqsEndpoint,
      dynamoDbEndpoint: config.dynamoDbEndpoint,
      queues: config.queues,
      tables: config.tables,
      visibilityTimeoutSeconds: config.visibilityTimeoutSeconds,
    }),
  );
  if (config.role === 'gateway') {
    // Every function behind an HTTP route, from the one route table.
    const names = [...new Set<FunctionName>(HTTP_ROUTES.map((route) => route.functionName))];
    const handlers = new Map<FunctionName, LambdaHandler>();
    for (const name of names) handlers.set(name, await loadHandler(name));
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
    const sqs = new SQSClient({ ...LOCAL_AWS, endpoint: config.sqsEndpoint });
    const feed = new WorkerFeed({
      sqs,
      queue: { url: config.queues.main.url, arn: config.queues.main.arn, region: LOCAL_AWS.region },
      handler: await loadHandler('worker'),
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
