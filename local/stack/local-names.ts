import { LOCAL_AWS } from '../servers/dynamodb-local';

/**
 * The names the local stack gives its resources. One place, so `npm start`, `npm run invoke`,
 * `npm run dlq`, `npm run quarantine` and the tests agree without passing names around.
 */

/** Region and account the local servers put in ARNs; both are cosmetic locally. */
export const LOCAL_REGION = LOCAL_AWS.region;
export const LOCAL_ACCOUNT_ID = '123456789012';

/** The queues: main (events for the worker), its dead-letter queue, and ingest's quarantine. */
export const LOCAL_QUEUE_NAMES = {
  main: 'vendor-webhooks-events',
  dlq: 'vendor-webhooks-events-dlq',
  quarantine: 'vendor-webhooks-quarantine',
} as const;

export type QueueRole = keyof typeof LOCAL_QUEUE_NAMES;

export const QUEUE_ROLES = Object.keys(LOCAL_QUEUE_NAMES) as QueueRole[];

/** The tables, created from the shared definitions under these names. */
export const LOCAL_TABLE_NAMES = {
  records: 'vendor-webhooks-records',
  ledger: 'vendor-webhooks-ledger',
} as const;

/** The bus the publisher puts change events on (the local change bus answers for it). */
export const LOCAL_CHANGE_BUS_NAME = 'vendor-webhooks-changes';

/**
 * The stream mapping's on-failure queue: where the stream feed parks the position of a batch of
 * record changes it gave up publishing. Unlike the three queues above it is not saved on stop.
 */
export const LOCAL_CHANGE_FAILURE_QUEUE_NAME = 'vendor-webhooks-change-stream-failures';

/** The ARN local-aws-sqs reports for a queue name (it appears in SQS events as `eventSourceARN`). */
export const localQueueArn = (queueName: string): string =>
  `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${queueName}`;
