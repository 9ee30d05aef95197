import { lambdaEnvironment, localWorkerTimeoutMs } from '../../../local/stack/lambda-environment';

const QUEUES = {
  main: { name: 'events', url: 'http://127.0.0.1:9324/123456789012/events', arn: 'arn:main' },
  dlq: { name: 'dlq', url: 'http://127.0.0.1:9324/123456789012/dlq', arn: 'arn:dlq' },
  quarantine: {
    name: 'quarantine',
    url: 'http://127.0.0.1:9324/123456789012/quarantine',
    arn: 'arn:quarantine',
  },
};

describe('the environment handlers get locally', () => {
  it('sets the Lambda variable names to the local servers, queues and tables', () => {
    // Prepare
    const wiring = {
      sqsEndpoint: 'http://127.0.0.1:9324',
      dynamoDbEndpoint: 'http://127.0.0.1:8000',
      queues: QUEUES,
      tables: { records: 'records', ledger: 'ledger' },
    };

    // Act
    const overlay = lambdaEnvironment({}, wiring);

    // Assess
    expect(overlay.set).toMatchObject({
      AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9324',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000',
      QUEUE_URL: QUEUES.main.url,
      QUARANTINE_QUEUE_URL: QUEUES.quarantine.url,
      RECORDS_TABLE: 'records',
      LEDGER_TABLE: 'ledger',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    expect(overlay.unset).toEqual(
      expect.arrayContaining(['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_LAMBDA_FUNCTION_NAME']),
    );
  });

  it('overrides a deployed QUEUE_URL left in the shell, and keeps the caller’s behaviour settings', () => {
    // Prepare
    const env = {
      QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/prod-events',
      DEDUPE_WINDOW_SECONDS: '60',
      POWERTOOLS_METRICS_DISABLED: 'false',
      SHARINPIX_SECRET: 'from-shell',
    };

    // Act
    const overlay = lambdaEnvironment(env, { queues: QUEUES });

    // Assess
    expect(overlay.set.QUEUE_URL).toBe(QUEUES.main.url);
    expect(overlay.set.DEDUPE_WINDOW_SECONDS).toBeUndefined();
    expect(overlay.set.POWERTOOLS_METRICS_DISABLED).toBeUndefined();
    expect(overlay.set.SHARINPIX_SECRET).toBeUndefined();
  });

  it('keeps the worker timeout below the visibility timeout, and at most 30 s', () => {
    // Prepare
    const visibilityTimeouts = [1, 2, 3, 4, 5, 8, 10, 30, 120];

    // Act
    const pairs = visibilityTimeouts.map((seconds) => ({
      seconds,
      timeout: localWorkerTimeoutMs(seconds) / 1000,
    }));

    // Assess
    for (const { seconds, timeout } of pairs) {
      expect(timeout).toBeLessThanOrEqual(seconds - 0.5);
      expect(timeout).toBeGreaterThan(0);
      expect(timeout).toBeLessThanOrEqual(30);
    }
    expect(pairs.map((pair) => pair.timeout)).toEqual([0.5, 1.5, 2.5, 3, 3, 3, 5, 25, 30]);
  });
});
