import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { nodeHttpTransport } from '../../../shared/aws/aws-json-client';
import { createSecretsManagerSource } from '../../../shared/aws/secrets-manager-get-secret-value';
import { SqsEventQueue } from '../../../shared/queue/event-queue';
import { SecretsManagerSecretsProvider } from '../../../shared/secrets/secrets-manager-secrets-provider';
import { localAwsEnvironment } from '../../../local/servers/dynamodb-local';
import { localSqs, localSqsSender, uniqueName } from '../../support/local-clients';
import { countingTransport } from '../../support/scripted-transport';
import { loadBody } from '../../support/vendor-bodies';
import { ingestHarness } from '../../unit/ingest/support/ingest-harness';
import { TEST_SECRETS } from '../../unit/ingest/support/test-secrets';
import { type FakeSecretsManager, startFakeSecretsManager } from './support/fake-secrets-manager';

const II_BODY = loadBody('image-intelligence', 'detect--completed');
const II_QUERY = `token=${TEST_SECRETS.IMAGE_INTELLIGENCE_TOKEN}`;
const CACHE_SECONDS = 300;

describe('ingest warm path: AWS calls per request, counted on the wire of real clients', () => {
  let secretsServer: FakeSecretsManager;
  let queueUrl = '';
  let quarantineUrl = '';
  const admin = localSqs();

  beforeAll(async () => {
    secretsServer = await startFakeSecretsManager(JSON.stringify(TEST_SECRETS));
    const [events, quarantine] = await Promise.all([
      admin.send(new CreateQueueCommand({ QueueName: uniqueName('warm-events') })),
      admin.send(new CreateQueueCommand({ QueueName: uniqueName('warm-quarantine') })),
    ]);
    queueUrl = events.QueueUrl ?? '';
    quarantineUrl = quarantine.QueueUrl ?? '';
  });

  afterAll(async () => {
    admin.destroy();
    await secretsServer.stop();
  });

  /**
   * One container: the ingest path's real clients over real sockets, each HTTP attempt counted by
   * its `X-Amz-Target`, and a controllable clock for the secrets cache.
   */
  const container = () => {
    const sqsWire = countingTransport(nodeHttpTransport);
    const secretsWire = countingTransport(nodeHttpTransport);
    const sqs = localSqsSender({ transport: sqsWire.transport });
    const secretsSource = createSecretsManagerSource(
      localAwsEnvironment({ AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsServer.endpoint }),
      { transport: secretsWire.transport },
    );
    const clock = { millis: Date.parse('2026-11-23T10:00:00.000Z') };
    const provider = new SecretsManagerSecretsProvider({
      source: secretsSource,
      secretId: 'webhooks',
      cacheSeconds: CACHE_SECONDS,
      now: () => clock.millis,
    });
    const harness = ingestHarness('image-intelligence', {
      secrets: provider,
      eventQueue: new SqsEventQueue(sqs, queueUrl),
      quarantineQueue: new SqsEventQueue(sqs, quarantineUrl),
    });
    return {
      ...harness,
      sqsCalls: sqsWire.targets,
      secretsCalls: secretsWire.targets,
      clock,
    };
  };

  it('makes exactly one SendMessage per accepted request, and reads secrets only on the cold start', async () => {
    // Prepare
    const { deliver, sqsCalls, secretsCalls } = container();
    const requests = 5;

    // Act
    const answers = [];
    for (let index = 0; index < requests; index += 1) {
      answers.push(await deliver({ body: II_BODY, rawQueryString: II_QUERY }));
    }

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual(Array(requests).fill(200));
    expect(sqsCalls).toEqual(Array(requests).fill('AmazonSQS.SendMessage'));
    expect(secretsCalls).toEqual(['secretsmanager.GetSecretValue']);
  });

  it('refreshes the secrets after the cache lifetime, picking up a rotated value', async () => {
    // Prepare
    const { deliver, secretsCalls, clock } = container();
    await deliver({ body: II_BODY, rawQueryString: II_QUERY });
    secretsServer.secretString = JSON.stringify({
      ...TEST_SECRETS,
      IMAGE_INTELLIGENCE_TOKEN: 'ii-token-rotated-91',
    });

    // Act
    clock.millis += (CACHE_SECONDS - 1) * 1000;
    const beforeExpiry = await deliver({
      body: II_BODY,
      rawQueryString: 'token=ii-token-rotated-91',
    });
    clock.millis += 2000;
    const afterExpiry = await deliver({
      body: II_BODY,
      rawQueryString: 'token=ii-token-rotated-91',
    });

    // Assess
    expect([beforeExpiry.status, afterExpiry.status]).toEqual([401, 200]);
    expect(secretsCalls).toHaveLength(2);
    secretsServer.secretString = JSON.stringify(TEST_SECRETS);
  });

  it('keeps serving the cached secrets when a refresh fails, and retries later', async () => {
    // Prepare
    const { deliver, secretsCalls, clock } = container();
    await deliver({ body: II_BODY, rawQueryString: II_QUERY });
    secretsServer.failing = true;

    // Act
    clock.millis += (CACHE_SECONDS + 1) * 1000;
    const duringOutage = await deliver({ body: II_BODY, rawQueryString: II_QUERY });
    const rightAfter = await deliver({ body: II_BODY, rawQueryString: II_QUERY });
    secretsServer.failing = false;

    // Assess
    expect([duringOutage.status, rightAfter.status]).toEqual([200, 200]);
    expect(secretsCalls).toHaveLength(2);
  });

  it('answers 503 on a cold start when the secrets cannot be read, and recovers', async () => {
    // Prepare
    const { deliver, sqsCalls } = container();
    secretsServer.failing = true;

    // Act
    const cold = await deliver({ body: II_BODY, rawQueryString: II_QUERY });
    secretsServer.failing = false;
    const recovered = await deliver({ body: II_BODY, rawQueryString: II_QUERY });

    // Assess
    expect(cold).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
    expect(recovered.status).toBe(200);
    expect(sqsCalls).toEqual(['AmazonSQS.SendMessage']);
  });
});
