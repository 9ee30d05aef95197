import { DEFAULT_SIGNATURE_MAX_AGE_SECONDS } from '../shared/auth/authenticators';
import type { SecretName } from '../shared/config/dev-secrets';
import { byFunction, type FunctionName, ingestFunctionOf } from '../shared/http/routes';
import { DEFAULT_SECRETS_CACHE_SECONDS } from '../shared/ingest/ingest-config';
import { SQS_MAX_MESSAGE_BYTES } from '../shared/queue/event-queue';
import {
  DEFAULT_ARCHIVE_EVENTS,
  DEFAULT_ARCHIVE_RETENTION_SECONDS,
  DEFAULT_DEDUPE_WINDOW_SECONDS,
} from '../shared/worker/worker-config';
import type { IngestFunctionName } from './constructs/webhook-secrets';
import { CURSOR_SIGNING_KEY_NAME, INGEST_SECRET_SHAPES } from './constructs/webhook-secrets';

/**
 * The tunable settings the stack passes explicitly, so the deployed values are visible in the
 * template and the console rather than buried in code defaults. Values are strings because
 * Lambda environment variables are.
 */
export const FUNCTION_ENVIRONMENT_DEFAULTS = {
  /** The contract's body limit: the SQS maximum, answered with 413 above it. */
  MAX_BODY_BYTES: String(SQS_MAX_MESSAGE_BYTES),
  /** How old a timestamped webhook signature may be (the vendor SDKs' default). */
  SIGNATURE_MAX_AGE_SECONDS: String(DEFAULT_SIGNATURE_MAX_AGE_SECONDS),
  /** A rotated secret reaches every warm container within five minutes. */
  SECRETS_CACHE_SECONDS: String(DEFAULT_SECRETS_CACHE_SECONDS),
  /** The contract's default: longer than any vendor's retry horizon. */
  DEDUPE_WINDOW_SECONDS: String(DEFAULT_DEDUPE_WINDOW_SECONDS),
  /** Keep the compressed envelope of every event, so it can be replayed. */
  ARCHIVE_EVENTS: String(DEFAULT_ARCHIVE_EVENTS),
  ARCHIVE_RETENTION_SECONDS: String(DEFAULT_ARCHIVE_RETENTION_SECONDS),
} as const;

/**
 * The SDK's own endpoint override variables. Declared empty only in the local-invoke template so
 * that `sam local invoke --env-vars` can point a function at DynamoDB Local or the local SQS
 * server; the SDK ignores an empty value.
 */
const SQS_ENDPOINT = 'AWS_ENDPOINT_URL_SQS';
const DYNAMODB_ENDPOINT = 'AWS_ENDPOINT_URL_DYNAMODB';
const EVENTBRIDGE_ENDPOINT = 'AWS_ENDPOINT_URL_EVENTBRIDGE';

const emptyVariables = (names: readonly string[]): Readonly<Record<string, string>> =>
  Object.fromEntries(names.map((name) => [name, '']));

const ingestSecretNames = (name: IngestFunctionName): readonly SecretName[] => {
  const { generatedKey, operatorKeys } = INGEST_SECRET_SHAPES[name];
  return generatedKey === undefined ? operatorKeys : [generatedKey, ...operatorKeys];
};

/**
 * SAM CLI only overrides environment variables the template already declares, so the secrets and
 * endpoints a local invoke needs must exist in the function's environment. The template built with
 * context `localInvoke=true` declares them empty (never with a value); the deployed template has
 * none of them. Empty secret variables are ignored in AWS anyway: with `WEBHOOK_SECRETS_ARN` set,
 * ingest reads Secrets Manager only.
 */
export const localInvokePlaceholders = (
  enabled: boolean,
): Readonly<Record<FunctionName, Readonly<Record<string, string>>>> => {
  const when = (names: readonly string[]) => (enabled ? emptyVariables(names) : {});
  return byFunction(
    (vendor) => when([...ingestSecretNames(ingestFunctionOf(vendor)), SQS_ENDPOINT]),
    {
      worker: when([DYNAMODB_ENDPOINT]),
      read: when([CURSOR_SIGNING_KEY_NAME, DYNAMODB_ENDPOINT]),
      publisher: when([DYNAMODB_ENDPOINT, EVENTBRIDGE_ENDPOINT]),
    },
  );
};
