import { DEV_SECRETS, type SecretName } from '../config/dev-secrets';
import {
  type WebhookSecrets,
  type WebhookSecretsProvider,
  webhookSecretsOf,
} from './webhook-secrets';
import type { Env } from '../config/env';

/**
 * Lambda sets `AWS_LAMBDA_FUNCTION_NAME` in every function; its presence is how code knows it must
 * never fall back to a printed dev default.
 */
const isRunningInLambda = (env: Env): boolean => Boolean(env.AWS_LAMBDA_FUNCTION_NAME);

/**
 * Reads the secret variables once. A variable that is unset (not merely empty) takes its
 * printed dev default outside Lambda, so `npm start` works with zero setup; inside Lambda it
 * stays absent, so a forgotten variable disables the credential instead of opening it to a
 * well-known value. An empty variable is kept empty on purpose: it switches that credential off.
 */
export const readEnvironmentSecrets = (env: Env): WebhookSecrets => {
  const devDefaultsAllowed = !isRunningInLambda(env);
  const read = (name: SecretName): string | undefined => {
    const value = env[name];
    if (value !== undefined) return value;
    return devDefaultsAllowed ? DEV_SECRETS[name] : undefined;
  };
  return webhookSecretsOf(read);
};

/**
 * Secrets from environment variables, for the local stack and `npm run invoke`. The environment
 * is read once, at construction (module load), like every other configuration.
 */
export const environmentSecretsProvider = (env: Env): WebhookSecretsProvider => {
  const secrets = readEnvironmentSecrets(env);
  return { current: () => Promise.resolve(secrets) };
};
