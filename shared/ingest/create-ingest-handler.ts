import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { createLogger } from '../observability/logger';
import { metrics } from '../observability/metrics';
import { readAwsEnvironment } from '../aws/aws-environment';
import { createSqsMessageSender } from '../aws/sqs-send-message';
import { SqsEventQueue } from '../queue/event-queue';
import { createWebhookSecretsProvider } from '../secrets/create-webhook-secrets-provider';
import { readIngestConfig } from './ingest-config';
import {
  type IngestPipelineDependencies,
  type IngestRoute,
  internalErrorResponse,
  runIngestPipeline,
  toIngestResponse,
} from './ingest-pipeline';
import { toIngestRequest } from './ingest-request';
import { type IngestObservability, reportDelivery, reportFailure } from './ingest-telemetry';

/**
 * An ingest function's handler and what it is built from: the thin Lambda handler around the
 * pipeline, which is also its error boundary (`createIngestHandler`), and the production
 * dependencies each ingest function builds once per container from its environment
 * (`createIngestDependencies`). They belong together because they are the two halves of every
 * `functions/ingest-<vendor>/handler.ts`: what one delivery goes through, and what it is handed.
 */

/** An API Gateway HTTP API (payload 2.0) handler. */
export type IngestHandler = (
  event: APIGatewayProxyEventV2,
  context?: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Wraps the pipeline as a thin Lambda handler: build the request, run the pipeline, report, map
 * the outcome to the contract's response, flush what was counted (an accepted delivery counts
 * nothing here: see `reportDelivery`). It is also the error boundary: anything unexpected
 * answers 500 `{"error":"internal_error"}` (never 2xx, so the vendor retries) and its text is
 * never sent back.
 */
export const createIngestHandler =
  (route: IngestRoute, dependencies: IngestDependencies): IngestHandler =>
  async (event, context) => {
    const { log, metrics } = dependencies;
    let requestId = context?.awsRequestId ?? 'unknown';
    try {
      if (context !== undefined) log.appendKeys?.({ function_request_id: context.awsRequestId });
      const request = toIngestRequest(event, { now: dependencies.now(), requestId });
      requestId = request.requestId;
      const outcome = await runIngestPipeline(route, request, dependencies);
      const response = toIngestResponse(outcome);
      reportDelivery(dependencies, {
        vendor: route.vendor,
        requestId,
        outcome,
        status: response.statusCode ?? 500,
      });
      return response;
    } catch (error) {
      try {
        reportFailure(dependencies, route.vendor, requestId, error);
      } catch {
        // Reporting must not turn a 500 into an unhandled rejection.
      }
      return internalErrorResponse();
    } finally {
      try {
        if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      } catch {
        // Same: a metrics flush failure never changes the answer.
      }
    }
  };

/** Everything an ingest handler needs, built once per container. */
export interface IngestDependencies extends IngestPipelineDependencies, IngestObservability {}

/**
 * Builds the production dependencies from the environment: config checked, one SQS client (the
 * lean JSON client, no AWS SDK on the ingest path) shared by the event and quarantine queues, the
 * secrets adapter chosen. Each handler module calls this once, at module scope, so clients and
 * cached secrets live as long as the container.
 */
export const createIngestDependencies = (
  env: Readonly<Record<string, string | undefined>>,
): IngestDependencies => {
  const config = readIngestConfig(env);
  const sqs = createSqsMessageSender(readAwsEnvironment(env));
  const logger = createLogger();
  return {
    maxBodyBytes: config.maxBodyBytes,
    signatureMaxAgeSeconds: config.signatureMaxAgeSeconds,
    secrets: createWebhookSecretsProvider(config, env, logger),
    eventQueue: new SqsEventQueue(sqs, config.queueUrl),
    quarantineQueue: new SqsEventQueue(sqs, config.quarantineQueueUrl),
    now: () => new Date(),
    log: logger,
    metrics,
  };
};
