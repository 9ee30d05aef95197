import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CursorKeyUnavailableError,
  secretsManagerCursorKey,
} from '../../../shared/read/cursor-key-provider';

/**
 * Secrets Manager has no local server in this project, so its answers (and failures) are mocked
 * here; the read API's use of the provider is covered with a fixed key in the integration tests.
 */
const SECRET_ID = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:CursorSigningSecret-AbCdEf';
const KEY = 'Zq8'.repeat(22);

const secretsManager = mockClient(SecretsManagerClient);
afterEach(() => secretsManager.reset());

describe('secretsManagerCursorKey', () => {
  it('reads CURSOR_SIGNING_KEY from the JSON secret once per container', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand, { SecretId: SECRET_ID })
      .resolves({ SecretString: JSON.stringify({ CURSOR_SIGNING_KEY: KEY }) });
    const provider = secretsManagerCursorKey(new SecretsManagerClient({}), SECRET_ID);

    // Act
    const keys = await Promise.all([provider(), provider()]);
    const later = await provider();

    // Assess
    expect([...keys, later]).toEqual([KEY, KEY, KEY]);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('reports an outage as CursorKeyUnavailableError and tries again on the next request', async () => {
    // Prepare
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error('connect ETIMEDOUT'))
      .resolves({ SecretString: JSON.stringify({ CURSOR_SIGNING_KEY: KEY }) });
    const provider = secretsManagerCursorKey(new SecretsManagerClient({}), SECRET_ID);

    // Act
    const first = provider();
    await expect(first).rejects.toBeInstanceOf(CursorKeyUnavailableError);
    const second = await provider();

    // Assess
    expect(second).toBe(KEY);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it.each([
    ['not JSON', `plain-${KEY}`, 'the secret is not JSON'],
    ['without the field', JSON.stringify({ OTHER: KEY }), 'has no CURSOR_SIGNING_KEY'],
    [
      'with a short key',
      JSON.stringify({ CURSOR_SIGNING_KEY: 'short' }),
      'has no CURSOR_SIGNING_KEY',
    ],
  ])('refuses a secret %s without quoting it', async (_case, secretString, message) => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString });
    const provider = secretsManagerCursorKey(new SecretsManagerClient({}), SECRET_ID);

    // Act
    const fetching = provider();

    // Assess
    await expect(fetching).rejects.toThrow(message);
    await expect(fetching).rejects.not.toThrow(KEY);
  });
});
