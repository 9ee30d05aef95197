import { readAwsEnvironment } from '../../../shared/aws/aws-environment';
import { createSecretsManagerSource } from '../../../shared/aws/secrets-manager-get-secret-value';
import {
  jsonAnswer,
  scriptedTransport,
  type ScriptedOutcome,
} from '../../support/scripted-transport';

const source = (...outcomes: ScriptedOutcome[]) => {
  const script = scriptedTransport(...outcomes);
  const secrets = createSecretsManagerSource(
    readAwsEnvironment({
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'a',
      AWS_SECRET_ACCESS_KEY: 's',
    }),
    { transport: script.transport },
  );
  return { secrets, requests: script.requests };
};

describe('getSecretString', () => {
  it('calls secretsmanager.GetSecretValue over JSON 1.1 and returns the SecretString', async () => {
    // Prepare
    const { secrets, requests } = source(jsonAnswer(200, { Name: 'w', SecretString: '{"k":"v"}' }));

    // Act
    const text = await secrets.getSecretString('arn:aws:secretsmanager:eu-west-1:1:secret:w');

    // Assess
    expect(text).toBe('{"k":"v"}');
    expect(requests[0]?.url.href).toBe('https://secretsmanager.eu-west-1.amazonaws.com/');
    expect(requests[0]?.headers).toMatchObject({
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.GetSecretValue',
    });
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({
      SecretId: 'arn:aws:secretsmanager:eu-west-1:1:secret:w',
    });
  });

  it('makes a single attempt, even for a retryable failure', async () => {
    // Prepare
    const { secrets, requests } = source(jsonAnswer(500, { __type: 'InternalServiceError' }));

    // Act
    const read = secrets.getSecretString('w');

    // Assess
    await expect(read).rejects.toMatchObject({ code: 'InternalServiceError', retryable: true });
    expect(requests).toHaveLength(1);
  });

  it('answers undefined for a binary secret', async () => {
    // Prepare
    const { secrets } = source(jsonAnswer(200, { Name: 'w', SecretBinary: 'AAE=' }));

    // Act
    const text = await secrets.getSecretString('w');

    // Assess
    expect(text).toBeUndefined();
  });
});
