import { createIngestHandler } from '../../../shared/ingest/create-ingest-handler';
import { ingestRoute } from '../../../shared/ingest/ingest-pipeline';
import { SecretsUnavailableError } from '../../../shared/secrets/webhook-secrets';
import type { VendorDefinition, VendorEvent } from '../../../shared/vendors/vendor-definition';
import { loadBody } from '../../support/vendor-bodies';
import { apiGatewayEvent, RECEIVED_AT } from './support/api-gateway-event';
import { InMemoryEventQueue } from './support/in-memory-queue';
import { ingestHarness } from './support/ingest-harness';
import { RecordingObservability } from './support/recording-observability';
import { fixedSecrets, TEST_SECRETS } from './support/test-secrets';

const II_PATH = '/webhooks/image-intelligence';
const II_QUERY = `token=${TEST_SECRETS.IMAGE_INTELLIGENCE_TOKEN}`;

/** A definition whose `read` blows up with a message that must never reach the vendor. */
const explodingDefinition: VendorDefinition<VendorEvent> = {
  vendor: 'image-intelligence',
  read: () => {
    throw new Error('secret internal detail: table webhook-ledger-prod');
  },
  identify: () => {
    throw new Error('unreachable');
  },
  normalize: () => [],
  imagesExpected: () => 'new',
  collections: 'fixed',
  collectionCompleted: () => undefined,
};

describe('createIngestHandler', () => {
  it('answers an unexpected error 500 internal_error without its text, and reports it', async () => {
    // Prepare
    const observed = new RecordingObservability();
    const route = ingestRoute('image-intelligence', {
      'image-intelligence': explodingDefinition,
    });
    const handler = createIngestHandler(route, {
      maxBodyBytes: 1_048_576,
      secrets: fixedSecrets(),
      eventQueue: new InMemoryEventQueue(),
      quarantineQueue: new InMemoryEventQueue(),
      now: () => RECEIVED_AT,
      log: observed.log,
      metrics: observed.metrics,
    });

    // Act
    const result = await handler(
      apiGatewayEvent({ path: II_PATH, body: { id: 'job-1' }, rawQueryString: II_QUERY }),
    );

    // Assess
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body ?? '')).toEqual({ error: 'internal_error' });
    expect(result.body).not.toContain('secret internal detail');
    expect(observed.failures()).toHaveLength(1);
    expect(observed.flushes).toBe(1);
  });

  it('reports one outcome per invocation, and flushes metrics when it counted any', async () => {
    // Prepare
    const { deliver, observed } = ingestHarness('image-intelligence');

    // Act
    await deliver({
      body: loadBody('image-intelligence', 'detect--completed'),
      rawQueryString: II_QUERY,
    });
    await deliver({ body: '{}', rawQueryString: 'token=nope' });

    // Assess
    expect(observed.deliveries().map((line) => line.attributes.outcome)).toEqual([
      'accepted',
      'unauthorized',
    ]);
    expect(observed.deliveries().map((line) => line.attributes.requestId)).toEqual([
      'Jq9yXhKpIAMEVjQ=',
      'Jq9yXhKpIAMEVjQ=',
    ]);
    // An accepted delivery is counted from its log line by the stack; a rejection by EMF.
    expect(observed.flushes).toBe(1);
    expect([...observed.counts.keys()]).toEqual(['Rejected']);
  });

  it('answers 503 with Retry-After when the secrets cannot be read on a cold start', async () => {
    // Prepare
    const secrets = {
      current: () =>
        Promise.reject(new SecretsUnavailableError('GetSecretValue failed', 'arn:secret')),
    };
    const { deliver, observed } = ingestHarness('image-intelligence', { secrets });

    // Act
    const answer = await deliver({
      body: loadBody('image-intelligence', 'detect--completed'),
      rawQueryString: II_QUERY,
    });

    // Assess
    expect(answer).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
    expect(answer.headers['retry-after']).toBe('30');
    expect(observed.deliveries()[0]?.attributes).toMatchObject({
      outcome: 'unavailable',
      cause: 'secrets_unavailable',
    });
  });

  it('refuses to build a route for a vendor without a definition', () => {
    // Prepare
    const emptyRegistry = {};

    // Act
    const resolve = () => ingestRoute('sharinpix', emptyRegistry);

    // Assess
    expect(resolve).toThrow(/sharinpix: has no vendor definition/);
  });
});
