import { createLogger } from '../observability/logger';
import { createIngestSqsClient, SqsEventQueue } from '../queue/event-queue';
import { createWebhookSecretsProvider } from '../secrets/create-webhook-secrets-provider';
import { readIngestConfig } from './ingest-config';
import type { IngestPipelineDependencies } from './ingest-pipeline';
import { metrics } from '../observability/metrics';
import type { IngestObservability } from './ingest-telemetry';

/** Everything an ingest handler needs, built once per container. */
export interface IngestDependencies extends IngestPipelineDependencies, IngestObservability {}

/**
 * Builds the production dependencies from the environment: config checked, one SQS client shared
 * by the event and quarantine queues, the secrets adapter chosen. Each handler module calls this
 * once, at module scope, so clients and cached secrets live as long as the container.
 */
export const createIngestDependencies = (
  env: Readonly<Record<string, string | undefined>>,
): IngestDependencies => {
  const config = readIngestConfig(env);
  const sqs = createIngestSqsClient();
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
