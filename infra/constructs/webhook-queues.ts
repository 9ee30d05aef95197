import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SQS_MAX_MESSAGE_BYTES } from '../../shared/queue/event-queue';
import { pinLogicalId } from './pinned-logical-id';

/** The SQS maximum message size (1 MiB), the same constant ingest sizes its messages against. */
export const MAX_MESSAGE_BYTES = SQS_MAX_MESSAGE_BYTES;

/**
 * Receives before a message is dead-lettered. Five gives a transient fault (a throttled table, a
 * cold worker timing out) several visibility periods to clear, yet parks a poison message within
 * about 15 minutes instead of letting it cycle for the whole retention period.
 */
export const MAX_RECEIVE_COUNT = 5;

/**
 * How long the main queue keeps a message. Four days (the SQS default) is ample for a worker outage;
 * it is shorter than the DLQ's 14 days on purpose: SQS keeps the original enqueue time when it
 * dead-letters, so the DLQ must outlive the source queue or redriven messages would expire early.
 */
export const MAIN_QUEUE_RETENTION = Duration.days(4);

/**
 * The DLQ and quarantine keep messages for the SQS maximum: an operator has two weeks to look at
 * a parked event and replay it (`npm run dlq`, `npm run quarantine`).
 */
export const PARKED_MESSAGE_RETENTION = Duration.days(14);

/**
 * AWS's rule for a queue feeding Lambda: at least six times the function timeout (plus the
 * batching window), so a batch retried by the Lambda service after a throttle or timeout is not
 * redelivered to a second worker while the first still holds it.
 */
export const visibilityTimeoutFor = (workerTimeout: Duration, batchingWindow: Duration): Duration =>
  Duration.seconds(6 * workerTimeout.toSeconds() + batchingWindow.toSeconds());

/** The worker settings the main queue must be sized against. */
export interface WebhookQueuesProps {
  /** The worker's function timeout; the main queue's visibility timeout is derived from it. */
  readonly workerTimeout: Duration;
  /** The event source mapping's maximum batching window, added on top. */
  readonly workerBatchingWindow: Duration;
}

/**
 * The three queues of the pipeline:
 * - `WebhookQueue`: every accepted event, consumed by the worker;
 * - `WebhookDeadLetterQueue`: events the worker failed `MAX_RECEIVE_COUNT` times;
 * - `QuarantineQueue`: deliveries that authenticated but failed validation, kept (raw body,
 *   reason, headers minus secrets) so they can be inspected and replayed after a schema fix.
 *
 * All are encrypted at rest with SQS-managed keys (no KMS key to manage or pay for, and no key
 * grants to get wrong) and refuse plain-HTTP access.
 */
export class WebhookQueues extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly quarantineQueue: sqs.Queue;
  /** The main queue's visibility timeout, derived from the worker's timeout. */
  readonly visibilityTimeout: Duration;

  constructor(scope: Construct, id: string, props: WebhookQueuesProps) {
    super(scope, id);
    this.visibilityTimeout = visibilityTimeoutFor(props.workerTimeout, props.workerBatchingWindow);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: PARKED_MESSAGE_RETENTION,
      maxMessageSizeBytes: MAX_MESSAGE_BYTES,
    });
    pinLogicalId(this.deadLetterQueue, 'WebhookDeadLetterQueue');

    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      maxMessageSizeBytes: MAX_MESSAGE_BYTES,
      retentionPeriod: MAIN_QUEUE_RETENTION,
      visibilityTimeout: this.visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    pinLogicalId(this.queue, 'WebhookQueue');

    this.quarantineQueue = new sqs.Queue(this, 'QuarantineQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: PARKED_MESSAGE_RETENTION,
      maxMessageSizeBytes: MAX_MESSAGE_BYTES,
    });
    pinLogicalId(this.quarantineQueue, 'QuarantineQueue');
  }
}
