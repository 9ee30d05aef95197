import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { LOCAL_AWS } from '../../../local/servers/dynamodb-local';
import type { IngestHandler } from '../../../shared/ingest/create-ingest-handler';
import { localSqs, uniqueName } from '../../support/local-clients';
import { loadBody } from '../../support/vendor-bodies';
import { apiGatewayEvent } from '../../unit/ingest/support/api-gateway-event';
import { TEST_SECRETS } from '../../unit/ingest/support/test-secrets';
import { type FakeSecretsManager, startFakeSecretsManager } from './support/fake-secrets-manager';

/**
 * The deployed handler modules, loaded the way Lambda loads them: configuration from the
 * environment at import, endpoints and credentials from the SDK's own variables, read when the
 * first call is made. So the environment stays set for the test; `afterEach` restores it.
 */
const loadHandler = async (
  functionName: 'ingest-spyne' | 'ingest-sharinpix' | 'ingest-image-intelligence',
  env: Record<string, string>,
): Promise<IngestHandler> => {
  Object.assign(process.env, env);
  let handler: IngestHandler | undefined;
  await jest.isolateModulesAsync(async () => {
    const module = await import(`../../../functions/${functionName}/handler`);
    handler = module.handler;
  });
  if (handler === undefined) throw new Error(`${functionName} exports no handler`);
  return handler;
};

describe('ingest handler modules', () => {
  const admin = localSqs();
  let secretsServer: FakeSecretsManager;
  let baseEnv: Record<string, string> = {};
  let queueUrl = '';

  beforeAll(async () => {
    secretsServer = await startFakeSecretsManager(JSON.stringify(TEST_SECRETS));
    const [events, quarantine] = await Promise.all([
      admin.send(new CreateQueueCommand({ QueueName: uniqueName('wiring-events') })),
      admin.send(new CreateQueueCommand({ QueueName: uniqueName('wiring-quarantine') })),
    ]);
    queueUrl = events.QueueUrl ?? '';
    baseEnv = {
      QUEUE_URL: queueUrl,
      QUARANTINE_QUEUE_URL: quarantine.QueueUrl ?? '',
      AWS_ENDPOINT_URL_SQS: process.env.TEST_SQS_ENDPOINT ?? '',
      AWS_REGION: LOCAL_AWS.region,
      AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
    };
  });

  const savedEnv = { ...process.env };
  afterEach(() => {
    process.env = { ...savedEnv };
  });

  afterAll(async () => {
    admin.destroy();
    await secretsServer.stop();
  });

  const receiveEventIds = async (): Promise<string[]> => {
    const received = await admin.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
      }),
    );
    return (received.Messages ?? []).map(
      (message) => message.MessageAttributes?.eventId?.StringValue ?? '',
    );
  };

  it('runs with environment secrets and the SDK endpoint variable', async () => {
    // Prepare
    const handler = await loadHandler('ingest-image-intelligence', {
      ...baseEnv,
      IMAGE_INTELLIGENCE_TOKEN: 'ii-env-token-3a',
    });

    // Act
    const result = await handler(
      apiGatewayEvent({
        path: '/webhooks/image-intelligence',
        body: loadBody('image-intelligence', 'match--completed'),
        rawQueryString: 'token=ii-env-token-3a',
      }),
    );

    // Assess
    expect(result.statusCode).toBe(200);
    expect(await receiveEventIds()).toEqual([JSON.parse(result.body ?? '{}').eventId]);
  });

  it('reads secrets from Secrets Manager when WEBHOOK_SECRETS_ARN is set, ignoring the variables', async () => {
    // Prepare
    const handler = await loadHandler('ingest-sharinpix', {
      ...baseEnv,
      WEBHOOK_SECRETS_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:webhooks-AbCdEf',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsServer.endpoint,
      SHARINPIX_SECRET: 'env-value-not-used',
    });
    const event = (secret: string) =>
      apiGatewayEvent({
        path: '/webhooks/sharinpix',
        body: loadBody('sharinpix', 'new_image'),
        headers: {
          'content-type': 'application/json',
          'x-sharinpix-event': 'new_image',
          'x-sharinpix-secret': secret,
        },
      });

    // Act
    const fromSecretsManager = await handler(event(TEST_SECRETS.SHARINPIX_SECRET));
    const fromEnvironment = await handler(event('env-value-not-used'));

    // Assess
    expect([fromSecretsManager.statusCode, fromEnvironment.statusCode]).toEqual([200, 401]);
    expect(secretsServer.requests).toEqual(['GetSecretValue']);
    expect(await receiveEventIds()).toHaveLength(1);
  });

  it('fails to load when the queue URL is missing', async () => {
    // Prepare
    const { QUEUE_URL: _missing, ...withoutQueue } = baseEnv;
    delete process.env.QUEUE_URL;

    // Act
    const loading = loadHandler('ingest-spyne', withoutQueue);

    // Assess
    await expect(loading).rejects.toThrow(/QUEUE_URL: is required/);
  });
});
