import * as v from 'valibot';
import { AwsCallError } from './aws-call-error';
import type { AwsEnvironment } from './aws-environment';
import { AwsJsonClient, type AwsJsonClientOptions } from './aws-json-client';
import type { SecretStringSource } from '../secrets/secret-string-source';

/** Secrets Manager over the AWS JSON 1.1 protocol (`X-Amz-Target: secretsmanager.<Operation>`). */
export const SECRETS_MANAGER_JSON_SERVICE = {
  id: 'secretsmanager',
  jsonVersion: '1.1',
  targetPrefix: 'secretsmanager',
} as const;

const GetSecretValueAnswerSchema = v.object({ SecretString: v.optional(v.string()) });

/**
 * `secretsmanager.GetSecretValue` of the current version: the secret's `SecretString`, or
 * `undefined` for a binary secret (the caller decides what that means).
 */
export const getSecretString = async (
  client: AwsJsonClient,
  secretId: string,
): Promise<string | undefined> => {
  const answer = v.safeParse(
    GetSecretValueAnswerSchema,
    await client.call('GetSecretValue', { SecretId: secretId }),
  );
  if (!answer.success) {
    throw new AwsCallError({
      service: 'secretsmanager',
      operation: 'GetSecretValue',
      code: 'InvalidResponse',
      retryable: false,
    });
  }
  return answer.output.SecretString;
};

/**
 * The ingest path's Secrets Manager reader, created once per container: one attempt of at most
 * 2 s (the SDK client's 0.5 s connect + 1.5 s request), so a slow secrets call on a cold start
 * becomes our own 503 well inside the function's timeout instead of hanging; the vendor's retry
 * lands on a container that tries again.
 */
export const createSecretsManagerSource = (
  environment: AwsEnvironment,
  overrides: Partial<Omit<AwsJsonClientOptions, 'service' | 'environment'>> = {},
): SecretStringSource => {
  const client = new AwsJsonClient({
    service: SECRETS_MANAGER_JSON_SERVICE,
    environment,
    maxAttempts: 1,
    attemptTimeoutMs: 2000,
    ...overrides,
  });
  return { getSecretString: (secretId) => getSecretString(client, secretId) };
};
