import { ConfigurationError } from '../../../shared/config/env';
import { readIngestConfig } from '../../../shared/ingest/ingest-config';

const BASE = {
  QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/webhook-events',
  QUARANTINE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/webhook-quarantine',
};

describe('readIngestConfig', () => {
  it('applies the defaults: 1 MiB body limit, environment secrets, 300 s cache', () => {
    // Prepare
    const env = { ...BASE };

    // Act
    const config = readIngestConfig(env);

    // Assess
    expect(config).toEqual({
      queueUrl: BASE.QUEUE_URL,
      quarantineQueueUrl: BASE.QUARANTINE_QUEUE_URL,
      maxBodyBytes: 1_048_576,
      signatureMaxAgeSeconds: 7200,
      secretsArn: undefined,
      secretsCacheSeconds: 300,
    });
  });

  it('reads the optional settings', () => {
    // Prepare
    const env = {
      ...BASE,
      MAX_BODY_BYTES: '262144',
      WEBHOOK_SECRETS_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhooks-AbCdEf',
      SECRETS_CACHE_SECONDS: '60',
    };

    // Act
    const config = readIngestConfig(env);

    // Assess
    expect(config).toMatchObject({
      maxBodyBytes: 262_144,
      secretsArn: env.WEBHOOK_SECRETS_ARN,
      secretsCacheSeconds: 60,
    });
  });

  it.each([
    ['QUEUE_URL is missing', { QUARANTINE_QUEUE_URL: BASE.QUARANTINE_QUEUE_URL }, 'QUEUE_URL'],
    ['QUARANTINE_QUEUE_URL is missing', { QUEUE_URL: BASE.QUEUE_URL }, 'QUARANTINE_QUEUE_URL'],
    ['MAX_BODY_BYTES is not a number', { ...BASE, MAX_BODY_BYTES: '1MB' }, 'MAX_BODY_BYTES'],
    [
      'MAX_BODY_BYTES exceeds the SQS maximum',
      { ...BASE, MAX_BODY_BYTES: '2097152' },
      'MAX_BODY_BYTES',
    ],
    [
      'SECRETS_CACHE_SECONDS is zero',
      { ...BASE, SECRETS_CACHE_SECONDS: '0' },
      'SECRETS_CACHE_SECONDS',
    ],
  ])('fails loudly when %s', (_label, env, variable) => {
    // Prepare
    const read = () => readIngestConfig(env);

    // Act
    let thrown: unknown;
    try {
      read();
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect(thrown).toMatchObject({ variable });
  });
});
