import { booleanOr, integerOr, requiredString, type Env } from '../config/env';

/** Seconds per day, for readable defaults. */
const DAY_SECONDS = 24 * 60 * 60;

/** The contract's dedupe window: longer than any vendor's retry horizon. */
export const DEFAULT_DEDUPE_WINDOW_SECONDS = 7 * DAY_SECONDS;
/** Archive every event's compressed envelope, so it can be replayed. */
export const DEFAULT_ARCHIVE_EVENTS = true;
/** How long an archived envelope is kept. */
export const DEFAULT_ARCHIVE_RETENTION_SECONDS = 30 * DAY_SECONDS;

/**
 * The worker's settings, read once when the handler module loads. A bad value throws
 * `ConfigurationError` there, so a misconfigured worker never takes a message off the queue.
 * DynamoDB's endpoint is not configured here: locally the SDK reads its own
 * `AWS_ENDPOINT_URL_DYNAMODB`, in AWS the default endpoint applies.
 */
export interface WorkerConfig {
  /** `RECORDS_TABLE`: the image records table. */
  readonly recordsTable: string;
  /** `LEDGER_TABLE`: the event ledger table. */
  readonly ledgerTable: string;
  /**
   * `DEDUPE_WINDOW_SECONDS`, default 7 days (contract): how long a completed `eventId` is a
   * duplicate. Longer than any vendor's retry horizon.
   */
  readonly dedupeWindowSeconds: number;
  /** `ARCHIVE_EVENTS`, default true: keep the gzip-compressed envelope in the ledger for replay. */
  readonly archiveEvents: boolean;
  /** `ARCHIVE_RETENTION_SECONDS`, default 30 days: how long an archived envelope is kept. */
  readonly archiveRetentionSeconds: number;
  /** `APPLY_CONCURRENCY`, default 8: image writes in flight per event. */
  readonly applyConcurrency: number;
}

/** Reads and checks the worker's environment; throws `ConfigurationError` on the first problem. */
export const readWorkerConfig = (env: Env): WorkerConfig => ({
  recordsTable: requiredString(env, 'RECORDS_TABLE'),
  ledgerTable: requiredString(env, 'LEDGER_TABLE'),
  dedupeWindowSeconds: integerOr(env, 'DEDUPE_WINDOW_SECONDS', DEFAULT_DEDUPE_WINDOW_SECONDS, {
    min: 60,
    max: 365 * DAY_SECONDS,
  }),
  archiveEvents: booleanOr(env, 'ARCHIVE_EVENTS', DEFAULT_ARCHIVE_EVENTS),
  archiveRetentionSeconds: integerOr(
    env,
    'ARCHIVE_RETENTION_SECONDS',
    DEFAULT_ARCHIVE_RETENTION_SECONDS,
    {
      min: 60,
      max: 10 * 365 * DAY_SECONDS,
    },
  ),
  applyConcurrency: integerOr(env, 'APPLY_CONCURRENCY', 8, { min: 1, max: 64 }),
});
