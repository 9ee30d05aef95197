import { CreateQueueCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_QUEUE_NAMES, localQueueArn, type QueueRole } from './local-names';
import { LocalStackError } from './local-stack-error';

/** After this many receives, the server moves a message from the main queue to the DLQ. */
export const MAX_RECEIVE_COUNT = 5;

/** SQS's maximum message size; ingest's default body limit matches it. */
const MAXIMUM_MESSAGE_SIZE = 1_048_576;
/** DLQ and quarantine keep messages 14 days (the SQS maximum), as in AWS. */
const FOURTEEN_DAYS_SECONDS = 1_209_600;

/** One queue of the stack: its URL (what SDK calls take) and ARN (what SQS events carry). */
export interface LocalQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
}

/** The main queue, its DLQ and the quarantine queue. */
export type LocalQueues = Readonly<Record<QueueRole, LocalQueue>>;

/**
 * Creates the three queues the way the AWS stack configures them: the main queue redrives to
 * the DLQ after `MAX_RECEIVE_COUNT` receives, the DLQ and quarantine keep messages 14 days.
 * CreateQueue with the same attributes is idempotent, so this also finds existing queues.
 */
export const ensureQueues = async (
  sqs: SQSClient,
  options: { visibilityTimeoutSeconds: number },
): Promise<LocalQueues> => {
  const create = async (role: QueueRole, attributes: Record<string, string>) => {
    const name = LOCAL_QUEUE_NAMES[role];
    const output = await sqs.send(
      new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
    );
    if (!output.QueueUrl) throw new LocalStackError(`CreateQueue returned no URL for ${name}`);
    return { name, url: output.QueueUrl, arn: localQueueArn(name) };
  };
  const retained = {
    MessageRetentionPeriod: String(FOURTEEN_DAYS_SECONDS),
    MaximumMessageSize: String(MAXIMUM_MESSAGE_SIZE),
  };
  const dlq = await create('dlq', retained);
  const quarantine = await create('quarantine', retained);
  const main = await create('main', {
    VisibilityTimeout: String(options.visibilityTimeoutSeconds),
    MaximumMessageSize: String(MAXIMUM_MESSAGE_SIZE),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: dlq.arn,
      maxReceiveCount: MAX_RECEIVE_COUNT,
    }),
  });
  return { main, dlq, quarantine };
};
