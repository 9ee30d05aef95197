import { DEV_SECRETS, type SecretName } from '../../shared/config/dev-secrets';
import type { Env } from '../../shared/config/env';
import { byFunction, type FunctionName } from '../../shared/http/routes';
import {
  DEV_CURSOR_SIGNING_KEY,
  MIN_CURSOR_KEY_LENGTH,
} from '../../shared/read/cursor-signing-key';
import {
  CURSOR_SIGNING_KEY_NAME,
  INGEST_SECRET_SHAPES,
  INGEST_FUNCTION_NAMES,
} from '../../infra/constructs/webhook-secrets';
import type { LocalArnScope } from './template-bindings';

/** One secret the local Secrets Manager holds: the JSON document the deployed secret holds. */
export interface LocalSecret {
  readonly name: string;
  readonly arn: string;
  readonly secretString: string;
}

/**
 * The cursor key the local read API signs with when none is set: the dev default, lengthened to
 * the minimum a Secrets Manager cursor secret must have.
 */
export const LOCAL_CURSOR_SIGNING_KEY = DEV_CURSOR_SIGNING_KEY.padEnd(MIN_CURSOR_KEY_LENGTH, '0');

const secretArn = (name: string, scope: LocalArnScope): string =>
  // Secrets Manager appends six random characters to a secret's name in its ARN.
  `arn:aws:secretsmanager:${scope.region}:${scope.accountId}:secret:${name}-local0`;

/**
 * A variable's value in the secret: set and non-empty is used, set but empty disables the
 * credential (the key is left out, as an operator leaves it unset), unset takes the dev default.
 */
const secretValue = (env: Env, key: SecretName): string | undefined => {
  const value = env[key];
  if (value === undefined) return DEV_SECRETS[key];
  return value === '' ? undefined : value;
};

/**
 * The secrets each function reads, as the stack deploys them (one JSON secret per ingest function
 * with exactly its keys; one for the cursor key), filled from the caller's environment or the dev
 * defaults, so the handlers read them through Secrets Manager as in AWS. `variables` are what the
 * function's environment gets to find its secret (the same variable names as in the template).
 */
export const localSecretsFor = (
  env: Env,
  scope: LocalArnScope,
): {
  readonly secrets: readonly LocalSecret[];
  readonly variables: Readonly<Record<FunctionName, Readonly<Record<string, string>>>>;
} => {
  const secrets: LocalSecret[] = [];
  const variables: Record<FunctionName, Record<string, string>> = byFunction(() => ({}), {
    worker: {},
    read: {},
    publisher: {},
  });
  for (const name of INGEST_FUNCTION_NAMES) {
    const shape = INGEST_SECRET_SHAPES[name];
    const document: Record<string, string> = {};
    const keys =
      shape.generatedKey === undefined
        ? shape.operatorKeys
        : [shape.generatedKey, ...shape.operatorKeys];
    for (const key of keys) {
      const value = secretValue(env, key);
      if (value !== undefined) document[key] = value;
    }
    const secretName = `vendor-webhooks/${name}`;
    const arn = secretArn(secretName, scope);
    secrets.push({ name: secretName, arn, secretString: JSON.stringify(document) });
    variables[name].WEBHOOK_SECRETS_ARN = arn;
  }
  // A key set in the environment is read from there, as in AWS where it would be a variable.
  if (env[CURSOR_SIGNING_KEY_NAME] === undefined) {
    const secretName = 'vendor-webhooks/cursor-signing-key';
    const arn = secretArn(secretName, scope);
    secrets.push({
      name: secretName,
      arn,
      secretString: JSON.stringify({ [CURSOR_SIGNING_KEY_NAME]: LOCAL_CURSOR_SIGNING_KEY }),
    });
    variables.read.CURSOR_SECRET_ARN = arn;
  }
  return { secrets, variables };
};
