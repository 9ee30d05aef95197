import { ConfigurationError, optionalString, type Env } from '../config/env';

/** The key used where no key is configured outside Lambda (local stack, tests). */
export const DEV_CURSOR_SIGNING_KEY = 'dev-cursor-signing-key';

/** Shortest key accepted: HMAC-SHA256 wants at least 32 bytes of secret to be worth its name. */
export const MIN_CURSOR_KEY_LENGTH = 32;

/** Where the `next` tokens' HMAC key comes from: a value, or a Secrets Manager secret. */
export type CursorKeySource =
  | { readonly kind: 'value'; readonly key: string }
  /** A JSON secret whose `CURSOR_SIGNING_KEY` field is the key (the CDK stack generates it). */
  | { readonly kind: 'secret'; readonly secretId: string };

/**
 * Decides, once at load, where the cursor key comes from:
 * 1. `CURSOR_SIGNING_KEY`, when set (at least 32 characters);
 * 2. else `CURSOR_SECRET_ARN`, the Secrets Manager secret the CDK stack wires in AWS;
 * 3. else, outside Lambda (`AWS_LAMBDA_FUNCTION_NAME` unset), the dev default, so the local stack
 *    works with no setup;
 * 4. else fail: a deployed read API must never sign with a well-known key.
 */
export const cursorKeySource = (env: Env): CursorKeySource => {
  const key = optionalString(env, 'CURSOR_SIGNING_KEY');
  if (key !== undefined) {
    if (key.length < MIN_CURSOR_KEY_LENGTH) {
      throw new ConfigurationError(
        `must be at least ${MIN_CURSOR_KEY_LENGTH} characters`,
        'CURSOR_SIGNING_KEY',
      );
    }
    return { kind: 'value', key };
  }
  const secretId = optionalString(env, 'CURSOR_SECRET_ARN');
  if (secretId !== undefined) return { kind: 'secret', secretId };
  if (optionalString(env, 'AWS_LAMBDA_FUNCTION_NAME') !== undefined) {
    throw new ConfigurationError(
      'is required in Lambda (or CURSOR_SECRET_ARN naming a secret that holds it)',
      'CURSOR_SIGNING_KEY',
    );
  }
  return { kind: 'value', key: DEV_CURSOR_SIGNING_KEY };
};
