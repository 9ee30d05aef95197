import type { AwsEnvironment } from '../aws/aws-environment';
import { createSecretsManagerSource } from '../aws/secrets-manager-get-secret-value';
import { readJsonSecret } from '../secrets/read-json-secret';
import type { SecretStringSource } from '../secrets/secret-string-source';
import * as v from 'valibot';
import type { CursorKeySource } from './cursor-signing-key';
import { MIN_CURSOR_KEY_LENGTH } from './cursor-signing-key';
import { ServiceError } from '../errors/service-error';

/** The cursor key, when the read API needs it. Cached by implementations: one fetch per container. */
export type CursorKeyProvider = () => Promise<string>;

/** The key could not be fetched or is unusable; the read API answers 503 and tries again later. */
export class CursorKeyUnavailableError extends ServiceError {
  readonly retryable = true;

  constructor(
    message: string,
    readonly secretId: string,
    options?: { cause?: unknown },
  ) {
    super(`cursor signing key from ${secretId}: ${message}`, options);
    this.name = 'CursorKeyUnavailableError';
  }
}

/** A key known at load (environment or dev default). */
export const fixedCursorKey =
  (key: string): CursorKeyProvider =>
  () =>
    Promise.resolve(key);

const CursorSecretSchema = v.object({
  CURSOR_SIGNING_KEY: v.pipe(v.string(), v.minLength(MIN_CURSOR_KEY_LENGTH)),
});

/**
 * The key from a Secrets Manager JSON secret, fetched on first use and then kept for the life of
 * the container: rotating it invalidates outstanding `next` tokens anyway, so it is rare and
 * deliberate, and new containers pick it up. A failed fetch is not cached, so the next request
 * tries again. Error messages never quote the secret's text.
 */
export const secretsManagerCursorKey = (
  source: SecretStringSource,
  secretId: string,
): CursorKeyProvider => {
  let key: Promise<string> | undefined;
  const fetchKey = async (): Promise<string> =>
    (
      await readJsonSecret({
        source,
        secretId,
        schema: CursorSecretSchema,
        ErrorClass: CursorKeyUnavailableError,
        invalid: () =>
          `the secret has no CURSOR_SIGNING_KEY of at least ${MIN_CURSOR_KEY_LENGTH} characters`,
      })
    ).CURSOR_SIGNING_KEY;
  return () => {
    key ??= fetchKey().catch((error: unknown) => {
      key = undefined;
      throw error;
    });
    return key;
  };
};

/**
 * The provider for a configured source. Call once per container: the Secrets Manager client it
 * creates (the lean one ingest uses, two attempts) is meant to live that long, and its endpoint
 * comes from the function's environment (`AWS_ENDPOINT_URL_SECRETS_MANAGER` locally).
 */
export const createCursorKeyProvider = (
  source: CursorKeySource,
  environment: AwsEnvironment,
): CursorKeyProvider =>
  source.kind === 'value'
    ? fixedCursorKey(source.key)
    : secretsManagerCursorKey(
        createSecretsManagerSource(environment, { maxAttempts: 2 }),
        source.secretId,
      );
