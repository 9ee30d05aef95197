import { awsEndpoint } from '../../../shared/aws/aws-endpoint';
import { readAwsEnvironment } from '../../../shared/aws/aws-environment';

describe('readAwsEnvironment', () => {
  it('reads region, the role credentials and the SDK endpoint variables', () => {
    // Prepare
    const env = {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
      AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9324',
    };

    // Act
    const environment = readAwsEnvironment(env);

    // Assess
    expect(environment).toEqual({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' },
      endpoints: { sqs: 'http://127.0.0.1:9324' },
    });
  });

  it('falls back to AWS_DEFAULT_REGION and AWS_ENDPOINT_URL, and leaves missing credentials absent', () => {
    // Prepare
    const env = { AWS_DEFAULT_REGION: 'us-east-1', AWS_ENDPOINT_URL: 'http://127.0.0.1:1' };

    // Act
    const environment = readAwsEnvironment(env);

    // Assess
    expect(environment.region).toBe('us-east-1');
    expect(environment.credentials).toBeUndefined();
    expect(environment.endpoints).toEqual({
      sqs: 'http://127.0.0.1:1',
      secretsmanager: 'http://127.0.0.1:1',
      dynamodb: 'http://127.0.0.1:1',
    });
  });
});

describe('awsEndpoint', () => {
  it.each([
    ['sqs', 'eu-west-1', 'https://sqs.eu-west-1.amazonaws.com/'],
    ['secretsmanager', 'us-east-1', 'https://secretsmanager.us-east-1.amazonaws.com/'],
    ['sqs', 'cn-north-1', 'https://sqs.cn-north-1.amazonaws.com.cn/'],
  ] as const)('resolves %s in %s to the regional endpoint', (service, region, expected) => {
    // Prepare
    const environment = readAwsEnvironment({ AWS_REGION: region });

    // Act
    const endpoint = awsEndpoint(service, environment);

    // Assess
    expect(endpoint?.href).toBe(expected);
  });

  it('prefers the override, and has no endpoint without a region', () => {
    // Prepare
    const local = readAwsEnvironment({ AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:4566' });

    // Act
    const secrets = awsEndpoint('secretsmanager', local);
    const sqs = awsEndpoint('sqs', local);

    // Assess
    expect(secrets?.href).toBe('http://127.0.0.1:4566/');
    expect(sqs).toBeUndefined();
  });
});
