import {
  CursorKeyUnavailableError,
  secretsManagerCursorKey,
} from '../../../shared/read/cursor-key-provider';
import type { SecretStringSource } from '../../../shared/secrets/secret-string-source';

/**
 * The provider's caching and refusals, on a scripted secret source (the source's own client, the
 * lean Secrets Manager one, is tested with the rest of `shared/aws/`; the read API's use of the
 * provider is covered with a fixed key in the integration tests).
 */
const SECRET_ID = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:CursorSigningSecret-AbCdEf';
const KEY = 'Zq8'.repeat(22);

/** A source that plays its answers in order (the last repeats) and records the ids asked for. */
const scriptedSource = (
  ...answers: Array<string | Error>
): SecretStringSource & { readonly asked: string[] } => {
  const asked: string[] = [];
  return {
    asked,
    getSecretString: (secretId) => {
      const answer = answers[Math.min(asked.length, answers.length - 1)];
      asked.push(secretId);
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
};

describe('secretsManagerCursorKey', () => {
  it('reads CURSOR_SIGNING_KEY from the JSON secret once per container', async () => {
    // Prepare
    const source = scriptedSource(JSON.stringify({ CURSOR_SIGNING_KEY: KEY }));
    const provider = secretsManagerCursorKey(source, SECRET_ID);

    // Act
    const keys = await Promise.all([provider(), provider()]);
    const later = await provider();

    // Assess
    expect([...keys, later]).toEqual([KEY, KEY, KEY]);
    expect(source.asked).toEqual([SECRET_ID]);
  });

  it('reports an outage as CursorKeyUnavailableError and tries again on the next request', async () => {
    // Prepare
    const source = scriptedSource(
      new Error('connect ETIMEDOUT'),
      JSON.stringify({ CURSOR_SIGNING_KEY: KEY }),
    );
    const provider = secretsManagerCursorKey(source, SECRET_ID);

    // Act
    const first = provider();
    await expect(first).rejects.toBeInstanceOf(CursorKeyUnavailableError);
    const second = await provider();

    // Assess
    expect(second).toBe(KEY);
    expect(source.asked).toHaveLength(2);
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
    const provider = secretsManagerCursorKey(scriptedSource(secretString), SECRET_ID);

    // Act
    const fetching = provider();

    // Assess
    await expect(fetching).rejects.toThrow(message);
    await expect(fetching).rejects.not.toThrow(KEY);
  });
});
