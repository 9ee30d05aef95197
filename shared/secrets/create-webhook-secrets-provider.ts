import type { Logger } from '@aws-lambda-powertools/logger';
import { environmentSecretsProvider } from './environment-secrets-provider';
import { readAwsEnvironment } from '../aws/aws-environment';
import { createSecretsManagerSource } from '../aws/secrets-manager-get-secret-value';
import { SecretsManagerSecretsProvider } from './secrets-manager-secrets-provider';
import type { WebhookSecretsProvider } from './webhook-secrets';

/** Where the secrets come from, as read from the environment at load. */
export interface SecretsSourceConfig {
  /** `WEBHOOK_SECRETS_ARN`: set in AWS, so the secrets never sit in the template. */
  readonly secretsArn: string | undefined;
  /** `SECRETS_CACHE_SECONDS`. */
  readonly secretsCacheSeconds: number;
}

/**
 * Picks the adapter once, at load: Secrets Manager when a secret ARN is configured (AWS), else the
 * environment variables (local stack, invoke, tests). The handler code is the same either way.
 * Call it once per container: the Secrets Manager client it creates (the lean JSON client, signing
 * with the credentials in `env`) is meant to live that long.
 */
export const createWebhookSecretsProvider = (
  config: SecretsSourceConfig,
  env: Readonly<Record<string, string | undefined>>,
  log: Pick<Logger, 'warn'>,
): WebhookSecretsProvider =>
  config.secretsArn === undefined
    ? environmentSecretsProvider(env)
    : new SecretsManagerSecretsProvider({
        source: createSecretsManagerSource(readAwsEnvironment(env)),
        secretId: config.secretsArn,
        cacheSeconds: config.secretsCacheSeconds,
        log,
      });
