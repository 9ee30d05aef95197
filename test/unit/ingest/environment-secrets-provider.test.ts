import { DEV_SECRETS } from '../../../shared/config/dev-secrets';
import { createWebhookSecretsProvider } from '../../../shared/secrets/create-webhook-secrets-provider';
import { readEnvironmentSecrets } from '../../../shared/secrets/environment-secrets-provider';
import { SecretsManagerSecretsProvider } from '../../../shared/secrets/secrets-manager-secrets-provider';

describe('readEnvironmentSecrets', () => {
  it('uses the printed dev defaults for unset variables outside Lambda', () => {
    // Prepare
    const env = {};

    // Act
    const secrets = readEnvironmentSecrets(env);

    // Assess
    expect(secrets).toEqual(DEV_SECRETS);
  });

  it('keeps a set value, and keeps an empty value empty (it disables the credential)', () => {
    // Prepare
    const env = { SHARINPIX_SECRET: 'shp-live-1,shp-live-2', SPYNE_URL_TOKEN: '' };

    // Act
    const secrets = readEnvironmentSecrets(env);

    // Assess
    expect(secrets.SHARINPIX_SECRET).toBe('shp-live-1,shp-live-2');
    expect(secrets.SPYNE_URL_TOKEN).toBe('');
    expect(secrets.IMAGE_INTELLIGENCE_TOKEN).toBe(DEV_SECRETS.IMAGE_INTELLIGENCE_TOKEN);
  });

  it('never uses a dev default inside Lambda', () => {
    // Prepare
    const env = { AWS_LAMBDA_FUNCTION_NAME: 'ingest-spyne', SPYNE_SIGNING_SECRET: 'live-signing' };

    // Act
    const secrets = readEnvironmentSecrets(env);

    // Assess
    expect(secrets).toEqual({
      SPYNE_SIGNING_SECRET: 'live-signing',
      SPYNE_URL_TOKEN: undefined,
      SHARINPIX_SECRET: undefined,
      IMAGE_INTELLIGENCE_TOKEN: undefined,
    });
  });
});

describe('createWebhookSecretsProvider', () => {
  it('reads the environment when no secret ARN is configured', async () => {
    // Prepare
    const env = { SHARINPIX_SECRET: 'from-env' };

    // Act
    const provider = createWebhookSecretsProvider(
      { secretsArn: undefined, secretsCacheSeconds: 300 },
      env,
      { warn: () => undefined },
    );

    // Assess
    expect((await provider.current()).SHARINPIX_SECRET).toBe('from-env');
  });

  it('uses Secrets Manager when a secret ARN is configured', () => {
    // Prepare
    const config = {
      secretsArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:webhooks-AbCdEf',
      secretsCacheSeconds: 300,
    };

    // Act
    const provider = createWebhookSecretsProvider(
      config,
      { SHARINPIX_SECRET: 'ignored' },
      { warn: () => undefined },
    );

    // Assess
    expect(provider).toBeInstanceOf(SecretsManagerSecretsProvider);
  });
});
