import { DEFAULT_SIGNATURE_MAX_AGE_SECONDS } from '../auth/authenticators';
import { integerOr, optionalString, requiredString } from '../config/env';
import { SQS_MAX_MESSAGE_BYTES } from '../queue/event-queue';
import type { SecretsSourceConfig } from '../secrets/create-webhook-secrets-provider';

/** Default cache lifetime of the webhook secrets in a warm container. */
export const DEFAULT_SECRETS_CACHE_SECONDS = 300;

/**
 * The longest signature window allowed: ten years, so replayable fixtures (signed once, at their
 * own receipt time) can be invoked years later with a widened window; deployments keep the default.
 */
const MAX_SIGNATURE_MAX_AGE_SECONDS = 10 * 365 * 86_400;

/** The ingest functions' configuration, read once at load. */
export interface IngestConfig extends SecretsSourceConfig {
  /** `QUEUE_URL`: the event queue. */
  readonly queueUrl: string;
  /** `QUARANTINE_QUEUE_URL`: authentic deliveries that failed parsing or validation. */
  readonly quarantineQueueUrl: string;
  /**
   * `MAX_BODY_BYTES`, default and maximum 1 MiB: a larger body could never fit in one SQS
   * message, so a larger limit would only turn 413s into endless 503s.
   */
  readonly maxBodyBytes: number;
  /**
   * `SIGNATURE_MAX_AGE_SECONDS`, default 7,200 (the vendor SDKs' own): how old a timestamped
   * signature may be. Longer tolerates slow retries; shorter narrows a replay of a captured
   * delivery (which deduplication would count, not apply, within its window anyway).
   */
  readonly signatureMaxAgeSeconds: number;
}

/**
 * Reads and checks the ingest environment. Called at module load, so a function with a missing
 * queue URL or a malformed number fails to start instead of answering a vendor wrongly. Queue and
 * Secrets Manager endpoints are not configured here: the AWS clients read `AWS_ENDPOINT_URL_SQS`
 * and `AWS_ENDPOINT_URL_SECRETS_MANAGER` themselves (`shared/aws/aws-environment.ts`, the SDK's
 * variable names), so the same code runs locally and in AWS.
 */
export const readIngestConfig = (
  env: Readonly<Record<string, string | undefined>>,
): IngestConfig => ({
  queueUrl: requiredString(env, 'QUEUE_URL'),
  quarantineQueueUrl: requiredString(env, 'QUARANTINE_QUEUE_URL'),
  maxBodyBytes: integerOr(env, 'MAX_BODY_BYTES', SQS_MAX_MESSAGE_BYTES, {
    min: 1,
    max: SQS_MAX_MESSAGE_BYTES,
  }),
  signatureMaxAgeSeconds: integerOr(
    env,
    'SIGNATURE_MAX_AGE_SECONDS',
    DEFAULT_SIGNATURE_MAX_AGE_SECONDS,
    { min: 1, max: MAX_SIGNATURE_MAX_AGE_SECONDS },
  ),
  secretsArn: optionalString(env, 'WEBHOOK_SECRETS_ARN'),
  secretsCacheSeconds: integerOr(env, 'SECRETS_CACHE_SECONDS', DEFAULT_SECRETS_CACHE_SECONDS, {
    min: 1,
    max: 86_400,
  }),
});
