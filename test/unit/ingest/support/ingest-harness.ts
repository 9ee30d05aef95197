import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  createIngestHandler,
  type IngestDependencies,
} from '../../../../shared/ingest/create-ingest-handler';
import { ingestRoute } from '../../../../shared/ingest/ingest-pipeline';
import { VENDOR_DEFINITIONS } from '../../../../shared/vendors/registry';
import { SQS_MAX_MESSAGE_BYTES } from '../../../../shared/queue/event-queue';
import type { Vendor } from '../../../../shared/vendors/vendor';
import { apiGatewayEvent, type DeliveryOptions, RECEIVED_AT } from './api-gateway-event';
import { InMemoryEventQueue } from './in-memory-queue';
import { RecordingObservability } from './recording-observability';
import { fixedSecrets } from './test-secrets';

/** A parsed handler response. */
export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Readonly<Record<string, string | number | boolean>>;
}

const toAnswer = (result: APIGatewayProxyStructuredResultV2): Answer => ({
  status: result.statusCode ?? 0,
  body: JSON.parse(result.body ?? 'null'),
  headers: result.headers ?? {},
});

/**
 * One vendor's real ingest handler, wired to in-memory queues, fixed secrets and a recording
 * log and metrics. `deliver` posts one request and returns the parsed answer.
 */
export const ingestHarness = (vendor: Vendor, overrides: Partial<IngestDependencies> = {}) => {
  const eventQueue = new InMemoryEventQueue();
  const quarantineQueue = new InMemoryEventQueue();
  const observed = new RecordingObservability();
  const secrets = fixedSecrets();
  const dependencies: IngestDependencies = {
    maxBodyBytes: SQS_MAX_MESSAGE_BYTES,
    secrets,
    eventQueue,
    quarantineQueue,
    now: () => RECEIVED_AT,
    log: observed.log,
    metrics: observed.metrics,
    ...overrides,
  };
  const handler = createIngestHandler(ingestRoute(vendor, VENDOR_DEFINITIONS), dependencies);
  const path = `/webhooks/${vendor}`;
  const deliver = async (options: Omit<DeliveryOptions, 'path'>): Promise<Answer> =>
    toAnswer(await handler(apiGatewayEvent({ path, ...options })));
  return { handler, deliver, eventQueue, quarantineQueue, observed, secrets, path };
};
